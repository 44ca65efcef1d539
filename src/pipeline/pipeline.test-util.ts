/**
 * Test helpers for the pipeline (not shipped): a tiny collected dataset and the built CLI in a child
 * process. The LLM test server's DSPy replies are in src/testing/dspy-replies.ts (the bench uses them).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { collectDataset } from "../dataset/collect.js";

/** Collects a small dataset (Empty-5x5 and GoToObj by default) into `dir`. */
export function collectTinyDataset(dir: string, opts: { envs?: string[]; seeds?: number[]; episodes?: number } = {}): string {
  collectDataset({ envIds: opts.envs ?? ["MiniGrid-Empty-5x5-v0", "BabyAI-GoToObj-v0"], seeds: opts.seeds ?? [0, 1, 2], episodes: opts.episodes ?? 2, out: dir });
  return dir;
}

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
