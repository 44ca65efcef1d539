/**
 * RGB raster rendering, pixel for pixel as Minigrid draws it (minigrid/core/grid.py render_tile,
 * minigrid/utils/rendering.py, minigrid_env.py get_full_render / get_pov_render).
 *
 * A tile is drawn on a canvas three times its size: grey grid lines along the top and left edges,
 * the object, the agent's red triangle, the highlight blend — each shape a predicate tested at every
 * pixel centre (fill_coords). The canvas is then averaged down 3×3 → 1, and the tile is cached by
 * (encoding, agent direction, highlight, tile size) like `Grid.tile_cache`.
 *
 * The arithmetic follows numpy's: colours are truncated when stored in a uint8 image, the triangle
 * and line predicates keep their vertices in float32, the downsample takes two successive means.
 */
import { COLORS } from "../constants.js";
import type { MiniGridEnv } from "../minigrid-env.js";
import type { WorldObj } from "../world-object.js";

/** An 8-bit RGB image, rows top to bottom, 3 bytes a pixel. */
export interface RgbImage {
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** Options of {@link renderFull} and {@link renderAgentView}: pixels per cell and highlighting. */
export interface RasterOptions {
  /** Pixels per cell (Minigrid's TILE_PIXELS is 32). */
  tileSize?: number;
  /** Lighten the cells the agent can see (the full render only; the agent view always shows its mask). */
  highlight?: boolean;
}

/** Minigrid's TILE_PIXELS. */
export const TILE_PIXELS = 32;

/** Grid-line grey, the highlight colour and strength, the lava colour: render_tile's literals. */
export const GRID_LINE_RGB = [100, 100, 100] as const;
export const HIGHLIGHT_ALPHA = 0.3;
export const LAVA_RGB = [255, 128, 0] as const;
export const AGENT_RGB = [255, 0, 0] as const;
/** The agent triangle facing right (direction 0), in tile units; other directions rotate it about the centre. */
export const AGENT_TRIANGLE: readonly (readonly [number, number])[] = [
  [0.12, 0.19],
  [0.87, 0.5],
  [0.12, 0.81],
];

const SUBDIVS = 3;

type Rgb = readonly [number, number, number];
type Shape = (x: number, y: number) => boolean;

/** A square supersampled tile canvas. */
interface Canvas {
  size: number;
  px: Uint8Array;
}

// --- shape predicates (rendering.py), over tile coordinates in [0, 1] ---

const f32 = Math.fround;

export function pointInRect(xmin: number, xmax: number, ymin: number, ymax: number): Shape {
  return (x, y) => x >= xmin && x <= xmax && y >= ymin && y <= ymax;
}

export function pointInCircle(cx: number, cy: number, r: number): Shape {
  return (x, y) => (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r;
}

/** A capsule of radius r around a segment; the endpoints are float32 as in numpy. */
export function pointInLine(x0: number, y0: number, x1: number, y1: number, r: number): Shape {
  const p0x = f32(x0);
  const p0y = f32(y0);
  const ex = f32(f32(x1) - p0x);
  const ey = f32(f32(y1) - p0y);
  const dist = f32(Math.sqrt(f32(f32(ex * ex) + f32(ey * ey))));
  const dx = f32(ex / dist);
  const dy = f32(ey / dist);
  const xmin = Math.min(x0, x1) - r;
  const xmax = Math.max(x0, x1) + r;
  const ymin = Math.min(y0, y1) - r;
  const ymax = Math.max(y0, y1) + r;
  return (x, y) => {
    if (x < xmin || x > xmax || y < ymin || y > ymax) return false;
    const qx = x - p0x;
    const qy = y - p0y;
    const a = Math.min(Math.max(qx * dx + qy * dy, 0), dist);
    const px = p0x + a * dx;
    const py = p0y + a * dy;
    return Math.sqrt((x - px) * (x - px) + (y - py) * (y - py)) <= r;
  };
}

/** Barycentric inside test; vertices and their dot products are float32 as in numpy. */
export function pointInTriangle(a: readonly [number, number], b: readonly [number, number], c: readonly [number, number]): Shape {
  const ax = f32(a[0]);
  const ay = f32(a[1]);
  const v0x = f32(f32(c[0]) - ax);
  const v0y = f32(f32(c[1]) - ay);
  const v1x = f32(f32(b[0]) - ax);
  const v1y = f32(f32(b[1]) - ay);
  const dot00 = f32(f32(v0x * v0x) + f32(v0y * v0y));
  const dot01 = f32(f32(v0x * v1x) + f32(v0y * v1y));
  const dot11 = f32(f32(v1x * v1x) + f32(v1y * v1y));
  const invDenom = f32(1 / f32(f32(dot00 * dot11) - f32(dot01 * dot01)));
  return (x, y) => {
    const v2x = x - ax;
    const v2y = y - ay;
    const dot02 = v0x * v2x + v0y * v2y;
    const dot12 = v1x * v2x + v1y * v2y;
    const u = (dot11 * dot02 - dot01 * dot12) * invDenom;
    const v = (dot00 * dot12 - dot01 * dot02) * invDenom;
    return u >= 0 && v >= 0 && u + v < 1;
  };
}

/** The shape rotated by theta (radians, clockwise on screen) about (cx, cy). */
export function rotateFn(fin: Shape, cx: number, cy: number, theta: number): Shape {
  const cos = Math.cos(-theta);
  const sin = Math.sin(-theta);
  return (x, y) => {
    const rx = x - cx;
    const ry = y - cy;
    return fin(cx + rx * cos - ry * sin, cy + ry * cos + rx * sin);
  };
}

/** Paint every pixel whose centre lies in the shape; the colour is truncated as a uint8 store truncates. */
function fillCoords(img: Canvas, fn: Shape, color: Rgb): void {
  const n = img.size;
  const r = Math.trunc(color[0]);
  const g = Math.trunc(color[1]);
  const b = Math.trunc(color[2]);
  const px = img.px;
  for (let y = 0; y < n; y++) {
    const yf = (y + 0.5) / n;
    for (let x = 0; x < n; x++) {
      if (!fn((x + 0.5) / n, yf)) continue;
      const o = (y * n + x) * 3;
      px[o] = r;
      px[o + 1] = g;
      px[o + 2] = b;
    }
  }
}

function scale(c: Rgb, k: number): Rgb {
  return [c[0] * k, c[1] * k, c[2] * k];
}

const BLACK: Rgb = [0, 0, 0];

/** Each object's drawing, as its `render` method in world_object.py. */
function drawObject(img: Canvas, obj: WorldObj): void {
  const c = COLORS[obj.color];
  switch (obj.type) {
    case "goal":
    case "wall":
      fillCoords(img, pointInRect(0, 1, 0, 1), c);
      return;
    case "floor":
      fillCoords(img, pointInRect(0.031, 1, 0.031, 1), scale(c, 0.5));
      return;
    case "lava":
      fillCoords(img, pointInRect(0, 1, 0, 1), LAVA_RGB);
      for (let i = 0; i < 3; i++) {
        const ylo = 0.3 + 0.2 * i;
        const yhi = 0.4 + 0.2 * i;
        fillCoords(img, pointInLine(0.1, ylo, 0.3, yhi, 0.03), BLACK);
        fillCoords(img, pointInLine(0.3, yhi, 0.5, ylo, 0.03), BLACK);
        fillCoords(img, pointInLine(0.5, ylo, 0.7, yhi, 0.03), BLACK);
        fillCoords(img, pointInLine(0.7, yhi, 0.9, ylo, 0.03), BLACK);
      }
      return;
    case "door": {
      const state = obj.stateIdx();
      if (state === 0) {
        fillCoords(img, pointInRect(0.88, 1.0, 0.0, 1.0), c);
        fillCoords(img, pointInRect(0.92, 0.96, 0.04, 0.96), BLACK);
      } else if (state === 2) {
        fillCoords(img, pointInRect(0.0, 1.0, 0.0, 1.0), c);
        fillCoords(img, pointInRect(0.06, 0.94, 0.06, 0.94), scale(c, 0.45));
        fillCoords(img, pointInRect(0.52, 0.75, 0.5, 0.56), c);
      } else {
        fillCoords(img, pointInRect(0.0, 1.0, 0.0, 1.0), c);
        fillCoords(img, pointInRect(0.04, 0.96, 0.04, 0.96), BLACK);
        fillCoords(img, pointInRect(0.08, 0.92, 0.08, 0.92), c);
        fillCoords(img, pointInRect(0.12, 0.88, 0.12, 0.88), BLACK);
        fillCoords(img, pointInCircle(0.75, 0.5, 0.08), c);
      }
      return;
    }
    case "key":
      fillCoords(img, pointInRect(0.5, 0.63, 0.31, 0.88), c);
      fillCoords(img, pointInRect(0.38, 0.5, 0.59, 0.66), c);
      fillCoords(img, pointInRect(0.38, 0.5, 0.81, 0.88), c);
      fillCoords(img, pointInCircle(0.56, 0.28, 0.19), c);
      fillCoords(img, pointInCircle(0.56, 0.28, 0.064), BLACK);
      return;
    case "ball":
      fillCoords(img, pointInCircle(0.5, 0.5, 0.31), c);
      return;
    case "box":
      fillCoords(img, pointInRect(0.12, 0.88, 0.12, 0.88), c);
      fillCoords(img, pointInRect(0.18, 0.82, 0.18, 0.82), BLACK);
      fillCoords(img, pointInRect(0.16, 0.84, 0.47, 0.53), c);
      return;
    default:
      throw new RangeError(`cannot render an object of type '${obj.type}'`);
  }
}

/** Blend toward white by 30% (highlight_img), truncating as numpy's astype(uint8) does. */
function highlightCanvas(img: Canvas): void {
  const px = img.px;
  for (let k = 0; k < px.length; k++) {
    const v = px[k]!;
    px[k] = Math.trunc(v + HIGHLIGHT_ALPHA * (255 - v));
  }
}

/** Average each 3×3 block: the mean across x, then the mean of those across y, truncated to uint8. */
function downsample(img: Canvas, factor: number): Uint8Array {
  const n = img.size / factor;
  const src = img.px;
  const out = new Uint8Array(n * n * 3);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      for (let ch = 0; ch < 3; ch++) {
        let acc = 0;
        for (let sy = 0; sy < factor; sy++) {
          const row = (y * factor + sy) * img.size;
          let s = 0;
          for (let sx = 0; sx < factor; sx++) s += src[(row + x * factor + sx) * 3 + ch]!;
          acc += s / factor;
        }
        out[(y * n + x) * 3 + ch] = Math.trunc(acc / factor);
      }
    }
  }
  return out;
}

