/**
 * SVG rendering: the same picture as the raster renderer, as vector shapes that stay crisp at any
 * size. The viewBox is in cells (one unit a cell); `tileSize` only sets the default pixel size.
 * Each cell is a group translated to (i, j) holding, in Minigrid's drawing order, its grid lines,
 * its object (rects, circles, the lava's wave polylines), the agent triangle and the highlight.
 */
import { COLORS } from "../constants.js";
import type { MiniGridEnv } from "../minigrid-env.js";
import type { WorldObj } from "../world-object.js";
import {
  AGENT_RGB,
  AGENT_TRIANGLE,
  GRID_LINE_RGB,
  HIGHLIGHT_ALPHA,
  LAVA_RGB,
  TILE_PIXELS,
  agentViewTileGrid,
  fullTileGrid,
  type TileGrid,
} from "./raster.js";

/** What a picture shows: the whole world or the agent's view. */
export type RenderView = "full" | "agent";

/** Options of {@link renderSvg}: the view, pixels per cell and highlighting. */
export interface SvgOptions {
  /** The whole world (default) or the agent's view. */
  view?: RenderView;
  /** Pixels per cell for the width/height attributes. */
  tileSize?: number;
  /** Lighten the cells the agent can see. */
  highlight?: boolean;
}

type Rgb = readonly [number, number, number];

/** A colour as the raster stores it (truncated to integers), in hex. */
function hex(c: Rgb): string {
  return "#" + c.map((v) => Math.trunc(v).toString(16).padStart(2, "0")).join("");
}

function num(v: number): string {
  return String(Math.round(v * 10000) / 10000);
}

function scale(c: Rgb, k: number): Rgb {
  return [c[0] * k, c[1] * k, c[2] * k];
}

/** rendering.py's point_in_rect(xmin, xmax, ymin, ymax) as a rect element. */
function rect(xmin: number, xmax: number, ymin: number, ymax: number, color: Rgb): string {
  return `<rect x="${num(xmin)}" y="${num(ymin)}" width="${num(xmax - xmin)}" height="${num(ymax - ymin)}" fill="${hex(color)}"/>`;
}

function circle(cx: number, cy: number, r: number, color: Rgb): string {
  return `<circle cx="${num(cx)}" cy="${num(cy)}" r="${num(r)}" fill="${hex(color)}"/>`;
}

const BLACK: Rgb = [0, 0, 0];

/** An object's shapes in cell units, mirroring each `render` in world_object.py. */
function objectShapes(obj: WorldObj): string[] {
  const c = COLORS[obj.color];
  switch (obj.type) {
    case "goal":
    case "wall":
      return [rect(0, 1, 0, 1, c)];
    case "floor":
      return [rect(0.031, 1, 0.031, 1, scale(c, 0.5))];
    case "lava": {
      const out = [rect(0, 1, 0, 1, LAVA_RGB)];
      for (let i = 0; i < 3; i++) {
        const lo = num(0.3 + 0.2 * i);
        const hi = num(0.4 + 0.2 * i);
        out.push(
          `<polyline points="0.1,${lo} 0.3,${hi} 0.5,${lo} 0.7,${hi} 0.9,${lo}" fill="none" stroke="#000000" stroke-width="0.06" stroke-linecap="round" stroke-linejoin="round"/>`,
        );
      }
      return out;
    }
    case "door": {
      const state = obj.stateIdx();
      if (state === 0) return [rect(0.88, 1, 0, 1, c), rect(0.92, 0.96, 0.04, 0.96, BLACK)];
      if (state === 2) return [rect(0, 1, 0, 1, c), rect(0.06, 0.94, 0.06, 0.94, scale(c, 0.45)), rect(0.52, 0.75, 0.5, 0.56, c)];
      return [
        rect(0, 1, 0, 1, c),
        rect(0.04, 0.96, 0.04, 0.96, BLACK),
        rect(0.08, 0.92, 0.08, 0.92, c),
        rect(0.12, 0.88, 0.12, 0.88, BLACK),
        circle(0.75, 0.5, 0.08, c),
      ];
    }
    case "key":
      return [
        rect(0.5, 0.63, 0.31, 0.88, c),
        rect(0.38, 0.5, 0.59, 0.66, c),
        rect(0.38, 0.5, 0.81, 0.88, c),
        circle(0.56, 0.28, 0.19, c),
        circle(0.56, 0.28, 0.064, BLACK),
      ];
    case "ball":
      return [circle(0.5, 0.5, 0.31, c)];
    case "box":
      return [rect(0.12, 0.88, 0.12, 0.88, c), rect(0.18, 0.82, 0.18, 0.82, BLACK), rect(0.16, 0.84, 0.47, 0.53, c)];
    default:
      throw new RangeError(`cannot render an object of type '${obj.type}'`);
  }
}

/** The agent's triangle, pointing along its direction (0 right, 1 down, 2 left, 3 up). */
function agentShape(dir: number): string {
  const points = AGENT_TRIANGLE.map(([x, y]) => `${num(x)},${num(y)}`).join(" ");
  const rotate = dir === 0 ? "" : ` transform="rotate(${90 * dir} 0.5 0.5)"`;
  return `<polygon class="agent" points="${points}" fill="${hex(AGENT_RGB)}"${rotate}/>`;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** An SVG document of a tile grid; `title` becomes its <title>. */
export function tileGridSvg(g: TileGrid, tileSize: number, title: string): string {
  if (!Number.isInteger(tileSize) || tileSize < 1) throw new RangeError(`tileSize must be a positive integer, got ${tileSize}`);
  const lines = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${g.width * tileSize}" height="${g.height * tileSize}" viewBox="0 0 ${g.width} ${g.height}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${g.width}" height="${g.height}" fill="#000000"/>`,
  ];
  const gridLines = rect(0, 0.031, 0, 1, GRID_LINE_RGB) + rect(0, 1, 0, 0.031, GRID_LINE_RGB);
  const highlight = `<rect class="highlight" width="1" height="1" fill="#ffffff" fill-opacity="${HIGHLIGHT_ALPHA}"/>`;
  for (let j = 0; j < g.height; j++) {
    for (let i = 0; i < g.width; i++) {
      const obj = g.cell(i, j);
      const parts = [gridLines];
      if (obj !== null) parts.push(...objectShapes(obj));
      if (g.agentPos[0] === i && g.agentPos[1] === j) parts.push(agentShape(g.agentDir));
      if (g.highlighted(i, j)) parts.push(highlight);
      const kind = obj === null ? "empty" : `${obj.type} ${obj.color}`;
      lines.push(`<g transform="translate(${i} ${j})" data-cell="${kind}">${parts.join("")}</g>`);
    }
  }
  lines.push("</svg>");
  return lines.join("\n") + "\n";
}

/** The full world or the agent's view as an SVG document. */
export function renderSvg(env: MiniGridEnv, opts: SvgOptions = {}): string {
  const view = opts.view ?? "full";
  const highlight = opts.highlight ?? true;
  const tileSize = opts.tileSize ?? TILE_PIXELS;
  const name = env.envId || env.constructor.name;
  if (view === "agent") return tileGridSvg(agentViewTileGrid(env, highlight), tileSize, `${name} — agent view: ${env.mission}`);
  if (view === "full") return tileGridSvg(fullTileGrid(env, highlight), tileSize, `${name}: ${env.mission}`);
  throw new RangeError(`view must be 'full' or 'agent', got '${String(view)}'`);
}
