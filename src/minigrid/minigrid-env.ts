/**
 * The env base class, mirroring minigrid/minigrid_env.py and Gymnasium's reset/step contract.
 *
 * Speed comes from the observation path: the agent's view is read straight from the world grid
 * (no slice/rotate copies) into a fresh Uint8Array, with the same occlusion pass as `process_vis`.
 */
import { randomBytes } from "node:crypto";
import { Actions, COLOR_NAMES, COLOR_TO_IDX, DIR_TO_VEC, OBJECT_TO_IDX, isActionIndex, type ActionIndex, type Color } from "./constants.js";
import { Grid } from "./grid.js";
import { NumpyGenerator, type RngSnapshot, type Seed } from "./rng.js";
import { Door, Wall, WorldObj, type Point } from "./world-object.js";
import { pooledBytes } from "./byte-pool.js";
import { EnvNotResetError, InvalidActionError, PlacementError } from "./errors.js";

/** The Gymnasium observation: the egocentric view (view×view×3, flattened [i][j][c]), direction and mission. */
export interface Observation {
  image: Uint8Array;
  direction: number;
  mission: string;
}

/** The info dictionary `reset` and `step` return (empty for most envs). */
export type Info = Record<string, unknown>;

/** What `reset()` returns: the first observation and the info. */
export interface ResetResult {
  obs: Observation;
  info: Info;
}

/**
 * What `step(action)` returns: the observation, the reward, whether the episode ended (`terminated`) or
 * was cut off (`truncated`), and the info.
 */
export interface StepResult {
  obs: Observation;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Info;
}

/** The options every env accepts (Python's MiniGridEnv keyword arguments, camel-cased). */
export interface MiniGridOptions {
  gridSize?: number;
  width?: number;
  height?: number;
  maxSteps?: number;
  seeThroughWalls?: boolean;
  agentViewSize?: number;
}

/** Where `placeObj` / `placeAgent` may put something: a rectangle, a rejection test and a try limit. */
export interface PlaceOptions {
  top?: Point | null;
  size?: Point | null;
  rejectFn?: ((env: MiniGridEnv, pos: Point) => boolean) | null;
  maxTries?: number;
}

/** The agent's view as cells (after rotation) with the visibility mask, indexed [j * view + i]. */
export interface ViewGrid {
  size: number;
  cells: (WorldObj | null)[];
  mask: Uint8Array;
}

// Cells outside the world read as grey walls, as Grid.slice makes them.
const OUTSIDE_WALL = new Wall();
const WALL = OBJECT_TO_IDX.wall;
const DOOR = OBJECT_TO_IDX.door;
const GREY = COLOR_TO_IDX.grey;

/**
 * The env base class, as Minigrid's `MiniGridEnv` with Gymnasium's contract: `reset({ seed })` and
 * `step(action)`. Subclass it and implement `genGrid` for an env of your own.
 */
export abstract class MiniGridEnv {
  /** The registered id this env was made under, when made through makeEnv. */
  envId = "";
  readonly width: number;
  readonly height: number;
  maxSteps: number;
  seeThroughWalls: boolean;
  readonly agentViewSize: number;

  grid: Grid;
  agentPos: Point = [-1, -1];
  agentDir = -1;
  carrying: WorldObj | null = null;
  stepCount = 0;
  mission = "";

  private rng: NumpyGenerator | null = null;
  private hasReset = false;
  private readonly viewCells: (WorldObj | null)[];
  private readonly viewMask: Uint8Array;
  private readonly obsWorldIdx: Int32Array;
  /** Per view cell, for genObs: whether it can be seen through. */
  private readonly obsClear: Uint8Array;

