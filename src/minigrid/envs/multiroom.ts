/**
 * MultiRoom — a chain of rooms joined by closed doors; the goal is in the last room.
 *
 * Recipe: draw the number of rooms in [minNumRooms, maxNumRooms]; then, until a chain that long is
 * found, start a chain at a random cell (both coordinates drawn below width − 2, as Python does)
 * and grow it room by room: each room has a random size in [4, maxRoomSize] per side and sits
 * against the previous room's exit door; an exit door goes on one of its three other walls at a
 * random place (8 tries per room before the chain stops). The longest chain found is kept. Walls
 * of every room are drawn, each room after the first gets a closed door at its entry, coloured
 * differently from the previous door; the agent is placed in the first room facing a random way and
 * the goal at a random cell of the last room.
 *
 * Mission: "traverse the rooms to get to the goal". Rewards: 1 − 0.9 · (step_count / max_steps) for
 * the goal, 0 otherwise. Termination: the goal is reached or max_steps (maxNumRooms·20) runs out.
 * Registered: MiniGrid-MultiRoom-N2-S4-v0 (2 rooms of size ≤ 4), MiniGrid-MultiRoom-N4-S5-v0
 * (legacy id, configured for 6 rooms of size ≤ 5), MiniGrid-MultiRoom-N4-S5-v1 (4 rooms of size
 * ≤ 5) and MiniGrid-MultiRoom-N6-v0 (6 rooms of size ≤ 10).
 */
import { COLOR_NAMES, type Color } from "../constants.js";
import { Grid } from "../grid.js";
import { MiniGridEnv, type MiniGridOptions } from "../minigrid-env.js";
import { family } from "../registration.js";
import { Door, Goal, Wall, type Point } from "../world-object.js";

/** One room of the chain: its top-left corner, size (walls included) and door positions. */
export interface ChainRoom {
  top: Point;
  size: Point;
  entryDoorPos: Point;
  exitDoorPos: Point | null;
}

export interface MultiRoomOptions extends Omit<MiniGridOptions, "gridSize"> {
  minNumRooms: number;
  maxNumRooms: number;
  maxRoomSize?: number;
}

export class MultiRoomEnv extends MiniGridEnv {
  readonly minNumRooms: number;
  readonly maxNumRooms: number;
  readonly maxRoomSize: number;
  rooms: ChainRoom[] = [];
  goalPos: Point = [-1, -1];

  constructor({ minNumRooms, maxNumRooms, maxRoomSize = 10, width = 25, height = 25, maxSteps, ...rest }: MultiRoomOptions) {
    if (!(minNumRooms > 0)) throw new RangeError(`minNumRooms must be positive, got ${minNumRooms}`);
    if (!(maxNumRooms >= minNumRooms)) throw new RangeError(`maxNumRooms (${maxNumRooms}) is below minNumRooms (${minNumRooms})`);
    if (!(maxRoomSize >= 4)) throw new RangeError(`maxRoomSize must be at least 4, got ${maxRoomSize}`);
    super({ ...rest, width, height, maxSteps: maxSteps ?? maxNumRooms * 20 });
    this.minNumRooms = minNumRooms;
    this.maxNumRooms = maxNumRooms;
    this.maxRoomSize = maxRoomSize;
  }

  protected genGrid(width: number, height: number): void {
    let roomList: ChainRoom[] = [];
    const numRooms = this.randInt(this.minNumRooms, this.maxNumRooms + 1);
    while (roomList.length < numRooms) {
      const curRoomList: ChainRoom[] = [];
      const entryDoorPos: Point = [this.randInt(0, width - 2), this.randInt(0, width - 2)];
      this.placeRoom(numRooms, curRoomList, 4, this.maxRoomSize, 2, entryDoorPos);
      if (curRoomList.length > roomList.length) roomList = curRoomList;
    }
    this.rooms = roomList;

    this.grid = new Grid(width, height);
    const wall = new Wall();
    let prevDoorColor: Color | null = null;
    roomList.forEach((room, idx) => {
      const [topX, topY] = room.top;
      const [sizeX, sizeY] = room.size;
      for (let i = 0; i < sizeX; i++) {
        this.grid.set(topX + i, topY, wall);
        this.grid.set(topX + i, topY + sizeY - 1, wall);
      }
      for (let j = 0; j < sizeY; j++) {
        this.grid.set(topX, topY + j, wall);
        this.grid.set(topX + sizeX - 1, topY + j, wall);
      }
      if (idx > 0) {
        const doorColor = this.randElem(COLOR_NAMES.filter((c) => c !== prevDoorColor));
        this.grid.set(room.entryDoorPos[0], room.entryDoorPos[1], new Door(doorColor));
        prevDoorColor = doorColor;
        roomList[idx - 1]!.exitDoorPos = room.entryDoorPos;
      }
    });

    const first = roomList[0]!;
    const last = roomList[roomList.length - 1]!;
    this.placeAgent({ top: first.top, size: first.size });
    this.goalPos = this.placeObj(new Goal(), { top: last.top, size: last.size });
    this.mission = "traverse the rooms to get to the goal";
  }

