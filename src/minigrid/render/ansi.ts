/**
 * The grid for a terminal: two characters a cell, as Minigrid's `pprint_grid` writes them — the
 * object's letter then its colour's initial (W wall, F floor, D closed door, L locked door, __ open
 * door, K key, A ball, B box, G goal, V lava; the agent as >>, VV, << or ^^; empty cells blank).
 *
 * With `color`, each cell also gets ANSI colours in the raster's palette: solid tiles (wall, goal,
 * lava, floor) as their background, other objects in their colour, the agent red, and the cells the
 * agent can see lightened exactly as the raster highlight does — so everything outside the view
 * sits on the darker, unlit background.
 */
import { COLORS } from "../constants.js";
import type { MiniGridEnv } from "../minigrid-env.js";
import type { WorldObj } from "../world-object.js";
import { AGENT_RGB, HIGHLIGHT_ALPHA, LAVA_RGB, visibleCells } from "./raster.js";

/** Options of {@link renderAnsi}: colour or plain text, and the palette. */
export interface AnsiOptions {
  /** Add ANSI colour codes (off: plain pprint_grid text). */
  color: boolean;
  /** 24-bit colour (default) or the xterm 256-colour palette, for terminals without truecolor. */
  palette?: "truecolor" | "256";
  /**
   * The two characters of each cell and of the agent (default: pprint_grid's); `gridtune play` passes
   * the `ascii` encoding's tokens so the picture and the text the agent reads spell cells alike.
   */
  glyphs?: CellGlyphs;
}

/** Two-character cell texts for {@link renderAnsi}: one per object (null = empty cell), one per agent direction. */
export interface CellGlyphs {
  cell(obj: WorldObj | null): string;
  agent(dir: number): string;
}

/** Minigrid's pprint_grid glyphs (the default of {@link renderAnsi}). */
export const PPRINT_GLYPHS: CellGlyphs = { cell: (obj) => cellText(obj), agent: (dir) => AGENT_DIR_TO_STR[dir]!.repeat(2) };

type Rgb = readonly [number, number, number];

const OBJECT_TO_STR: Partial<Record<WorldObj["type"], string>> = {
  wall: "W",
  floor: "F",
  door: "D",
  key: "K",
  ball: "A",
  box: "B",
  goal: "G",
  lava: "V",
};

const AGENT_DIR_TO_STR = [">", "V", "<", "^"] as const;

/** The two characters pprint_grid writes for a cell's object. */
export function cellText(obj: WorldObj | null): string {
  if (obj === null) return "  ";
  const initial = obj.color[0]!.toUpperCase();
  if (obj.type === "door") {
    const state = obj.stateIdx();
    if (state === 0) return "__";
    return (state === 2 ? "L" : "D") + initial;
  }
  const letter = OBJECT_TO_STR[obj.type];
  if (letter === undefined) throw new RangeError(`cannot print an object of type '${obj.type}'`);
  return letter + initial;
}

const BLACK: Rgb = [0, 0, 0];
const WALL_TEXT: Rgb = [200, 200, 200];

/** A cell's unlit background and text colour. */
function cellColors(obj: WorldObj | null): { bg: Rgb; fg: Rgb } {
  if (obj === null) return { bg: BLACK, fg: BLACK };
  const c = COLORS[obj.color];
  switch (obj.type) {
    case "wall":
      return { bg: c, fg: WALL_TEXT };
    case "goal":
      return { bg: c, fg: BLACK };
    case "lava":
      return { bg: LAVA_RGB, fg: BLACK };
    case "floor":
      return { bg: [Math.trunc(c[0] / 2), Math.trunc(c[1] / 2), Math.trunc(c[2] / 2)], fg: c };
    default:
      return { bg: BLACK, fg: c };
  }
}

/** The raster highlight: 30% of the way to white. */
function lighten(c: Rgb): Rgb {
  const up = (v: number): number => Math.trunc(v + HIGHLIGHT_ALPHA * (255 - v));
  return [up(c[0]), up(c[1]), up(c[2])];
}

const CUBE = [0, 95, 135, 175, 215, 255];

/** The nearest colour of the xterm 256-colour palette (the 6×6×6 cube or the grey ramp). */
export function xterm256(c: Rgb): number {
  const nearestLevel = (v: number): number => {
    let best = 0;
    for (let k = 1; k < CUBE.length; k++) if (Math.abs(CUBE[k]! - v) < Math.abs(CUBE[best]! - v)) best = k;
    return best;
  };
  const [r, g, b] = c.map(nearestLevel) as [number, number, number];
  const cube: Rgb = [CUBE[r]!, CUBE[g]!, CUBE[b]!];
  const avg = (c[0] + c[1] + c[2]) / 3;
  const greyStep = Math.max(0, Math.min(23, Math.round((avg - 8) / 10)));
  const grey = 8 + 10 * greyStep;
  const dist = (p: Rgb): number => (p[0] - c[0]) ** 2 + (p[1] - c[1]) ** 2 + (p[2] - c[2]) ** 2;
  return dist([grey, grey, grey]) < dist(cube) ? 232 + greyStep : 16 + 36 * r + 6 * g + b;
}

function sgr(fg: Rgb, bg: Rgb, bold: boolean, palette: "truecolor" | "256"): string {
  const codes = palette === "256" ? [`38;5;${xterm256(fg)}`, `48;5;${xterm256(bg)}`] : [`38;2;${fg.join(";")}`, `48;2;${bg.join(";")}`];
  return `\x1b[${bold ? "0;1" : "0"};${codes.join(";")}m`;
}

/** The world as text, one line per grid row (no trailing newline), optionally with ANSI colours. */
export function renderAnsi(env: MiniGridEnv, opts: AnsiOptions = { color: false }): string {
  const palette = opts.palette ?? "truecolor";
  if (palette !== "truecolor" && palette !== "256") throw new RangeError(`palette must be 'truecolor' or '256', got '${String(palette)}'`);
  const glyphs = opts.glyphs ?? PPRINT_GLYPHS;
  const seen = visibleCells(env);
  const [ax, ay] = env.agentPos;
  const rows: string[] = [];
  for (let j = 0; j < env.height; j++) {
    let line = "";
    for (let i = 0; i < env.width; i++) {
      const obj = env.grid.get(i, j);
      const agentHere = i === ax && j === ay;
      const text = agentHere ? glyphs.agent(env.agentDir) : glyphs.cell(obj);
      if (!opts.color) {
        line += text;
        continue;
      }
      let { bg, fg } = cellColors(obj);
      if (agentHere) fg = AGENT_RGB;
      if (seen[j * env.width + i]) bg = lighten(bg);
      line += sgr(fg, bg, agentHere || obj !== null, palette) + text;
    }
    rows.push(opts.color ? line + "\x1b[0m" : line);
  }
  return rows.join("\n");
}
