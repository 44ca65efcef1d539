/**
 * `natural`: sentences in BabyAI-Text's style — what the agent carries, the nearest wall straight
 * ahead, to the left and to the right, then every other object with its offset:
 *
 *     Mission: use the key to open the door and then get to the goal
 *     You carry a yellow key
 *     You see a wall 3 steps forward
 *     You see a wall 2 steps left
 *     You see a locked yellow door 1 step right and 2 steps forward
 *
 * Offsets are counted from the agent, sideways part first ("1 step left and 2 steps forward"). The
 * full view describes the whole grid the same way, including what is behind the agent ("2 steps
 * backward") and the wall behind it.
 */
import { missionLine, type EncodingInput } from "./input.js";
import { objectPhrase, relativeCells, type RelCell } from "./relative-cells.js";

const steps = (n: number) => `${n} step${n > 1 ? "s" : ""}`;

function offset(c: RelCell): string {
  const parts: string[] = [];
  if (c.right > 0) parts.push(`${steps(c.right)} right`);
  if (c.right < 0) parts.push(`${steps(-c.right)} left`);
  if (c.forward > 0) parts.push(`${steps(c.forward)} forward`);
  if (c.forward < 0) parts.push(`${steps(-c.forward)} backward`);
  return parts.join(" and ");
}

export function encodeNatural(inp: EncodingInput, view: "agent" | "full"): string {
  const lines = [missionLine(inp)];
  if (inp.carrying) lines.push(`You carry a ${inp.carrying[1]} ${inp.carrying[0]}`);
  const cells = relativeCells(inp, view);
  const at = new Map<string, RelCell>();
  for (const c of cells) at.set(`${c.right},${c.forward}`, c);
  // The first thing straight ahead, left, right (and behind, in the full view): a wall is named here.
  const rays: [string, number, number][] = [
    ["forward", 0, 1],
    ["left", -1, 0],
    ["right", 1, 0],
  ];
  if (view === "full") rays.push(["backward", 0, -1]);
  const limit = Math.max(inp.viewSize, inp.width ?? 0, inp.height ?? 0);
  for (const [word, r, f] of rays) {
    for (let k = 1; k <= limit; k++) {
      const c = at.get(`${r * k},${f * k}`);
      if (!c) continue;
      if (c.type === "wall") lines.push(`You see a wall ${steps(k)} ${word}`);
      break;
    }
  }
  for (const c of cells) if (c.type !== "wall") lines.push(`You see ${objectPhrase(c)} ${offset(c)}`);
  return lines.join("\n");
}
