/** The room-grid base (minigrid/core/roomgrid.py): rooms in rows and columns, doors between them. */
import { Actions, COLOR_NAMES, COLOR_TO_IDX, OBJECT_TO_IDX, type ActionIndex, type Color } from "./constants.js";
import { Grid } from "./grid.js";
import { MiniGridEnv, type MiniGridOptions, type StepResult } from "./minigrid-env.js";
import { PlacementError } from "./errors.js";
import { Ball, Box, Door, Key, WorldObj, type Point } from "./world-object.js";

/** The kinds of object a room-grid level adds: key, ball, box. */
export type ObjKind = "key" | "ball" | "box";

/** Rejects cells within Manhattan distance 1 of the agent's start. */
export function rejectNextTo(env: MiniGridEnv, pos: Point): boolean {
  const [sx, sy] = env.agentPos;
  return Math.abs(sx - pos[0]) + Math.abs(sy - pos[1]) < 2;
}

/** One room of a {@link RoomGrid}: its position, size, doors and neighbours. */
export class Room {
  /** Per side (0 right, 1 down, 2 left, 3 up): a door, true for a removed wall, or null. */
  doors: (Door | true | null)[] = [null, null, null, null];
  doorPos: (Point | null)[] = [null, null, null, null];
  neighbors: (Room | null)[] = [null, null, null, null];
  locked = false;
  objs: WorldObj[] = [];
  /** Scratch mark of RoomGrid.connectAll: the number of the search that last reached this room. */
  reachStamp = 0;

  constructor(
    readonly top: Point,
    readonly size: Point,
  ) {}

  posInside(x: number, y: number): boolean {
    const [tx, ty] = this.top;
    const [w, h] = this.size;
    return x >= tx && y >= ty && x < tx + w && y < ty + h;
  }
}

/** Options of {@link RoomGrid}: room size, rows and columns of rooms, and the env options. */
export interface RoomGridOptions extends Omit<MiniGridOptions, "width" | "height" | "gridSize" | "seeThroughWalls"> {
  roomSize?: number;
  numRows?: number;
  numCols?: number;
}

/**
 * A grid of rooms connected by doors (Minigrid's `RoomGrid`), the base of the BabyAI levels and several
 * Minigrid envs.
 */
export abstract class RoomGrid extends MiniGridEnv {
  readonly roomSize: number;
  readonly numRows: number;
  readonly numCols: number;
  roomGrid: Room[][] = [];

  constructor(opts: RoomGridOptions = {}) {
    const roomSize = opts.roomSize ?? 7;
    const numRows = opts.numRows ?? 3;
    const numCols = opts.numCols ?? 3;
    if (roomSize < 3 || numRows < 1 || numCols < 1) throw new RangeError("invalid room grid size");
    super({
      width: (roomSize - 1) * numCols + 1,
      height: (roomSize - 1) * numRows + 1,
      maxSteps: opts.maxSteps ?? 100,
      seeThroughWalls: false,
      agentViewSize: opts.agentViewSize ?? 7,
    });
    this.roomSize = roomSize;
    this.numRows = numRows;
    this.numCols = numCols;
  }

  roomFromPos(x: number, y: number): Room {
    const i = Math.floor(x / (this.roomSize - 1));
    const j = Math.floor(y / (this.roomSize - 1));
    if (x < 0 || y < 0 || i >= this.numCols || j >= this.numRows) throw new RangeError(`(${x}, ${y}) is in no room`);
    return this.roomGrid[j]![i]!;
  }

  getRoom(i: number, j: number): Room {
    if (i >= this.numCols || j >= this.numRows) throw new RangeError(`no room (${i}, ${j})`);
    return this.roomGrid[j]![i]!;
  }

  /** Walls for every room, door positions drawn per shared wall, agent in the middle room facing right. */
  protected genGrid(width: number, height: number): void {
    this.grid = new Grid(width, height, this.wallLayout(width, height));
    this.roomGrid = [];
    const s = this.roomSize;
    for (let j = 0; j < this.numRows; j++) {
      const row: Room[] = [];
      for (let i = 0; i < this.numCols; i++) row.push(new Room([i * (s - 1), j * (s - 1)], [s, s]));
      this.roomGrid.push(row);
    }
    for (let j = 0; j < this.numRows; j++) {
      for (let i = 0; i < this.numCols; i++) {
        const room = this.roomGrid[j]![i]!;
        const xl = room.top[0] + 1;
        const yl = room.top[1] + 1;
        const xm = room.top[0] + room.size[0] - 1;
        const ym = room.top[1] + room.size[1] - 1;
        if (i < this.numCols - 1) {
          room.neighbors[0] = this.roomGrid[j]![i + 1]!;
          room.doorPos[0] = [xm, this.randInt(yl, ym)];
        }
        if (j < this.numRows - 1) {
          room.neighbors[1] = this.roomGrid[j + 1]![i]!;
          room.doorPos[1] = [this.randInt(xl, xm), ym];
        }
        if (i > 0) {
          room.neighbors[2] = this.roomGrid[j]![i - 1]!;
          room.doorPos[2] = room.neighbors[2].doorPos[0]!;
        }
        if (j > 0) {
          room.neighbors[3] = this.roomGrid[j - 1]![i]!;
          room.doorPos[3] = room.neighbors[3].doorPos[1]!;
        }
      }
    }
    this.agentPos = [
      (this.numCols >> 1) * (s - 1) + (s >> 1),
      (this.numRows >> 1) * (s - 1) + (s >> 1),
    ];
    this.agentDir = 0;
  }