  constructor(opts: MiniGridOptions) {
    let { width, height } = opts;
    if (opts.gridSize) {
      if (width !== undefined || height !== undefined) throw new RangeError("give gridSize or width/height, not both");
      width = opts.gridSize;
      height = opts.gridSize;
    }
    if (width === undefined || height === undefined) throw new RangeError("an env needs gridSize or width and height");
    const view = opts.agentViewSize ?? 7;
    if (view % 2 !== 1 || view < 3) throw new RangeError(`agentViewSize must be odd and at least 3, got ${view}`);
    const maxSteps = opts.maxSteps ?? 100;
    if (!Number.isInteger(maxSteps)) throw new RangeError(`maxSteps must be an integer, got ${maxSteps}`);
    this.width = width;
    this.height = height;
    this.maxSteps = maxSteps;
    this.seeThroughWalls = opts.seeThroughWalls ?? false;
    this.agentViewSize = view;
    this.grid = new Grid(width, height);
    this.viewCells = new Array<WorldObj | null>(view * view).fill(null);
    this.viewMask = new Uint8Array(view * view);
    this.obsWorldIdx = new Int32Array(view * view);
    this.obsClear = new Uint8Array(view * view);
  }

  /** Build the world for a new episode; every random draw goes through `this.npRandom`. */
  protected abstract genGrid(width: number, height: number): void;

  /** The env's numpy Generator (created by `reset({seed})`). */
  get npRandom(): NumpyGenerator {
    if (this.rng === null) this.rng = new NumpyGenerator(BigInt("0x" + randomBytes(16).toString("hex")));
    return this.rng;
  }

  /** The generator's state, in the fixtures' vocabulary (draws, has_uint32, state). */
  rngSnapshot(): RngSnapshot {
    return this.npRandom.snapshot();
  }

  /** Gymnasium's reset: a new generator when a seed is given, else the current stream continues. */
  reset(options: { seed?: Seed | null } = {}): ResetResult {
    if (options.seed !== undefined && options.seed !== null) this.rng = new NumpyGenerator(options.seed);
    this.agentPos = [-1, -1];
    this.agentDir = -1;
    this.genGrid(this.width, this.height);
    if (this.agentPos[0] < 0 || this.agentPos[1] < 0 || this.agentDir < 0) {
      throw new PlacementError(`${this.constructor.name}.genGrid did not place the agent`);
    }
    const start = this.grid.get(this.agentPos[0], this.agentPos[1]);
    if (start !== null && !start.canOverlap()) throw new PlacementError("the agent starts on a cell it cannot overlap");
    this.carrying = null;
    this.stepCount = 0;
    this.hasReset = true;
    return { obs: this.genObs(), info: {} };
  }

  /** The success reward: 1 − 0.9 · (step_count / max_steps), in this order of operations. */
  protected reward(): number {
    return 1 - 0.9 * (this.stepCount / this.maxSteps);
  }

  step(action: ActionIndex | number): StepResult {
    if (!this.hasReset) throw new EnvNotResetError();
    if (!isActionIndex(action)) throw new InvalidActionError(action);
    this.stepCount++;
    let reward = 0;
    let terminated = false;
    let truncated = false;
    const vec = DIR_TO_VEC[this.agentDir]!;
    const fx = this.agentPos[0] + vec[0];
    const fy = this.agentPos[1] + vec[1];
    const fwd = this.grid.get(fx, fy);

    switch (action) {
      case Actions.left:
        this.agentDir = (this.agentDir + 3) % 4;
        break;
      case Actions.right:
        this.agentDir = (this.agentDir + 1) % 4;
        break;
      case Actions.forward:
        if (fwd === null || fwd.canOverlap()) this.agentPos = [fx, fy];
        if (fwd !== null && fwd.type === "goal") {
          terminated = true;
          reward = this.reward();
        }
        if (fwd !== null && fwd.type === "lava") terminated = true;
        break;
      case Actions.pickup:
        if (fwd !== null && fwd.canPickup() && this.carrying === null) {
          this.carrying = fwd;
          fwd.curPos = [-1, -1];
          this.grid.set(fx, fy, null);
        }
        break;
      case Actions.drop:
        if (fwd === null && this.carrying !== null) {
          this.grid.set(fx, fy, this.carrying);
          this.carrying.curPos = [fx, fy];
          this.carrying = null;
        }
        break;
      case Actions.toggle:
        if (fwd !== null) fwd.toggle(this, [fx, fy]);
        break;
      case Actions.done:
        break;
    }
    if (this.stepCount >= this.maxSteps) truncated = true;
    return { obs: this.genObs(), reward, terminated, truncated, info: {} };
  }

