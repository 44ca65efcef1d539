/** The grid: a width × height array of world objects (null = empty). */
import { OBJECT_TO_IDX, type Color, type ObjectType } from "./constants.js";
import { Wall, WorldObj } from "./world-object.js";
import { pooledBytes } from "./byte-pool.js";

/**
 * The wall that default wall runs share. Walls have no state and nothing moves them, so one
 * instance serves every cell (room-grid resets build hundreds of walls); a Python-style
 * `new Wall()` per cell would only cost allocations. Pass a factory to get distinct objects.
 */
const SHARED_WALL = new Wall();
const EMPTY = OBJECT_TO_IDX.empty;
const WALL = OBJECT_TO_IDX.wall;
const sharedWall = (): WorldObj => SHARED_WALL;

/**
 * The world grid: a width × height array of world objects (or null for empty cells), with Minigrid's wall
 * helpers and encoding.
 */
export class Grid {
  /** Row-major cells (index y*width + x). Write through set(), which keeps `codes` in sync. */
  readonly cells: (WorldObj | null)[];
  /**
   * Per cell (y*width + x): object type and colour index (empty = 1, 0). The observation path reads
   * these instead of calling into eight object classes; door state is always read live.
   */
  readonly codes: Uint8Array;
  /**
   * How many cells hold something other than a wall (objects, doors, goals, …): kept by set() so that
   * reachability checks can stop once they have reached them all.
   */
  private nonWallCount = 0;

  /**
   * An empty grid, or, given `layout` (a grid of the same size), a shallow copy of it: the same
   * objects in the same cells. Copying a prepared wall layout is how room grids start each reset
   * (building the walls cell by cell was ~15% of a BossLevel reset).
   */
  constructor(
    readonly width: number,
    readonly height: number,
    layout?: Grid,
  ) {
    if (width < 3 || height < 3) throw new RangeError(`grid must be at least 3×3, got ${width}×${height}`);
    this.codes = pooledBytes(width * height * 2);
    if (layout !== undefined) {
      if (layout.width !== width || layout.height !== height) throw new RangeError("layout has another size");
      this.cells = layout.cells.slice();
      this.codes.set(layout.codes);
      this.nonWallCount = layout.nonWallCount;
      return;
    }
    this.cells = new Array<WorldObj | null>(width * height).fill(null);
    for (let k = 0; k < width * height; k++) this.codes[2 * k] = OBJECT_TO_IDX.empty;
  }

  set(i: number, j: number, v: WorldObj | null): void {
    if (i < 0 || i >= this.width || j < 0 || j >= this.height) {
      throw new RangeError(`cell (${i}, ${j}) outside a ${this.width}×${this.height} grid`);
    }
    const k = j * this.width + i;
    const before = this.codes[2 * k]!;
    const after = v === null ? EMPTY : v.typeIdx;
    if (before !== EMPTY && before !== WALL) this.nonWallCount--;
    if (after !== EMPTY && after !== WALL) this.nonWallCount++;
    this.cells[k] = v;
    this.codes[2 * k] = after;
    this.codes[2 * k + 1] = v === null ? 0 : v.colorIdx;
  }

  /** The number of cells holding something other than a wall (an object, door, goal, …). */
  get objectCount(): number {
    return this.nonWallCount;
  }

  get(i: number, j: number): WorldObj | null {
    if (i < 0 || i >= this.width || j < 0 || j >= this.height) {
      throw new RangeError(`cell (${i}, ${j}) outside a ${this.width}×${this.height} grid`);
    }
    return this.cells[j * this.width + i]!;
  }

  horzWall(x: number, y: number, length?: number, make: () => WorldObj = sharedWall): void {
    const n = length ?? this.width - x;
    for (let i = 0; i < n; i++) this.set(x + i, y, make());
  }

  vertWall(x: number, y: number, length?: number, make: () => WorldObj = sharedWall): void {
    const n = length ?? this.height - y;
    for (let j = 0; j < n; j++) this.set(x, y + j, make());
  }

  wallRect(x: number, y: number, w: number, h: number): void {
    this.horzWall(x, y, w);
    this.horzWall(x, y + h - 1, w);
    this.vertWall(x, y, h);
    this.vertWall(x + w - 1, y, h);
  }

  /** True when some object has this type (and colour, when given) — Python's `(color, type) in grid`. */
  contains(type: ObjectType, color?: Color | null): boolean {
    return this.cells.some((c) => c !== null && c.type === type && (color == null || c.color === color));
  }

  /** A deep copy: every object cloned. */
  copy(): Grid {
    const g = new Grid(this.width, this.height);
    for (let k = 0; k < this.cells.length; k++) {
      const c = this.cells[k]!;
      g.set(k % this.width, Math.floor(k / this.width), c ? c.clone() : null);
    }
    return g;
  }

  /** The full encoding, flattened in numpy C order of shape (width, height, 3): index (x*H + y)*3 + c. */
  encode(out = new Uint8Array(this.width * this.height * 3)): Uint8Array {
    const H = this.height;
    for (let x = 0; x < this.width; x++) {
      for (let y = 0; y < H; y++) {
        const o = (x * H + y) * 3;
        const v = this.cells[y * this.width + x]!;
        if (v === null) {
          out[o] = OBJECT_TO_IDX.empty;
          out[o + 1] = 0;
          out[o + 2] = 0;
        } else {
          out[o] = v.typeIdx;
          out[o + 1] = v.colorIdx;
          out[o + 2] = v.stateIdx();
        }
      }
    }
    return out;
  }

  /** A grid from an encoding of shape (width, height, 3); unseen cells decode to empty. */
  static decode(array: ArrayLike<number>, width: number, height: number): Grid {
    if (array.length !== width * height * 3) {
      throw new RangeError(`encoding has ${array.length} values, expected ${width}×${height}×3`);
    }
    const g = new Grid(width, height);
    for (let x = 0; x < width; x++) {
      for (let y = 0; y < height; y++) {
        const o = (x * height + y) * 3;
        g.set(x, y, WorldObj.decode(array[o]!, array[o + 1]!, array[o + 2]!));
      }
    }
    return g;
  }
}
