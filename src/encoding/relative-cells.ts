/** Cells of either view with the agent-relative coordinates the `natural` and `relative` encodings use. */
import { DIR_TO_VEC, IDX_TO_COLOR, IDX_TO_OBJECT, OBJECT_TO_IDX } from "../minigrid/constants.js";
import { requireFull, type EncodingInput } from "./input.js";

export interface RelCell {
  type: string;
  color: string;
  state: number;
  /** Steps to the right of the agent (negative: left). */
  right: number;
  /** Steps in front of the agent (negative: behind). */
  forward: number;
}

/** Every visible, non-empty cell except the agent's own, in column-then-row order (BabyAI-Text's). */
export function relativeCells(inp: EncodingInput, view: "agent" | "full"): RelCell[] {
  const out: RelCell[] = [];
  const push = (a: ArrayLike<number>, o: number, right: number, forward: number) => {
    const t = a[o]!;
    if (t === OBJECT_TO_IDX.unseen || t === OBJECT_TO_IDX.empty) return;
    out.push({ type: IDX_TO_OBJECT[t] ?? "unseen", color: IDX_TO_COLOR[a[o + 1]!] ?? "grey", state: a[o + 2]!, right, forward });
  };
  if (view === "agent") {
    const s = inp.viewSize;
    const hs = s >> 1;
    for (let i = 0; i < s; i++) {
      for (let j = 0; j < s; j++) {
        if (i === hs && j === s - 1) continue;
        push(inp.image, (i * s + j) * 3, i - hs, s - 1 - j);
      }
    }
  } else {
    const f = requireFull(inp);
    const [vx, vy] = DIR_TO_VEC[f.direction]!;
    const [ax, ay] = f.agentPos;
    for (let x = 0; x < f.width; x++) {
      for (let y = 0; y < f.height; y++) {
        if (x === ax && y === ay) continue;
        const dx = x - ax;
        const dy = y - ay;
        push(f.grid, (x * f.height + y) * 3, -dx * vy + dy * vx, dx * vx + dy * vy);
      }
    }
  }
  return out;
}

/** "a yellow key", "a locked yellow door", "an open red door", "lava". */
export function objectPhrase(c: { type: string; color: string; state: number }): string {
  if (c.type === "door") return c.state === 0 ? `an open ${c.color} door` : `a ${c.state === 2 ? "locked" : "closed"} ${c.color} door`;
  if (c.type === "lava") return "lava";
  if (c.type === "floor") return `a ${c.color} floor tile`;
  return `a ${c.color} ${c.type}`;
}