  // --- random helpers: each makes exactly the numpy calls of its Python namesake ---

  randInt(low: number, high: number): number {
    return this.npRandom.integers(low, high);
  }
  randFloat(low: number, high: number): number {
    return this.npRandom.uniform(low, high);
  }
  randBool(): boolean {
    return this.npRandom.integers(0, 2) === 0;
  }
  randElem<T>(seq: Iterable<T>): T {
    const list = Array.isArray(seq) ? (seq as T[]) : [...seq];
    return list[this.randInt(0, list.length)]!;
  }
  randSubset<T>(seq: Iterable<T>, k: number): T[] {
    const list = [...seq];
    if (k > list.length) throw new RangeError(`cannot pick ${k} of ${list.length} elements`);
    const out: T[] = [];
    while (out.length < k) {
      const e = this.randElem(list);
      list.splice(list.indexOf(e), 1);
      out.push(e);
    }
    return out;
  }
  randColor(): Color {
    return this.randElem(COLOR_NAMES);
  }
  randPos(xLow: number, xHigh: number, yLow: number, yHigh: number): Point {
    const x = this.npRandom.integers(xLow, xHigh);
    const y = this.npRandom.integers(yLow, yHigh);
    return [x, y];
  }

  /**
   * Place an object (or nothing, for the agent) at a random empty cell of a rectangle. The loop works
   * on plain coordinates and allocates a Point only for a rejectFn and for the result (it runs for
   * every object of every reset).
   */
  placeObj(obj: WorldObj | null, opts: PlaceOptions = {}): Point {
    const grid = this.grid;
    const top = opts.top;
    const size = opts.size;
    const xLow = top ? Math.max(top[0], 0) : 0;
    const yLow = top ? Math.max(top[1], 0) : 0;
    const xHigh = Math.min(xLow + (size ? size[0] : grid.width), grid.width);
    const yHigh = Math.min(yLow + (size ? size[1] : grid.height), grid.height);
    const rejectFn = opts.rejectFn;
    const maxTries = opts.maxTries ?? Infinity;
    const ax = this.agentPos[0];
    const ay = this.agentPos[1];
    let tries = 0;
    let x: number;
    let y: number;
    for (;;) {
      if (tries > maxTries) throw new PlacementError("rejection sampling failed in place_obj");
      tries++;
      x = this.randInt(xLow, xHigh);
      y = this.randInt(yLow, yHigh);
      if (grid.get(x, y) !== null) continue;
      if (x === ax && y === ay) continue;
      if (rejectFn && rejectFn(this, [x, y])) continue;
      break;
    }
    const pos: Point = [x, y];
    grid.set(x, y, obj);
    if (obj !== null) {
      obj.initPos = pos;
      obj.curPos = pos;
    }
    return pos;
  }

  /** Put an object at a given cell. */
  putObj(obj: WorldObj, i: number, j: number): void {
    this.grid.set(i, j, obj);
    obj.initPos = [i, j];
    obj.curPos = [i, j];
  }

  /** Python's MiniGridEnv.place_agent. */
  placeAgent(opts: { top?: Point | null; size?: Point | null; randDir?: boolean; maxTries?: number } = {}): Point {
    this.agentPos = [-1, -1];
    const pos = this.placeObj(null, { top: opts.top, size: opts.size, maxTries: opts.maxTries });
    this.agentPos = pos;
    if (opts.randDir ?? true) this.agentDir = this.randInt(0, 4);
    return pos;
  }

  // --- geometry ---

  get dirVec(): readonly [number, number] {
    const v = DIR_TO_VEC[this.agentDir];
    if (v === undefined) throw new RangeError(`invalid agent direction ${this.agentDir}`);
    return v;
  }
  get rightVec(): [number, number] {
    const [dx, dy] = this.dirVec;
    return [-dy, dx];
  }
  get frontPos(): Point {
    const [dx, dy] = this.dirVec;
    return [this.agentPos[0] + dx, this.agentPos[1] + dy];
  }

