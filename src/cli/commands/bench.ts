/** `gridtune bench <what>` — benchmarks that print JSON (the code lives in bench/). */
import type { Command } from "commander";
import { benchEnv } from "../../../bench/env-bench.js";
import { makeEnv } from "../../minigrid/registry.js";
import { parsePositiveNumber } from "../options.js";

export function register(program: Command): void {
  const bench = program.command("bench").description("run a benchmark and print JSON");
  bench
    .command("env")
    .description("steps/s and resets/s of an env under random actions, on one core")
    .option("--env <id>", "env id", "MiniGrid-DoorKey-8x8-v0")
    .option("--seconds <s>", "how long to measure", parsePositiveNumber("--seconds"), 4)
    .option("--json", "print JSON (the default; kept for scripts)")
    .action((opts: { env: string; seconds: number }) => {
      makeEnv(opts.env); // fail fast on an unknown id, before the timer starts
      console.log(JSON.stringify(benchEnv(opts.env, opts.seconds)));
    });
}
