/**
 * ObstructedMaze — find a blue ball behind locked doors, hidden keys and blocking balls.
 *
 * Rooms are 6×6. Door colours are a random permutation of the six colours, drawn first. A locked
 * door comes with its key, placed in the room on the agent's side — inside a grey box when the key
 * is hidden ("h"), and a green ball stands on the agent's side of the door when it is blocked ("b").
 * Mission: "pick up the blue ball". Picking up that ball earns 1 − 0.9·(step_count / max_steps)
 * and ends the episode; otherwise it ends at max_steps (4·numRoomsVisited·6²).
 *
 * - 1Dl / 1Dlh / 1Dlhb (ObstructedMaze1DlhbEnv, 11×6): two rooms joined by one locked door; the
 *   ball in the right room, the agent in the left one.
 * - 2Dl / 2Dlh / 2Dlhb / 1Q / 2Q / Full (ObstructedMazeFullEnv, 16×16): a 3×3 maze; for each of
 *   the first `numQuarters` side rooms (right, down, left, up) an unlocked door from the centre and
 *   locked doors (with keys) from that side room to its two corner rooms; the ball in a random one
 *   of the first `numQuarters` corners (top-right, bottom-right, bottom-left, top-left); the agent
 *   in `agentRoom`.
 *
 * In these v0 layouts a blocking ball can land on a key placed earlier and hide it; the v1 ids
 * (obstructedmaze_v1.ts) fix that. Registered: MiniGrid-ObstructedMaze-{1Dl,1Dlh,1Dlhb,2Dl,2Dlh,
 * 2Dlhb,1Q,2Q,Full}-v0.
 */
import { COLOR_NAMES, DIR_TO_VEC, type ActionIndex, type Color } from "../constants.js";
import type { StepResult } from "../minigrid-env.js";
import { family } from "../registration.js";
import { RoomGrid, type RoomGridOptions } from "../roomgrid.js";
import { Ball, Box, Key, type Door, type Point, type WorldObj } from "../world-object.js";

/** Python's `%`: the result takes the divisor's sign. */
export const pyMod = (a: number, n: number): number => ((a % n) + n) % n;

export interface ObstructedMazeOptions extends Omit<RoomGridOptions, "roomSize"> {
  /** Sets max_steps = 4 · numRoomsVisited · 6² unless maxSteps is given. */
  numRoomsVisited: number;
}

export abstract class ObstructedMazeEnv extends RoomGrid {
  /** The ball to pick up (set by each reset). */
  obj: WorldObj = new Ball();
  doorColors: Color[] = [];
  readonly ballToFindColor: Color = COLOR_NAMES[0]!;
  readonly blockingBallColor: Color = COLOR_NAMES[1]!;
  readonly boxColor: Color = COLOR_NAMES[2]!;

  constructor({ numRoomsVisited, maxSteps, ...rest }: ObstructedMazeOptions) {
    const roomSize = 6;
    super({ ...rest, roomSize, maxSteps: maxSteps ?? 4 * numRoomsVisited * roomSize ** 2 });
  }

  protected override genGrid(width: number, height: number): void {
    super.genGrid(width, height);
    this.doorColors = this.randSubset(COLOR_NAMES, COLOR_NAMES.length);
    this.mission = `pick up the ${this.ballToFindColor} ball`;
  }

  override step(action: ActionIndex | number): StepResult {
    return this.stepEndingOnPickupOf(this.obj, action);
  }

  /** A door; if locked, its key in room (i, j) (boxed if keyInBox); if blocked, a ball in front of it. */
  override addDoor(
    i: number,
    j: number,
    doorIdx: number | null = 0,
    color: Color | null = null,
    locked: boolean | null = false,
    keyInBox = false,
    blocked = false,
  ): [Door, Point] {
    const [door, doorPos] = super.addDoor(i, j, doorIdx, color, locked);
    if (blocked) {
      const [dx, dy] = DIR_TO_VEC[doorIdx!]!;
      this.grid.set(doorPos[0] - dx, doorPos[1] - dy, new Ball(this.blockingBallColor));
    }
    if (locked) {
      let obj: WorldObj = new Key(door.color);
      if (keyInBox) obj = new Box(this.boxColor, obj);
      this.placeInRoom(i, j, obj);
    }
    return [door, doorPos];
  }
}

export interface ObstructedMaze1DlhbOptions extends Omit<ObstructedMazeOptions, "numRows" | "numCols" | "numRoomsVisited"> {
  keyInBox?: boolean;
  blocked?: boolean;
}

/** Two rooms, one locked door between them, the blue ball on the far side. */
export class ObstructedMaze1DlhbEnv extends ObstructedMazeEnv {
  readonly keyInBox: boolean;
  readonly blocked: boolean;

