/** World objects: each knows whether it can be overlapped, picked up, seen through, and how it encodes. */
import { COLOR_TO_IDX, IDX_TO_COLOR, IDX_TO_OBJECT, OBJECT_TO_IDX, type Color, type ObjectType } from "./constants.js";

/** A cell position `[x, y]`: x the column, y the row, origin top-left. */
export type Point = [number, number];

/** What an object needs from the env when toggled (kept minimal to avoid a cycle). */
export interface ToggleContext {
  carrying: WorldObj | null;
  grid: { set(x: number, y: number, v: WorldObj | null): void };
}

/**
 * Base class of everything that can occupy a cell (Minigrid's `WorldObj`): type, colour, and what the
 * agent can do with it.
 */
export abstract class WorldObj {
  // The fields are declared and assigned in the constructor, not initialised as class fields: a
  // base-class field initialiser shared by many subclasses goes megamorphic in V8 and makes every
  // `new Wall()` about 30× slower (room-grid resets build hundreds of walls).
  declare readonly type: ObjectType;
  declare readonly color: Color;
  declare readonly typeIdx: number;
  declare readonly colorIdx: number;
  /** For boxes: the object inside. */
  declare contains: WorldObj | null;
  declare initPos: Point | null;
  declare curPos: Point | null;

  constructor(type: ObjectType, color: Color) {
    this.type = type;
    this.color = color;
    this.typeIdx = OBJECT_TO_IDX[type];
    this.colorIdx = COLOR_TO_IDX[color];
    this.contains = null;
    this.initPos = null;
    this.curPos = null;
  }
  canOverlap(): boolean {
    return false;
  }
  canPickup(): boolean {
    return false;
  }
  canContain(): boolean {
    return false;
  }
  seeBehind(): boolean {
    return true;
  }
  toggle(_env: ToggleContext, _pos: Point): boolean {
    return false;
  }
  /** The state channel of the encoding (only doors have one). */
  stateIdx(): number {
    return 0;
  }
  encode(): [number, number, number] {
    return [this.typeIdx, this.colorIdx, this.stateIdx()];
  }
  /** A fresh object with the same type, colour and state (boxes copy their contents). */
  abstract clone(): WorldObj;

  /** An object from its 3-int encoding; empty, unseen and agent give null. */
  static decode(typeIdx: number, colorIdx: number, state: number): WorldObj | null {
    const type = IDX_TO_OBJECT[typeIdx];
    const color = IDX_TO_COLOR[colorIdx];
    if (type === undefined || color === undefined) {
      throw new RangeError(`cannot decode object (${typeIdx}, ${colorIdx}, ${state})`);
    }
    switch (type) {
      case "empty":
      case "unseen":
      case "agent":
        return null;
      case "wall":
        return new Wall(color);
      case "floor":
        return new Floor(color);
      case "ball":
        return new Ball(color);
      case "key":
        return new Key(color);
      case "box":
        return new Box(color);
      case "door":
        return new Door(color, { isOpen: state === 0, isLocked: state === 2 });
      case "goal":
        return new Goal();
      case "lava":
        return new Lava();
    }
  }
}

/** The goal square: stepping on it ends the episode with a reward. */
export class Goal extends WorldObj {
  constructor(color: Color = "green") {
    super("goal", color);
  }
  override canOverlap(): boolean {
    return true;
  }
  clone(): Goal {
    return new Goal(this.color);
  }
}

/** A coloured floor tile the agent can walk over. */
export class Floor extends WorldObj {
  constructor(color: Color = "blue") {
    super("floor", color);
  }
  override canOverlap(): boolean {
    return true;
  }
  clone(): Floor {
    return new Floor(this.color);
  }
}

/** Lava: stepping on it ends the episode with no reward. */
export class Lava extends WorldObj {
  constructor() {
    super("lava", "red");
  }
  override canOverlap(): boolean {
    return true;
  }
  clone(): Lava {
    return new Lava();
  }
}

/** A wall. */
export class Wall extends WorldObj {
  constructor(color: Color = "grey") {
    super("wall", color);
  }
  override seeBehind(): boolean {
    return false;
  }
  clone(): Wall {
    return new Wall(this.color);
  }
}

/** Options of a {@link Door}, by name as Python passes them (`Door(color, is_open=…, is_locked=…)`). */
export interface DoorOptions {
  /** Default false. */
  isOpen?: boolean;
  /** Default false; a locked door opens only with a key of its colour. */
  isLocked?: boolean;
}

/** A door: open, closed or locked; a locked door opens with the key of its colour. */
export class Door extends WorldObj {
  isOpen: boolean;
  isLocked: boolean;
  constructor(color: Color, options: DoorOptions = {}) {
    super("door", color);
    this.isOpen = options.isOpen ?? false;
    this.isLocked = options.isLocked ?? false;
  }
  override canOverlap(): boolean {
    return this.isOpen;
  }
  override seeBehind(): boolean {
    return this.isOpen;
  }
  override toggle(env: ToggleContext): boolean {
    if (this.isLocked) {
      // A locked door opens only with a key of its own colour.
      if (env.carrying instanceof Key && env.carrying.color === this.color) {
        this.isLocked = false;
        this.isOpen = true;
        return true;
      }
      return false;
    }
    this.isOpen = !this.isOpen;
    return true;
  }
  override stateIdx(): number {
    if (this.isOpen) return 0;
    if (this.isLocked) return 2;
    return 1;
  }
  clone(): Door {
    return new Door(this.color, { isOpen: this.isOpen, isLocked: this.isLocked });
  }
}

/** A key the agent can pick up; it unlocks the door of its colour. */
export class Key extends WorldObj {
  constructor(color: Color = "blue") {
    super("key", color);
  }
  override canPickup(): boolean {
    return true;
  }
  clone(): Key {
    return new Key(this.color);
  }
}

/** A ball the agent can pick up. */
export class Ball extends WorldObj {
  constructor(color: Color = "blue") {
    super("ball", color);
  }
  override canPickup(): boolean {
    return true;
  }
  clone(): Ball {
    return new Ball(this.color);
  }
}

/** A box the agent can pick up; toggling it reveals what it contains. */
export class Box extends WorldObj {
  constructor(color: Color, contains: WorldObj | null = null) {
    super("box", color);
    this.contains = contains;
  }
  override canPickup(): boolean {
    return true;
  }
  /** Opening a box replaces it with what it holds (possibly nothing). */
  override toggle(env: ToggleContext, pos: Point): boolean {
    env.grid.set(pos[0], pos[1], this.contains);
    return true;
  }
  clone(): Box {
    return new Box(this.color, this.contains ? this.contains.clone() : null);
  }
}
