/**
 * Test support for the pipeline (not part of the library's exports): a tiny collected dataset, and
 * replies for the LLM test server that answer any DSPy ChatAdapter prompt in its own format —
 * the agent's `primitive_action`, the assessor's `makes_sense`, the proposer's instructions.
 */
import { createHash } from "node:crypto";
import { collectDataset } from "../dataset/collect.js";
import type { TestChatRequest } from "../testing/llm-test-server.js";
import { ACTION_PHRASES } from "../minigrid/constants.js";

/** Collects a small dataset (Empty-5x5 and GoToObj by default) into `dir`. */
export function collectTinyDataset(dir: string, opts: { envs?: string[]; seeds?: number[]; episodes?: number } = {}): string {
  collectDataset({ envIds: opts.envs ?? ["MiniGrid-Empty-5x5-v0", "BabyAI-GoToObj-v0"], seeds: opts.seeds ?? [0, 1, 2], episodes: opts.episodes ?? 2, out: dir });
  return dir;
}

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

import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The built CLI (dist/src/cli/main.js). */
export const CLI = fileURLToPath(new URL("../cli/main.js", import.meta.url));

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `gridtune …` in a child process (asynchronously, so an in-process test server keeps answering). */
export function runCli(args: string[], env: NodeJS.ProcessEnv, opts: { onStart?: (child: ChildProcess) => void; cwd?: string; input?: string } = {}): Promise<CliRun> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, cwd: opts.cwd, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  if (opts.input !== undefined) child.stdin!.end(opts.input);
  else child.stdin!.end();
  opts.onStart?.(child);
  return new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 })));
}