  constructor({ keyInBox = true, blocked = true, ...rest }: ObstructedMaze1DlhbOptions = {}) {
    super({ ...rest, numRows: 1, numCols: 2, numRoomsVisited: 2 });
    this.keyInBox = keyInBox;
    this.blocked = blocked;
  }

  protected override genGrid(width: number, height: number): void {
    super.genGrid(width, height);
    this.addDoor(0, 0, 0, this.doorColors[0]!, true, this.keyInBox, this.blocked);
    [this.obj] = this.addObject(1, 0, "ball", this.ballToFindColor);
    this.placeAgentInRoom(0, 0);
  }
}

export interface ObstructedMazeFullOptions extends Omit<ObstructedMazeOptions, "numRows" | "numCols" | "numRoomsVisited"> {
  agentRoom?: Point;
  keyInBox?: boolean;
  blocked?: boolean;
  numQuarters?: number;
  numRoomsVisited?: number;
}

/** The side rooms (right, down, left, up of the centre) and the corners, in quarter order. */
export const SIDE_ROOMS: readonly Point[] = [[2, 1], [1, 2], [0, 1], [1, 0]];
export const CORNER_ROOMS: readonly Point[] = [[2, 0], [2, 2], [0, 2], [0, 0]];

/** A 3×3 maze; the blue ball in one of the corners of the first `numQuarters` quarters. */
export class ObstructedMazeFullEnv extends ObstructedMazeEnv {
  readonly agentRoom: Point;
  readonly keyInBox: boolean;
  readonly blocked: boolean;
  readonly numQuarters: number;

  constructor({
    agentRoom = [1, 1],
    keyInBox = true,
    blocked = true,
    numQuarters = 4,
    numRoomsVisited = 25,
    ...rest
  }: ObstructedMazeFullOptions = {}) {
    super({ ...rest, numRows: 3, numCols: 3, numRoomsVisited });
    this.agentRoom = agentRoom;
    this.keyInBox = keyInBox;
    this.blocked = blocked;
    this.numQuarters = numQuarters;
  }

  protected override genGrid(width: number, height: number): void {
    super.genGrid(width, height);
    const n = this.doorColors.length;
    const sideRooms = SIDE_ROOMS.slice(0, this.numQuarters);
    sideRooms.forEach(([si, sj], i) => {
      this.addDoor(1, 1, i, this.doorColors[i]!, false);
      this.addCornerDoors(si, sj, i, n);
    });
    const [bi, bj] = this.randElem(CORNER_ROOMS.slice(0, this.numQuarters));
    [this.obj] = this.addObject(bi, bj, "ball", this.ballToFindColor);
    this.placeAgentInRoom(this.agentRoom[0], this.agentRoom[1]);
  }

  /** Side room `i`'s two locked doors to its corner rooms, each with its key (v1 orders this differently). */
  protected addCornerDoors(si: number, sj: number, i: number, n: number): void {
    for (const k of [-1, 1]) {
      this.addDoor(si, sj, pyMod(i + k, 4), this.doorColors[pyMod(i + k, n)]!, true, this.keyInBox, this.blocked);
    }
  }
}

export const OBSTRUCTEDMAZE_ENVS = [
  ...family("ObstructedMaze", ObstructedMaze1DlhbEnv, {
    "MiniGrid-ObstructedMaze-1Dl-v0": { keyInBox: false, blocked: false },
    "MiniGrid-ObstructedMaze-1Dlh-v0": { keyInBox: true, blocked: false },
    "MiniGrid-ObstructedMaze-1Dlhb-v0": {},
  }),
  ...family("ObstructedMaze", ObstructedMazeFullEnv, {
    "MiniGrid-ObstructedMaze-2Dl-v0": { agentRoom: [2, 1], keyInBox: false, blocked: false, numQuarters: 1, numRoomsVisited: 4 },
    "MiniGrid-ObstructedMaze-2Dlh-v0": { agentRoom: [2, 1], keyInBox: true, blocked: false, numQuarters: 1, numRoomsVisited: 4 },
    "MiniGrid-ObstructedMaze-2Dlhb-v0": { agentRoom: [2, 1], keyInBox: true, blocked: true, numQuarters: 1, numRoomsVisited: 4 },
    "MiniGrid-ObstructedMaze-1Q-v0": { agentRoom: [1, 1], keyInBox: true, blocked: true, numQuarters: 1, numRoomsVisited: 5 },
    "MiniGrid-ObstructedMaze-2Q-v0": { agentRoom: [2, 1], keyInBox: true, blocked: true, numQuarters: 2, numRoomsVisited: 11 },
    "MiniGrid-ObstructedMaze-Full-v0": {},
  }),
];