  /**
   * Python's `_placeRoom`: add a room entered through `entryDoorPos` on wall `entryDoorWall`
   * (0 right, 1 south, 2 left, 3 north), then try to chain the remaining rooms from it. False only
   * when this room itself does not fit.
   */
  private placeRoom(
    numLeft: number,
    roomList: ChainRoom[],
    minSz: number,
    maxSz: number,
    entryDoorWall: number,
    entryDoorPos: Point,
  ): boolean {
    const sizeX = this.randInt(minSz, maxSz + 1);
    const sizeY = this.randInt(minSz, maxSz + 1);
    const [x, y] = entryDoorPos;
    let topX: number;
    let topY: number;
    if (roomList.length === 0) {
      [topX, topY] = entryDoorPos;
    } else if (entryDoorWall === 0) {
      topX = x - sizeX + 1;
      topY = this.randInt(y - sizeY + 2, y);
    } else if (entryDoorWall === 1) {
      topX = this.randInt(x - sizeX + 2, x);
      topY = y - sizeY + 1;
    } else if (entryDoorWall === 2) {
      topX = x;
      topY = this.randInt(y - sizeY + 2, y);
    } else {
      topX = this.randInt(x - sizeX + 2, x);
      topY = y;
    }

    // The room must lie inside the grid and clear of every earlier room but the one it joins.
    if (topX < 0 || topY < 0) return false;
    if (topX + sizeX > this.width || topY + sizeY >= this.height) return false;
    for (const room of roomList.slice(0, -1)) {
      const nonOverlap =
        topX + sizeX < room.top[0] ||
        room.top[0] + room.size[0] <= topX ||
        topY + sizeY < room.top[1] ||
        room.top[1] + room.size[1] <= topY;
      if (!nonOverlap) return false;
    }

    roomList.push({ top: [topX, topY], size: [sizeX, sizeY], entryDoorPos, exitDoorPos: null });
    if (numLeft === 1) return true;

    for (let attempt = 0; attempt < 8; attempt++) {
      const exitDoorWall = this.randElem([0, 1, 2, 3].filter((w) => w !== entryDoorWall));
      const nextEntryWall = (exitDoorWall + 2) % 4;
      let exitDoorPos: Point;
      if (exitDoorWall === 0) exitDoorPos = [topX + sizeX - 1, topY + this.randInt(1, sizeY - 1)];
      else if (exitDoorWall === 1) exitDoorPos = [topX + this.randInt(1, sizeX - 1), topY + sizeY - 1];
      else if (exitDoorWall === 2) exitDoorPos = [topX, topY + this.randInt(1, sizeY - 1)];
      else exitDoorPos = [topX + this.randInt(1, sizeX - 1), topY];
      if (this.placeRoom(numLeft - 1, roomList, minSz, maxSz, nextEntryWall, exitDoorPos)) break;
    }
    return true;
  }
}

export const MULTIROOM_ENVS = family("MultiRoom", MultiRoomEnv, {
  "MiniGrid-MultiRoom-N2-S4-v0": { minNumRooms: 2, maxNumRooms: 2, maxRoomSize: 4 },
  // Kept for backwards compatibility: this legacy id is configured for 6 rooms.
  "MiniGrid-MultiRoom-N4-S5-v0": { minNumRooms: 6, maxNumRooms: 6, maxRoomSize: 5 },
  "MiniGrid-MultiRoom-N4-S5-v1": { minNumRooms: 4, maxNumRooms: 4, maxRoomSize: 5 },
  "MiniGrid-MultiRoom-N6-v0": { minNumRooms: 6, maxNumRooms: 6 },
});
