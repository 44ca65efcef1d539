/**
 * `tuples`: Minigrid's own numbers, one (type, colour, state) triple per cell, in rows — lossless
 * (`decodeTuples` gives back the observation). Indices as in minigrid/core/constants.py: types 0 unseen,
 * 1 empty, 2 wall, 3 floor, 4 door, 5 key, 6 ball, 7 box, 8 goal, 9 lava; colours 0 red, 1 green,
 * 2 blue, 3 purple, 4 yellow, 5 grey; door states 0 open, 1 closed, 2 locked.
 *
 * Agent view: rows from the farthest (top) to the agent's row (bottom); the agent is in the bottom
 * row's middle cell, facing up, and that cell holds what it carries. Full view: rows y = 0…height−1,
 * columns x = 0…width−1, the agent not drawn; its position is on the `Position:` line.
 */
import { COLOR_TO_IDX, OBJECT_TO_IDX, type Color } from "../minigrid/constants.js";
import { DIR_WORDS, EncodingError, missionLine, requireFull, type EncodingInput } from "./input.js";

const LEGEND =
  "Legend: (type, colour, state); types 0 unseen, 1 empty, 2 wall, 3 floor, 4 door, 5 key, 6 ball, 7 box, 8 goal, 9 lava; " +
  "colours 0 red, 1 green, 2 blue, 3 purple, 4 yellow, 5 grey; door states 0 open, 1 closed, 2 locked.";

function triple(a: ArrayLike<number>, o: number): string {
  return `(${a[o]}, ${a[o + 1]}, ${a[o + 2]})`;
}

function carryingTuple(c: [string, string] | null): string {
  if (!c) return "Carrying: none";
  return `Carrying: (${OBJECT_TO_IDX[c[0] as keyof typeof OBJECT_TO_IDX]}, ${COLOR_TO_IDX[c[1] as Color]}, 0)`;
}

export function encodeTuples(inp: EncodingInput, view: "agent" | "full"): string {
  const lines = [missionLine(inp), `Direction: ${inp.direction} (${DIR_WORDS[inp.direction]})`, carryingTuple(inp.carrying)];
  if (view === "agent") {
    const s = inp.viewSize;
    lines.push(`View (${s}x${s}; rows from farthest to nearest; you are the middle cell of the last row, facing up):`);
    for (let j = 0; j < s; j++) {
      const row: string[] = [];
      for (let i = 0; i < s; i++) row.push(triple(inp.image, (i * s + j) * 3));
      lines.push(row.join(" "));
    }
  } else {
    const f = requireFull(inp);
    lines.push(`Position: (${f.agentPos[0]}, ${f.agentPos[1]})`);
    lines.push(`Grid (${f.width}x${f.height}; row y, column x; you are not drawn):`);
    for (let y = 0; y < f.height; y++) {
      const row: string[] = [];
      for (let x = 0; x < f.width; x++) row.push(triple(f.grid, (x * f.height + y) * 3));
      lines.push(row.join(" "));
    }
  }
  lines.push(LEGEND);
  return lines.join("\n");
}

/**
 * What {@link decodeTuples} reads back from a `tuples` encoding: mission, direction, carried object and
 * the cells.
 */
export interface DecodedTuples {
  mission: string;
  direction: number;
  carrying: [number, number, number] | null;
  cells: number[];
  width: number;
  height: number;
  agentPos?: [number, number];
}

/** Parse `encodeTuples` output back into numbers. */
export function decodeTuples(text: string): DecodedTuples {
  const lines = text.split("\n");
  const mission = (lines[0] ?? "").replace(/^Mission: /, "");
  const dir = /^Direction: (\d)/.exec(lines[1] ?? "");
  if (!dir) throw new EncodingError("tuples: no 'Direction:' line");
  const carry = /^Carrying: (?:none|\((\d+), (\d+), (\d+)\))$/.exec(lines[2] ?? "");
  if (!carry) throw new EncodingError("tuples: no 'Carrying:' line");
  const carrying: [number, number, number] | null = carry[1] ? [Number(carry[1]), Number(carry[2]), Number(carry[3])] : null;
  let k = 3;
  let agentPos: [number, number] | undefined;
  const pos = /^Position: \((\d+), (\d+)\)$/.exec(lines[k] ?? "");
  if (pos) {
    agentPos = [Number(pos[1]), Number(pos[2])];
    k++;
  }
  k++; // the View/Grid header
  const rows: number[][][] = [];
  for (; k < lines.length && !lines[k]!.startsWith("Legend:"); k++) {
    rows.push([...lines[k]!.matchAll(/\((\d+), (\d+), (\d+)\)/g)].map((m) => [Number(m[1]), Number(m[2]), Number(m[3])]));
  }
  const height = rows.length;
  const width = rows[0]?.length ?? 0;
  const cells = new Array<number>(width * height * 3);
  rows.forEach((row, y) => row.forEach((v, x) => cells.splice((x * height + y) * 3, 3, ...v)));
  return { mission, direction: Number(dir[1]), carrying, cells, width, height, agentPos };
}