const tileCache = new Map<string, Uint8Array>();

/** Empty the tile cache (tiles are small; this is for long-running processes that change tile sizes). */
export function clearTileCache(): void {
  tileCache.clear();
}

function checkTileSize(tileSize: number): void {
  if (!Number.isInteger(tileSize) || tileSize < 1) throw new RangeError(`tileSize must be a positive integer, got ${tileSize}`);
}

/**
 * One tile (tileSize² RGB pixels): `obj` with the agent on top when `agentDir` is 0–3, lightened when
 * highlighted. Cached; do not modify the returned array.
 */
export function renderTile(obj: WorldObj | null, agentDir: number | null, highlight: boolean, tileSize: number = TILE_PIXELS): Uint8Array {
  checkTileSize(tileSize);
  const key = `${obj ? `${obj.typeIdx},${obj.colorIdx},${obj.stateIdx()}` : "-"}|${agentDir ?? "-"}|${highlight ? 1 : 0}|${tileSize}`;
  const hit = tileCache.get(key);
  if (hit) return hit;

  const size = tileSize * SUBDIVS;
  const img: Canvas = { size, px: new Uint8Array(size * size * 3) };
  fillCoords(img, pointInRect(0, 0.031, 0, 1), GRID_LINE_RGB);
  fillCoords(img, pointInRect(0, 1, 0, 0.031), GRID_LINE_RGB);
  if (obj !== null) drawObject(img, obj);
  if (agentDir !== null) {
    const [a, b, c] = AGENT_TRIANGLE as [readonly [number, number], readonly [number, number], readonly [number, number]];
    fillCoords(img, rotateFn(pointInTriangle(a, b, c), 0.5, 0.5, 0.5 * Math.PI * agentDir), AGENT_RGB);
  }
  if (highlight) highlightCanvas(img);
  const tile = downsample(img, SUBDIVS);
  tileCache.set(key, tile);
  return tile;
}