  /**
   * The room walls alone, built once per size and copied at every reset (walls are one shared,
   * stateless object, so a shallow copy is the same grid Python builds wall by wall).
   */
  private wallLayout(width: number, height: number): Grid {
    const cached = this.wallLayoutGrid;
    if (cached !== null && cached.width === width && cached.height === height) return cached;
    const layout = new Grid(width, height);
    const s = this.roomSize;
    for (let j = 0; j < this.numRows; j++) {
      for (let i = 0; i < this.numCols; i++) layout.wallRect(i * (s - 1), j * (s - 1), s, s);
    }
    this.wallLayoutGrid = layout;
    return layout;
  }

  private wallLayoutGrid: Grid | null = null;

  /** Add an existing object to room (i, j), not next to the agent. */
  placeInRoom(i: number, j: number, obj: WorldObj): [WorldObj, Point] {
    const room = this.getRoom(i, j);
    const pos = this.placeObj(obj, { top: room.top, size: room.size, rejectFn: rejectNextTo, maxTries: 1000 });
    room.objs.push(obj);
    return [obj, pos];
  }

  /** Add a new key, ball or box (random kind and colour unless given) to room (i, j). */
  addObject(i: number, j: number, kind?: ObjKind | null, color?: Color | null): [WorldObj, Point] {
    const k: ObjKind = kind ?? this.randElem(DISTRACTOR_KINDS);
    const c: Color = color ?? this.randColor();
    const obj = k === "key" ? new Key(c) : k === "ball" ? new Ball(c) : new Box(c);
    return this.placeInRoom(i, j, obj);
  }

  /** Add a door on side doorIdx of room (i, j) (random free side, colour and lock unless given). */
  addDoor(i: number, j: number, doorIdx?: number | null, color?: Color | null, locked?: boolean | null): [Door, Point] {
    const room = this.getRoom(i, j);
    let idx: number;
    if (doorIdx == null) {
      for (;;) {
        idx = this.randInt(0, 4);
        if (room.neighbors[idx] && room.doors[idx] === null) break;
      }
    } else {
      idx = doorIdx;
    }
    const c: Color = color ?? this.randColor();
    const isLocked = locked ?? this.randBool();
    if (room.doors[idx] !== null) throw new PlacementError("door already exists");
    room.locked = isLocked;
    const door = new Door(c, { isLocked });
    const pos = room.doorPos[idx]!;
    this.grid.set(pos[0], pos[1], door);
    door.curPos = pos;
    const neighbor = room.neighbors[idx]!;
    room.doors[idx] = door;
    neighbor.doors[(idx + 2) % 4] = door;
    return [door, pos];
  }

  /** Remove the wall on side wallIdx of room (i, j). */
  removeWall(i: number, j: number, wallIdx: number): void {
    const room = this.getRoom(i, j);
    if (room.doors[wallIdx] !== null) throw new PlacementError("door exists on this wall");
    const neighbor = room.neighbors[wallIdx];
    if (!neighbor) throw new PlacementError("invalid wall");
    const [tx, ty] = room.top;
    const [w, h] = room.size;
    if (wallIdx === 0) for (let k = 1; k < h - 1; k++) this.grid.set(tx + w - 1, ty + k, null);
    else if (wallIdx === 1) for (let k = 1; k < w - 1; k++) this.grid.set(tx + k, ty + h - 1, null);
    else if (wallIdx === 2) for (let k = 1; k < h - 1; k++) this.grid.set(tx, ty + k, null);
    else for (let k = 1; k < w - 1; k++) this.grid.set(tx + k, ty, null);
    room.doors[wallIdx] = true;
    neighbor.doors[(wallIdx + 2) % 4] = true;
  }

  /**
   * Python's RoomGrid.place_agent: the agent in room (i, j) (random unless given), redrawn until
   * the cell in front of it is empty or a wall.
   */
  placeAgentInRoom(i?: number | null, j?: number | null, randDir = true): Point {
    const ci = i ?? this.randInt(0, this.numCols);
    const cj = j ?? this.randInt(0, this.numRows);
    const room = this.roomGrid[cj]![ci]!;
    for (;;) {
      this.placeAgent({ top: room.top, size: room.size, randDir, maxTries: 1000 });
      const [fx, fy] = this.frontPos;
      const front = this.grid.get(fx, fy);
      if (front === null || front.type === "wall") break;
    }
    return this.agentPos;
  }

