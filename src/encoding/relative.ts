/**
 * `relative`: every non-empty cell in agent-centred coordinates (steps right, steps forward), grouped
 * by what it is — a compact, egocentric list:
 *
 *     Mission: get to the green goal square
 *     Facing: right
 *     Carrying: nothing
 *     Seen, as (right, forward) from you; negative right is left, negative forward is behind:
 *     - wall: (-3, 1) (-3, 2) (3, 1)
 *     - a green goal: (2, 4)
 *
 * The agent view lists what the agent sees (unseen cells are left out); the full view, the whole grid.
 */
import { DIR_WORDS, missionLine, type EncodingInput } from "./input.js";
import { objectPhrase, relativeCells } from "./relative-cells.js";

export function encodeRelative(inp: EncodingInput, view: "agent" | "full"): string {
  const lines = [missionLine(inp), `Facing: ${DIR_WORDS[inp.direction]}`, `Carrying: ${inp.carrying ? `a ${inp.carrying[1]} ${inp.carrying[0]}` : "nothing"}`];
  lines.push("Seen, as (right, forward) from you; negative right is left, negative forward is behind:");
  const groups = new Map<string, string[]>();
  const cells = relativeCells(inp, view).sort((a, b) => Math.abs(a.right) + Math.abs(a.forward) - (Math.abs(b.right) + Math.abs(b.forward)) || b.forward - a.forward || a.right - b.right);
  for (const c of cells) {
    const name = c.type === "wall" ? "wall" : objectPhrase(c);
    let g = groups.get(name);
    if (!g) groups.set(name, (g = []));
    g.push(`(${c.right}, ${c.forward})`);
  }
  const names = [...groups.keys()].sort((a, b) => (a === "wall" ? 1 : b === "wall" ? -1 : 0));
  for (const n of names) lines.push(`- ${n}: ${groups.get(n)!.join(" ")}`);
  return lines.join("\n");
}
