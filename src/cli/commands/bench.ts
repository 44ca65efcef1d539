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
  bench
    .command("collect")
    .description("time `collect` on the 9env preset, 5 seeds × 5 episodes (expert + env + writing)")
    .option("--runs <n>", "repetitions (the first, cold one is reported as seconds)", parsePositiveNumber("--runs"), 3)
    .option("--json", "print JSON (the default; kept for scripts)")
    .action(async (opts: { runs: number }) => {
      const { benchCollect } = await import("../../../bench/collect-bench.js"); // loaded only for this command
      console.log(JSON.stringify(benchCollect(Math.round(opts.runs))));
    });
  bench
    .command("lm")
    .description("calls/s and added latency of the LM layer over a local server with a fixed delay")
    .option("--delay-ms <ms>", "the server's delay per reply", parsePositiveNumber("--delay-ms"), 50)
    .option("--calls <n>", "calls per measurement at concurrency 1", parsePositiveNumber("--calls"), 100)
    .option("--concurrency <list>", "concurrency levels, comma-separated", "1,16")
    .option("--limit <n>", "the limiter's concurrency", parsePositiveNumber("--limit"), 16)
    .option("--json", "print JSON (the default; kept for scripts)")
    .action(async (opts: { delayMs: number; calls: number; concurrency: string; limit: number }) => {
      const levels = opts.concurrency.split(",").map((s) => parsePositiveNumber("--concurrency")(s.trim()));
      const { benchLM } = await import("../../../bench/lm-bench.js"); // loaded only for this command
      console.log(JSON.stringify(await benchLM({ delayMs: opts.delayMs, calls: Math.round(opts.calls), concurrency: levels.map(Math.round), limit: Math.round(opts.limit) })));
    });
  bench
    .command("pipeline")
    .description("the fine-tuning pipeline's overhead: a light `finetune` run against a local server with a fixed delay")
    .option("--delay-ms <ms>", "the server's delay per reply", parsePositiveNumber("--delay-ms"), 250)
    .option("--concurrency <n>", "examples in flight", parsePositiveNumber("--concurrency"), 4)
    .option("--samples-per-category <n>", "steps sampled per category", parsePositiveNumber("--samples-per-category"), 12)
    .option("--json", "print JSON (the default; kept for scripts)")
    .action(async (opts: { delayMs: number; concurrency: number; samplesPerCategory: number }) => {
      const { benchPipeline } = await import("../../../bench/pipeline-bench.js"); // loaded only for this command
      console.log(JSON.stringify(await benchPipeline({ delayMs: opts.delayMs, concurrency: Math.round(opts.concurrency), samplesPerCategory: Math.round(opts.samplesPerCategory) })));
    });
  bench
    .command("pacing")
    .description("pacing against a test server enforcing Groq's 30 requests and 6,000 tokens a minute (its headers and 429s): wall time over the least the limits allow, and the share of 429s")
    .option("--minute-ms <ms>", "the length of a minute for server and client (shrinks the run; ratios stay)", parsePositiveNumber("--minute-ms"), 6000)
    .option("--minutes <n>", "minutes of work each workload needs at least", parsePositiveNumber("--minutes"), 2)
    .option("--concurrency <n>", "requests in flight", parsePositiveNumber("--concurrency"), 4)
    .option("--json", "print JSON (the default; kept for scripts)")
    .action(async (opts: { minuteMs: number; minutes: number; concurrency: number }) => {
      const { benchPacing } = await import("../../../bench/pacing-bench.js"); // loaded only for this command
      const r = await benchPacing({ minuteMs: Math.round(opts.minuteMs), minutes: Math.round(opts.minutes), concurrency: Math.round(opts.concurrency) });
      console.log(JSON.stringify(r));
      if (!r.ok) process.exitCode = 1;
    });
}