/** What a grid render needs: cells by (i, j), the agent, and which cells to highlight. */
export interface TileGrid {
  width: number;
  height: number;
  cell(i: number, j: number): WorldObj | null;
  agentPos: readonly [number, number];
  agentDir: number;
  highlighted(i: number, j: number): boolean;
}

/** Grid.render: paste every cell's tile. */
export function renderTileGrid(g: TileGrid, tileSize: number = TILE_PIXELS): RgbImage {
  checkTileSize(tileSize);
  const width = g.width * tileSize;
  const height = g.height * tileSize;
  const rgb = new Uint8Array(width * height * 3);
  const rowBytes = tileSize * 3;
  for (let j = 0; j < g.height; j++) {
    for (let i = 0; i < g.width; i++) {
      const agentHere = g.agentPos[0] === i && g.agentPos[1] === j;
      const tile = renderTile(g.cell(i, j), agentHere ? g.agentDir : null, g.highlighted(i, j), tileSize);
      for (let y = 0; y < tileSize; y++) {
        const dst = ((j * tileSize + y) * width + i * tileSize) * 3;
        rgb.set(tile.subarray(y * rowBytes, (y + 1) * rowBytes), dst);
      }
    }
  }
  return { width, height, rgb };
}

function requireReset(env: MiniGridEnv): void {
  if (!env.isReset) throw new RangeError("call env.reset() before rendering");
}