  /** Add unlocked doors until every room is reachable from the agent's room. */
  connectAll(doorColors: readonly Color[] = COLOR_NAMES, maxItrs = 5000): Door[] {
    const startRoom = this.roomFromPos(this.agentPos[0], this.agentPos[1]);
    const added: Door[] = [];
    const total = this.numRows * this.numCols;
    // Reachability only changes when a door is added, so it is updated then, not recomputed on
    // every rejected draw (Python recomputes each iteration; the result and the RNG draws are the
    // same). A new door can only extend the reached set through the room it opens onto, so only
    // that room is flooded from, unless a subclass's addDoor may do more (then a full recount).
    const incremental = this.addDoor === RoomGrid.prototype.addDoor;
    let stamp = ++this.reachSearch;
    let reached = this.floodRooms(startRoom, stamp);
    let itrs = 0;
    for (;;) {
      if (itrs > maxItrs) throw new PlacementError("connect_all failed");
      itrs++;
      if (reached === total) break;
      const i = this.randInt(0, this.numCols);
      const j = this.randInt(0, this.numRows);
      const k = this.randInt(0, 4);
      const room = this.getRoom(i, j);
      if (!room.doorPos[k] || room.doors[k]) continue;
      const neighbor = room.neighbors[k]!;
      if (room.locked || neighbor.locked) continue;
      const color = this.randElem(doorColors);
      const [door] = this.addDoor(i, j, k, color, false);
      added.push(door);
      if (!incremental) {
        stamp = ++this.reachSearch;
        reached = this.floodRooms(startRoom, stamp);
      } else if ((room.reachStamp === stamp) !== (neighbor.reachStamp === stamp)) {
        reached += this.floodRooms(room.reachStamp === stamp ? neighbor : room, stamp);
      }
    }
    return added;
  }

  /**
   * Mark with `stamp` the rooms reachable from `from` (through doors and removed walls) that are
   * not marked yet; returns how many were marked. Pending rooms go on a reused stack (a Set per
   * search made the reachability test about a third of connectAll).
   */
  private floodRooms(from: Room, stamp: number): number {
    if (from.reachStamp === stamp) return 0;
    const stack = this.reachStack;
    let sp = 0;
    from.reachStamp = stamp;
    stack[sp++] = from;
    let count = 1;
    while (sp > 0) {
      const room = stack[--sp]!;
      for (let k = 0; k < 4; k++) {
        const next = room.neighbors[k];
        if (room.doors[k] && next && next.reachStamp !== stamp) {
          next.reachStamp = stamp;
          count++;
          stack[sp++] = next;
        }
      }
    }
    return count;
  }

  private reachSearch = 0;
  private readonly reachStack: Room[] = [];

  /**
   * The step of the "pick up the target" tasks (UnlockPickup, BlockedUnlockPickup, KeyCorridor,
   * ObstructedMaze): a pickup that leaves the target in the agent's hands ends the episode with the
   * success reward. The target is compared by identity, as Python's `is`.
   */
  protected stepEndingOnPickupOf(target: WorldObj | null, action: ActionIndex | number): StepResult {
    const result = super.step(action);
    if (action === Actions.pickup && this.carrying !== null && this.carrying === target) {
      result.reward = this.reward();
      result.terminated = true;
    }
    return result;
  }

  /** Add random distractor objects (unique type+colour pairs unless allUnique is false). */
  addDistractors(i: number | null = null, j: number | null = null, numDistractors = 10, allUnique = true): WorldObj[] {
    // The (type, colour) pairs present, as typeIdx·8 + colorIdx (only needed with allUnique).
    const objs: number[] = [];
    if (allUnique) for (const row of this.roomGrid) for (const room of row) for (const o of room.objs) objs.push(kindKey(o));
    const dists: WorldObj[] = [];
    while (dists.length < numDistractors) {
      const color = this.randElem(COLOR_NAMES);
      const type = this.randElem(DISTRACTOR_KINDS);
      if (allUnique) {
        const key = OBJECT_TO_IDX[type] * 8 + COLOR_TO_IDX[color];
        if (objs.includes(key)) continue;
        objs.push(key);
      }
      const ri = i ?? this.randInt(0, this.numCols);
      const rj = j ?? this.randInt(0, this.numRows);
      const [dist] = this.addObject(ri, rj, type, color);
      dists.push(dist);
    }
    return dists;
  }
}

/** The kinds addDistractors and addObject draw from, in Python's order. */
const DISTRACTOR_KINDS: readonly ObjKind[] = ["key", "ball", "box"];

/** An object's (type, colour) pair as one number. */
function kindKey(o: WorldObj): number {
  return o.typeIdx * 8 + o.colorIdx;
}
