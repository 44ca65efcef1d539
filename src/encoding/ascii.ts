/**
 * `ascii`: the grid as rows of two-character tokens — lossless (`decodeAscii` gives back the
 * observation). First character: what the cell holds; second: its colour.
 *
 *     ..  empty          ??  unseen (hidden behind a wall or a closed door)
 *     W   wall           F   floor          G   goal           V   lava
 *     K   key            A   ball           B   box
 *     D   closed door    O   open door      L   locked door
 *     colours: r red, g green, b blue, p purple, y yellow, e grey
 *     ^^ >> vv <<  the agent, pointing where it faces
 *
 * Agent view: the view square with the agent at the bottom centre facing up the page (`^^`); what it
 * carries is on the `Carrying:` line. Full view: the whole grid (x to the right, y down) with the
 * agent drawn where it stands; when it stands on something (an open door), a `Standing on:` line says
 * what.
 */
import { COLOR_TO_IDX, IDX_TO_COLOR, IDX_TO_OBJECT, OBJECT_TO_IDX, type Color } from "../minigrid/constants.js";
import type { CellGlyphs } from "../minigrid/render/ansi.js";
import { DIR_WORDS, EncodingError, missionLine, requireFull, type EncodingInput } from "./input.js";

const TYPE_CHAR: Record<string, string> = { wall: "W", floor: "F", key: "K", ball: "A", box: "B", goal: "G", lava: "V" };
const DOOR_CHAR = ["O", "D", "L"]; // open, closed, locked
const COLOR_CHAR: Record<Color, string> = { red: "r", green: "g", blue: "b", purple: "p", yellow: "y", grey: "e" };
const AGENT = [">>", "vv", "<<", "^^"];

/** The legend line the `ascii` encoding ends with (its tokens for objects, colours and the agent). */
export const ASCII_LEGEND =
  "Legend: .. empty, ?? unseen, W wall, F floor, G goal, V lava, K key, A ball, B box, D closed door, O open door, L locked door; " +
  "second letter = colour (r red, g green, b blue, p purple, y yellow, e grey); ^^ >> vv << = you, pointing where you face.";

export function cellToken(t: number, c: number, s: number): string {
  if (t === OBJECT_TO_IDX.unseen) return "??";
  if (t === OBJECT_TO_IDX.empty) return "..";
  const type = IDX_TO_OBJECT[t];
  const color = IDX_TO_COLOR[c];
  if (!type || !color) throw new EncodingError(`cannot encode cell (${t}, ${c}, ${s})`);
  const ch = type === "door" ? DOOR_CHAR[s] : TYPE_CHAR[type];
  if (!ch) throw new EncodingError(`cannot encode cell (${t}, ${c}, ${s})`);
  return ch + COLOR_CHAR[color];
}

export function tokenCell(tok: string): [number, number, number] {
  if (tok === "??") return [0, 0, 0];
  if (tok === "..") return [1, 0, 0];
  const color = (Object.keys(COLOR_CHAR) as Color[]).find((k) => COLOR_CHAR[k] === tok[1]);
  if (tok.length !== 2 || color === undefined) throw new EncodingError(`bad ascii token '${tok}'`);
  const ci = COLOR_TO_IDX[color];
  const door = DOOR_CHAR.indexOf(tok[0]!);
  if (door >= 0) return [OBJECT_TO_IDX.door, ci, door];
  const type = Object.keys(TYPE_CHAR).find((k) => TYPE_CHAR[k] === tok[0]);
  if (!type) throw new EncodingError(`bad ascii token '${tok}'`);
  return [OBJECT_TO_IDX[type as keyof typeof OBJECT_TO_IDX], ci, 0];
}

/** The `ascii` encoding's tokens as terminal glyphs (`renderAnsi(env, { glyphs: ASCII_GLYPHS })`). */
export const ASCII_GLYPHS: CellGlyphs = {
  cell: (obj) => (obj === null ? ".." : cellToken(...obj.encode())),
  agent: (dir) => AGENT[dir]!,
};

function carryingText(c: [string, string] | null): string {
  if (!c) return "Carrying: nothing";
  const t = OBJECT_TO_IDX[c[0] as keyof typeof OBJECT_TO_IDX];
  return `Carrying: ${c[1]} ${c[0]} (${cellToken(t, COLOR_TO_IDX[c[1] as Color], 0)})`;
}