/** Which world cells the agent sees, as a width×height mask indexed [y * width + x] (get_full_render's highlight_mask). */
export function visibleCells(env: MiniGridEnv): Uint8Array {
  requireReset(env);
  const { size, mask } = env.genObsGrid();
  const seen = new Uint8Array(env.width * env.height);
  for (let vj = 0; vj < size; vj++) {
    for (let vi = 0; vi < size; vi++) {
      if (!mask[vj * size + vi]) continue;
      const [x, y] = env.viewToWorld(vi, vj);
      if (x < 0 || x >= env.width || y < 0 || y >= env.height) continue;
      seen[y * env.width + x] = 1;
    }
  }
  return seen;
}

/** The whole world as get_full_render draws it: the agent's visible cells lightened when `highlight`. */
export function renderFull(env: MiniGridEnv, opts: RasterOptions = {}): RgbImage {
  return renderTileGrid(fullTileGrid(env, opts.highlight ?? true), opts.tileSize ?? TILE_PIXELS);
}

/** The agent's view as get_pov_render draws it: agent at the bottom centre facing up, the visible cells lightened. */
export function renderAgentView(env: MiniGridEnv, opts: RasterOptions = {}): RgbImage {
  return renderTileGrid(agentViewTileGrid(env, opts.highlight ?? true), opts.tileSize ?? TILE_PIXELS);
}

/** The full render's inputs (shared with the SVG renderer). */
export function fullTileGrid(env: MiniGridEnv, highlight: boolean): TileGrid {
  requireReset(env);
  const seen = highlight ? visibleCells(env) : null;
  const W = env.width;
  return {
    width: W,
    height: env.height,
    cell: (i, j) => env.grid.get(i, j),
    agentPos: env.agentPos,
    agentDir: env.agentDir,
    highlighted: (i, j) => seen !== null && seen[j * W + i] === 1,
  };
}

/** The agent view's inputs: gen_obs_grid's cells with the unseen ones emptied, the mask as highlight. */
export function agentViewTileGrid(env: MiniGridEnv, highlight: boolean): TileGrid {
  requireReset(env);
  const view = env.genObsGrid();
  const s = view.size;
  const cells = view.cells.map((c, k) => (view.mask[k] ? c : null));
  const mask = Uint8Array.from(view.mask);
  return {
    width: s,
    height: s,
    cell: (i, j) => cells[j * s + i] ?? null,
    agentPos: [s >> 1, s - 1],
    agentDir: 3,
    highlighted: (i, j) => highlight && mask[j * s + i] === 1,
  };
}