  /** Absolute (i, j) → coordinates in the agent's view (may fall outside it). */
  getViewCoords(i: number, j: number): Point {
    const [ax, ay] = this.agentPos;
    const [dx, dy] = this.dirVec;
    const [rx, ry] = this.rightVec;
    const sz = this.agentViewSize;
    const hs = sz >> 1;
    const tx = ax + dx * (sz - 1) - rx * hs;
    const ty = ay + dy * (sz - 1) - ry * hs;
    const lx = i - tx;
    const ly = j - ty;
    return [rx * lx + ry * ly, -(dx * lx + dy * ly)];
  }

  /** View coordinates of an absolute cell, or null when it is outside the view square. */
  relativeCoords(x: number, y: number): Point | null {
    const [vx, vy] = this.getViewCoords(x, y);
    const s = this.agentViewSize;
    if (vx < 0 || vy < 0 || vx >= s || vy >= s) return null;
    return [vx, vy];
  }

  inView(x: number, y: number): boolean {
    return this.relativeCoords(x, y) !== null;
  }

  /** The absolute cell shown at view cell (vi, vj). */
  viewToWorld(vi: number, vj: number): Point {
    const [dx, dy] = this.dirVec;
    const s = this.agentViewSize;
    const f = s - 1 - vj;
    const r = vi - (s >> 1);
    return [this.agentPos[0] + dx * f - dy * r, this.agentPos[1] + dy * f + dx * r];
  }

  /** Whether a non-empty cell is visible and shows its true type (Python's agent_sees). */
  agentSees(x: number, y: number): boolean {
    const rc = this.relativeCoords(x, y);
    if (rc === null) return false;
    const view = this.genObsGrid();
    const k = rc[1] * view.size + rc[0];
    if (!view.mask[k]) return false;
    const obsCell = view.cells[k];
    const world = this.grid.get(x, y);
    return obsCell != null && world !== null && obsCell.type === world.type;
  }

  /**
   * The agent's view: cells rotated so the agent sits at (view/2, view−1) facing up, and the
   * visibility mask (Python's gen_obs_grid). The agent's cell holds the carried object.
   * The returned arrays are reused by the next call.
   */
  genObsGrid(): ViewGrid {
    const s = this.agentViewSize;
    const cells = this.viewCells;
    const mask = this.viewMask;
    const [dx, dy] = this.dirVec;
    const [ax, ay] = this.agentPos;
    const hs = s >> 1;
    const W = this.width;
    const H = this.height;
    const world = this.grid.cells;
    for (let vj = 0; vj < s; vj++) {
      const f = s - 1 - vj;
      for (let vi = 0; vi < s; vi++) {
        const r = vi - hs;
        const x = ax + dx * f - dy * r;
        const y = ay + dy * f + dx * r;
        cells[vj * s + vi] = x >= 0 && x < W && y >= 0 && y < H ? world[y * W + x]! : OUTSIDE_WALL;
      }
    }
    const agentK = (s - 1) * s + hs;
    if (this.seeThroughWalls) {
      mask.fill(1);
    } else {
      mask.fill(0);
      mask[agentK] = 1;
      for (let j = s - 1; j >= 0; j--) {
        const row = j * s;
        for (let i = 0; i < s - 1; i++) {
          if (!mask[row + i]) continue;
          const c = cells[row + i];
          if (c && !c.seeBehind()) continue;
          mask[row + i + 1] = 1;
          if (j > 0) {
            mask[row - s + i + 1] = 1;
            mask[row - s + i] = 1;
          }
        }
        for (let i = s - 1; i >= 1; i--) {
          if (!mask[row + i]) continue;
          const c = cells[row + i];
          if (c && !c.seeBehind()) continue;
          mask[row + i - 1] = 1;
          if (j > 0) {
            mask[row - s + i - 1] = 1;
            mask[row - s + i] = 1;
          }
        }
      }
    }
    cells[agentK] = this.carrying;
    return { size: s, cells, mask };
  }

