/**
 * LockedRoom — six rooms off a central hallway; the goal is in the locked one, and the mission
 * says which room holds its key.
 *
 * Recipe: walls around; two hallway walls at x = width/2 ∓ 2; each side split into three rooms by
 * walls at y = 0, height/3, 2·height/3 (divisions rounded down), the rooms listed left, right, row by
 * row; one random room locked, with the goal at a random cell inside it; each room's door (in the
 * hallway wall, three cells below the room's top) a distinct colour, drawn in room order from the
 * colours not yet used (the locked room's door locked, the others closed); a random other room
 * holding a key of the locked door's colour at a random cell inside; the agent anywhere in the
 * hallway, facing a random way.
 *
 * Mission: "get the {locked color} key from the {key room color} room, unlock the {locked color}
 * door and go to the goal". Reward: 1 − 0.9·(step_count / max_steps) on reaching the goal.
 * Termination: the goal, or truncation at max_steps (10·size). Registered: MiniGrid-LockedRoom-v0.
 */
import { COLOR_NAMES, type Color } from "../constants.js";
import { Grid } from "../grid.js";
import { MiniGridEnv, type MiniGridOptions } from "../minigrid-env.js";
import { family } from "../registration.js";
import { Door, Goal, Key, Wall, type Point } from "../world-object.js";

export interface LockedRoomOptions extends Omit<MiniGridOptions, "gridSize" | "width" | "height"> {
  size?: number;
}

/** One side room: its walls' top-left corner and size, its door, and its door's colour. */
export class LockedRoom {
  color: Color | null = null;
  locked = false;

  constructor(
    readonly top: Point,
    readonly size: Point,
    readonly doorPos: Point,
  ) {}

  /** A random cell strictly inside the room's walls. */
  randPos(env: MiniGridEnv): Point {
    const [tx, ty] = this.top;
    const [sx, sy] = this.size;
    return env.randPos(tx + 1, tx + sx - 1, ty + 1, ty + sy - 1);
  }
}

export class LockedRoomEnv extends MiniGridEnv {
  rooms: LockedRoom[] = [];

  constructor({ size = 19, maxSteps, ...rest }: LockedRoomOptions = {}) {
    super({ ...rest, gridSize: size, maxSteps: maxSteps ?? 10 * size });
  }

  protected genGrid(width: number, height: number): void {
    this.grid = new Grid(width, height);
    for (let i = 0; i < width; i++) {
      this.grid.set(i, 0, new Wall());
      this.grid.set(i, height - 1, new Wall());
    }
    for (let j = 0; j < height; j++) {
      this.grid.set(0, j, new Wall());
      this.grid.set(width - 1, j, new Wall());
    }

    const lWallIdx = Math.floor(width / 2) - 2;
    const rWallIdx = Math.floor(width / 2) + 2;
    for (let j = 0; j < height; j++) {
      this.grid.set(lWallIdx, j, new Wall());
      this.grid.set(rWallIdx, j, new Wall());
    }

    this.rooms = [];
    const third = Math.floor(height / 3);
    for (let n = 0; n < 3; n++) {
      const j = n * third;
      for (let i = 0; i < lWallIdx; i++) this.grid.set(i, j, new Wall());
      for (let i = rWallIdx; i < width; i++) this.grid.set(i, j, new Wall());
      const roomSize: Point = [lWallIdx + 1, third + 1];
      this.rooms.push(new LockedRoom([0, j], roomSize, [lWallIdx, j + 3]));
      this.rooms.push(new LockedRoom([rWallIdx, j], roomSize, [rWallIdx, j + 3]));
    }

    const lockedRoom = this.randElem(this.rooms);
    lockedRoom.locked = true;
    const [gx, gy] = lockedRoom.randPos(this);
    this.grid.set(gx, gy, new Goal());

    // Python draws from sorted(set(COLOR_NAMES)) minus the colours already used.
    const colors = [...COLOR_NAMES].sort();
    for (const room of this.rooms) {
      const color = this.randElem(colors);
      colors.splice(colors.indexOf(color), 1);
      room.color = color;
      this.grid.set(room.doorPos[0], room.doorPos[1], new Door(color, { isLocked: room.locked }));
    }

    let keyRoom: LockedRoom;
    do keyRoom = this.randElem(this.rooms);
    while (keyRoom === lockedRoom);
    const [kx, ky] = keyRoom.randPos(this);
    this.grid.set(kx, ky, new Key(lockedRoom.color!));

    this.placeAgent({ top: [lWallIdx, 0], size: [rWallIdx - lWallIdx, height] });

    this.mission =
      `get the ${lockedRoom.color} key from the ${keyRoom.color} room, ` +
      `unlock the ${lockedRoom.color} door and go to the goal`;
  }
}

export const LOCKEDROOM_ENVS = family("LockedRoom", LockedRoomEnv, {
  "MiniGrid-LockedRoom-v0": {},
});
