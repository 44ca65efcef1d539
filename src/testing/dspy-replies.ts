/**
 * Replies for the LLM test server (./llm-test-server.ts) that answer any DSPy ChatAdapter prompt in its
 * own format — the agent's `primitive_action`, the assessor's `makes_sense`, the proposer's
 * instructions. Used by the pipeline's tests and by `gridtune bench pipeline` (so it ships, like the
 * server).
 */
import { createHash } from "node:crypto";
import type { TestChatRequest } from "./llm-test-server.js";
import { ACTION_PHRASES } from "../minigrid/constants.js";

function h(text: string): number {
  return createHash("sha256").update(text).digest().readUInt32BE(0);
}

/** The output fields a ChatAdapter system message asks for: `[name, type]`. */
export function outputFields(system: string): [string, string][] {
  const section = system.split("Your output fields are:")[1]?.split("All interactions will be structured")[0] ?? "";
  const out: [string, string][] = [];
  for (const line of section.split("\n")) {
    const m = /^\d+\. `(\w+)` \((.*)\):/.exec(line.trim());
    if (m) out.push([m[1]!, m[2]!]);
  }
  return out;
}

/**
 * A deterministic ChatAdapter-format reply to any DSPy prompt (a function of the request text only):
 * actions drawn from the observation's hash (biased to `move forward`), `makes_sense` true half the time.
 */
export function dspyReply(req: TestChatRequest): string {
  const system = req.messages.find((m) => m.role === "system")?.content ?? "";
  const user = [...req.messages].reverse().find((m) => m.role === "user")?.content ?? "";
  const fields = outputFields(system);
  if (fields.length === 0) return "test reply";
  const k = h(user + "|" + (req.temperature ?? "") + "|" + req.model);
  const value = (name: string, type: string): string => {
    if (name === "primitive_action") return k % 3 === 0 ? "move forward" : ACTION_PHRASES[k % 7]!;
    if (name === "subgoal") return ["go to the green goal", "pick up the red key", "open the blue door"][k % 3]!;
    if (name === "reasoning") return "The mission names the target; I look at the grid and pick the step that gets closer to it.";
    if (type === "bool") return k % 2 === 0 ? "True" : "False";
    if (type === "int") return String(k % 7);
    if (type === "float") return "0.5";
    const lit = /^Literal\[(.*)\]$/.exec(type);
    if (lit) return lit[1]!.split(",")[0]!.trim().replace(/^'|'$/g, "");
    if (name === "proposed_instruction") return `Study the grid and the mission, then choose the single best next action (variant ${k % 97}).`;
    return `A short description (${name}).`;
  };
  return fields.map(([n, t]) => `[[ ## ${n} ## ]]\n${value(n, t)}`).join("\n\n") + "\n\n[[ ## completed ## ]]";
}