  /**
   * The observation dict: image (view×view×3, [i][j][c]), direction, mission.
   * Same result as encoding genObsGrid(), computed from the grid's type/colour codes in typed arrays
   * (this is the hot path of every step and a tenth of a small level's reset).
   */
  genObs(): Observation {
    const s = this.agentViewSize;
    const hs = s >> 1;
    const agentK = (s - 1) * s + hs;
    const widx = this.obsWorldIdx;
    const clear = this.obsClear;
    const vis = this.viewMask;
    this.viewCellsToWorld(widx, clear);
    // Occlusion, as process_vis: rows from the agent's outwards; in each row a left-to-right then a
    // right-to-left pass spread visibility from visible see-through cells.
    if (this.seeThroughWalls) {
      vis.fill(1);
    } else {
      vis.fill(0);
      vis[agentK] = 1;
      for (let row = (s - 1) * s; row >= 0; row -= s) {
        const up = row > 0;
        for (let k = row, end = row + s - 1; k < end; k++) {
          if (vis[k] === 0 || clear[k] === 0) continue;
          vis[k + 1] = 1;
          if (up) {
            vis[k + 1 - s] = 1;
            vis[k - s] = 1;
          }
        }
        for (let k = row + s - 1; k > row; k--) {
          if (vis[k] === 0 || clear[k] === 0) continue;
          vis[k - 1] = 1;
          if (up) {
            vis[k - 1 - s] = 1;
            vis[k - s] = 1;
          }
        }
      }
    }
    return { image: this.encodeView(widx, vis, agentK), direction: this.agentDir, mission: this.mission };
  }

  /**
   * For every view cell (k = j·view + i): its world cell index (−1 outside the world) and whether it
   * can be seen through (empty or an object other than a wall or a closed door; outside is a wall).
   */
  private viewCellsToWorld(widx: Int32Array, clear: Uint8Array): void {
    const s = this.agentViewSize;
    const hs = s >> 1;
    const dir = DIR_TO_VEC[this.agentDir]!;
    const dx = dir[0];
    const dy = dir[1];
    const W = this.width;
    const H = this.height;
    const codes = this.grid.codes;
    const cells = this.grid.cells;
    for (let vj = 0, k = 0; vj < s; vj++) {
      const f = s - 1 - vj;
      // View cell (vi, vj) is world (ax + dx·f − dy·r, ay + dy·f + dx·r) with r = vi − view/2.
      let x = this.agentPos[0] + dx * f + dy * hs;
      let y = this.agentPos[1] + dy * f - dx * hs;
      for (let vi = 0; vi < s; vi++, k++, x -= dy, y += dx) {
        if (x >= 0 && x < W && y >= 0 && y < H) {
          const w = y * W + x;
          widx[k] = w;
          const t = codes[2 * w]!;
          clear[k] = t === WALL ? 0 : t === DOOR ? ((cells[w] as Door).isOpen ? 1 : 0) : 1;
        } else {
          widx[k] = -1;
          clear[k] = 0;
        }
      }
    }
  }

  /** The image of the visible view cells (unseen cells stay 0); the agent's cell shows what it carries. */
  private encodeView(widx: Int32Array, vis: Uint8Array, agentK: number): Uint8Array {
    const s = this.agentViewSize;
    const codes = this.grid.codes;
    const cells = this.grid.cells;
    const image = pooledBytes(s * s * 3);
    for (let i = 0; i < s; i++) {
      for (let j = 0, k = i, o = i * s * 3; j < s; j++, k += s, o += 3) {
        if (vis[k] === 0) continue;
        if (k === agentK) {
          const c = this.carrying;
          if (c === null) image[o] = OBJECT_TO_IDX.empty;
          else {
            image[o] = c.typeIdx;
            image[o + 1] = c.colorIdx;
            image[o + 2] = c.stateIdx();
          }
          continue;
        }
        const w = widx[k]!;
        if (w < 0) {
          image[o] = WALL;
          image[o + 1] = GREY;
          continue;
        }
        const t = codes[2 * w]!;
        image[o] = t;
        image[o + 1] = codes[2 * w + 1]!;
        if (t === DOOR) image[o + 2] = (cells[w] as Door).stateIdx();
      }
    }
    return image;
  }

  /** Whether reset() has been called (steps before it are refused, as Gymnasium's OrderEnforcing does). */
  get isReset(): boolean {
    return this.hasReset;
  }
}