export function encodeAscii(inp: EncodingInput, view: "agent" | "full"): string {
  const lines = [missionLine(inp), `Facing: ${DIR_WORDS[inp.direction]}`, carryingText(inp.carrying)];
  if (view === "agent") {
    const s = inp.viewSize;
    lines.push(`View (${s}x${s}; you are ^^ at the bottom centre, facing up the page):`);
    for (let j = 0; j < s; j++) {
      const row: string[] = [];
      for (let i = 0; i < s; i++) {
        const o = (i * s + j) * 3;
        row.push(i === s >> 1 && j === s - 1 ? "^^" : cellToken(inp.image[o]!, inp.image[o + 1]!, inp.image[o + 2]!));
      }
      lines.push(row.join(" "));
    }
  } else {
    const f = requireFull(inp);
    const [ax, ay] = f.agentPos;
    lines.push(`Grid (${f.width}x${f.height}; x grows to the right, y downwards; you are ${AGENT[f.direction]} at (${ax}, ${ay})):`);
    for (let y = 0; y < f.height; y++) {
      const row: string[] = [];
      for (let x = 0; x < f.width; x++) {
        const o = (x * f.height + y) * 3;
        row.push(x === ax && y === ay ? AGENT[f.direction]! : cellToken(f.grid[o]!, f.grid[o + 1]!, f.grid[o + 2]!));
      }
      lines.push(row.join(" "));
    }
    const o = (ax * f.height + ay) * 3;
    if (f.grid[o] !== OBJECT_TO_IDX.empty) lines.push(`Standing on: ${cellToken(f.grid[o]!, f.grid[o + 1]!, f.grid[o + 2]!)}`);
  }
  lines.push(ASCII_LEGEND);
  return lines.join("\n");
}

/**
 * What {@link decodeAscii} reads back from an `ascii` encoding: mission, direction, carried object and the
 * cells.
 */
export interface DecodedAscii {
  mission: string;
  direction: number;
  carrying: [string, string] | null;
  /** Agent view: the image; full view: the grid. */
  cells: number[];
  width: number;
  height: number;
  agentPos?: [number, number];
}

/** Parse `encodeAscii` output back into numbers. */
export function decodeAscii(text: string): DecodedAscii {
  const lines = text.split("\n");
  const mission = (lines[0] ?? "").replace(/^Mission: /, "");
  const facing = /^Facing: (\w+)$/.exec(lines[1] ?? "");
  const direction = facing ? DIR_WORDS.indexOf(facing[1] as (typeof DIR_WORDS)[number]) : -1;
  if (direction < 0) throw new EncodingError("ascii: no 'Facing:' line");
  const carry = /^Carrying: (?:nothing|(\w+) (\w+) \(..\))$/.exec(lines[2] ?? "");
  if (!carry) throw new EncodingError("ascii: no 'Carrying:' line");
  const carrying: [string, string] | null = carry[1] ? [carry[2]!, carry[1]] : null;
  const header = lines[3] ?? "";
  const rows: string[][] = [];
  let k = 4;
  for (; k < lines.length && !/^(Legend|Standing on):/.test(lines[k]!); k++) rows.push(lines[k]!.split(" "));
  const height = rows.length;
  const width = rows[0]?.length ?? 0;
  const cells = new Array<number>(width * height * 3).fill(0);
  let agentPos: [number, number] | undefined;
  rows.forEach((row, y) =>
    row.forEach((tok, x) => {
      let v: [number, number, number];
      if (AGENT.includes(tok)) {
        agentPos = [x, y];
        v = [1, 0, 0];
      } else {
        v = tokenCell(tok);
      }
      cells.splice((x * height + y) * 3, 3, ...v);
    }),
  );
  const standing = lines[k] && /^Standing on: (..)$/.exec(lines[k]!);
  if (header.startsWith("View")) {
    // The agent's own cell shows what it carries.
    const o = ((width >> 1) * height + height - 1) * 3;
    const c = carrying ? [OBJECT_TO_IDX[carrying[0] as keyof typeof OBJECT_TO_IDX], COLOR_TO_IDX[carrying[1] as Color], 0] : [1, 0, 0];
    cells.splice(o, 3, ...c);
    return { mission, direction, carrying, cells, width, height };
  }
  if (!agentPos) throw new EncodingError("ascii: the full grid shows no agent");
  if (standing) cells.splice((agentPos[0] * height + agentPos[1]) * 3, 3, ...tokenCell(standing[1]!));
  return { mission, direction, carrying, cells, width, height, agentPos };
}
