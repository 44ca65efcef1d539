/**
 * ObstructedMaze v1 — the 3×3 ObstructedMaze with keys that no blocking ball can cover.
 *
 * The same maze as ObstructedMazeFullEnv (obstructedmaze.ts): door colours a random permutation of
 * the six colours; for each of the first `numQuarters` side rooms an unlocked door from the centre
 * and two locked doors to its corner rooms, each with a green ball in front when blocked. The
 * difference: a side room's keys (in grey boxes when hidden) are placed only after both of its
 * doors and their blocking balls, so a ball can no longer overwrite a key. The blue ball is in a
 * random one of the first `numQuarters` corners; the agent in `agentRoom`. Mission: "pick up the
 * blue ball". Picking up that ball earns 1 − 0.9·(step_count / max_steps) and ends the episode;
 * otherwise it ends at max_steps (4·numRoomsVisited·6²). Registered:
 * MiniGrid-ObstructedMaze-{2Dlhb,1Q,2Q,Full}-v1.
 */
import type { Color } from "../constants.js";
import { DIR_TO_VEC } from "../constants.js";
import { family } from "../registration.js";
import { RoomGrid } from "../roomgrid.js";
import { Ball, Box, Key, type Door, type Point, type WorldObj } from "../world-object.js";
import { ObstructedMazeFullEnv, pyMod, type ObstructedMazeFullOptions } from "./obstructedmaze.js";

export type ObstructedMazeFullV1Options = ObstructedMazeFullOptions;

export class ObstructedMazeFullV1Env extends ObstructedMazeFullEnv {
  /** Both doors and their blocking balls first, then the keys: a ball can no longer land on a key. */
  protected override addCornerDoors(si: number, sj: number, i: number, n: number): void {
    for (const k of [-1, 1]) {
      this.addLockedDoor(si, sj, pyMod(i + k, 4), this.doorColors[pyMod(i + k, n)]!, this.blocked);
    }
    for (const k of [-1, 1]) this.addKey(si, sj, this.doorColors[pyMod(i + k, n)]!, this.keyInBox);
  }

  /** A locked door without its key (RoomGrid's addDoor), with a blocking ball in front if asked. */
  addLockedDoor(i: number, j: number, doorIdx = 0, color: Color | null = null, blocked = false): [Door, Point] {
    const [door, doorPos] = RoomGrid.prototype.addDoor.call(this, i, j, doorIdx, color, true);
    if (blocked) {
      const [dx, dy] = DIR_TO_VEC[doorIdx]!;
      this.grid.set(doorPos[0] - dx, doorPos[1] - dy, new Ball(this.blockingBallColor));
    }
    return [door, doorPos];
  }

  /** A key of the given colour in room (i, j), inside a grey box if keyInBox. */
  addKey(i: number, j: number, color: Color, keyInBox = false): void {
    let obj: WorldObj = new Key(color);
    if (keyInBox) obj = new Box(this.boxColor, obj);
    this.placeInRoom(i, j, obj);
  }
}

export const OBSTRUCTEDMAZE_V1_ENVS = family("ObstructedMaze", ObstructedMazeFullV1Env, {
  "MiniGrid-ObstructedMaze-2Dlhb-v1": { agentRoom: [2, 1], keyInBox: true, blocked: true, numQuarters: 1, numRoomsVisited: 4 },
  "MiniGrid-ObstructedMaze-1Q-v1": { agentRoom: [1, 1], keyInBox: true, blocked: true, numQuarters: 1, numRoomsVisited: 5 },
  "MiniGrid-ObstructedMaze-2Q-v1": { agentRoom: [2, 1], keyInBox: true, blocked: true, numQuarters: 2, numRoomsVisited: 11 },
  "MiniGrid-ObstructedMaze-Full-v1": {},
});
