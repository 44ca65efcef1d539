/**
 * `gridtune evaluate --model-path FILE` — a saved agent, offline on a dataset (`--dataset-path`: the
 * pipeline's metric and report, on the run's held-out test split unless `--all-steps`) or in closed loop (`--env ID --episodes N`: success rate, steps
 * against the expert's optimum, return).
 */
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { writeJsonExclusive } from "../../util/atomic-write.js";
import { addLMOptions, runtimeFromFlags, type LMFlags } from "../lm-options.js";
import { UserError } from "../../util/errors.js";
import { envOptionsFromEnvironment } from "../options.js";
import { DEFAULT_ASSESSOR, METRIC_NAMES, type MetricName } from "../../pipeline/config.js";
import { choiceFlag, intFlag, interruptSignal, progressBars } from "./pipeline-shared.js";
import { temperatureFlag } from "./evaluate-benchmark.js";

interface Opts extends LMFlags {
  modelPath?: string;
  benchmark?: string;
  model?: string[];
  bot?: boolean;
  tasks?: string;
  history?: number;
  temperature?: number;
  maxTokens?: number;
  datasetPath?: string;
  env?: string;
  episodes: number;
  seed: number;
  metric: MetricName;
  assessorModel: string;
  assessorGroq?: boolean;
  studentModel?: string;
  studentGroq?: boolean;
  allSteps?: boolean;
  samplesPerCategory?: number;
  maxEval?: number;
  maxSteps?: number;
  concurrency: number;
  out?: string;
  json?: boolean;
  progress: boolean;
}

export function register(program: Command): void {
  const command = program
    .command("evaluate")
    .description("evaluate a saved agent: offline on a dataset, or acting in an env (closed loop)")
    .option("--model-path <file>", "the agent's .json (from gridtune finetune); required unless --benchmark")
    .option("--dataset-path <dir>", "offline: accuracy on this dataset's steps, with the metric")
    .option("--env <id>", "closed loop: the env the agent acts in")
    .option("--episodes <n>", "closed loop: episodes (seeds seed, seed+1, …)", intFlag("--episodes", 1), 10)
    .option("--seed <n>", "first seed (closed loop) / sampling seed (offline)", intFlag("--seed", 0), 0)
    .option("--metric <name>", "exact | optimal | ai-feedback (offline)", choiceFlag("--metric", METRIC_NAMES), "ai-feedback")
    .option("--assessor-model <id>", "assessor of the AI-feedback metric", DEFAULT_ASSESSOR)
    .option("--assessor-groq", "bare assessor id on Groq (default)")
    .option("--no-assessor-groq", "bare assessor id on a local Ollama")
    .option("--student-model <id>", "run the agent on this model instead of the one it was saved with")
    .option("--student-groq", "bare student id on Groq")
    .option("--all-steps", "offline: score every step of the dataset (default: the run's held-out test split, named by the model's _info.json)")
    .option("--samples-per-category <n>", "offline: steps drawn per category from every step (implies --all-steps)", intFlag("--samples-per-category", 1))
    .option("--max-eval <n>", "offline: at most n examples", intFlag("--max-eval", 1))
    .option("--max-steps <n>", "closed loop: step cap per episode", intFlag("--max-steps", 1))
    .option("--concurrency <n>", "examples in flight at once (offline)", intFlag("--concurrency", 1), 4)
    .option("--out <file>", "also write the full results as JSON")
    .option("--json", "print the results as JSON")
    .option("--no-progress", "no progress bars")
    .option("--history <k>", "the agent's memory: past steps it sees (default: as saved)", intFlag("--history", 0))
    .option("--benchmark <name>", "run a benchmark protocol instead: balrog-babyai (BALROG's BabyAI track)")
    .option("--model <id>", "benchmark: an LM as BALROG's naive agent (repeat to compare)", (v: string, acc: string[] = []) => [...acc, v])
    .option("--bot", "benchmark: add the BabyAI bot (the harness's sanity check)")
    .option("--tasks <list>", "benchmark: comma-separated tasks (goto,pickup,open,putnext,pick_up_seq_go_to; default all)")
    .option("--temperature <t>", "benchmark: the naive agent's sampling temperature (BALROG: 1.0)", temperatureFlag)
    .option("--max-tokens <n>", "benchmark: the naive agent's reply cap (BALROG: 8192)", intFlag("--max-tokens", 1));
  addLMOptions(command).action(async (opts: Opts) => {
      if (opts.benchmark !== undefined) {
        const { runBenchmarkCommand } = await import("./evaluate-benchmark.js");
        return runBenchmarkCommand({ ...opts, benchmark: opts.benchmark });
      }
      if (opts.modelPath === undefined) throw new UserError("evaluate: --model-path FILE is required (or --benchmark NAME)");
      const { evaluate } = await import("../../pipeline/evaluate-model.js");
      const runtime = runtimeFromFlags(opts);
      const { evaluationLines, usageTable, table } = await import("../../pipeline/report.js");
      const progress = progressBars(opts.progress !== false);
      const interrupt = interruptSignal(() => progress.finish());
      const { EXIT_CODES, failureTable, outcomeLine, RunFailedError } = await import("../../pipeline/outcome.js");
      try {
        // A run never replaces a file: refuse before any LM call (and create it exclusively at the end).
        if (opts.out && existsSync(opts.out)) throw new UserError(`--out ${opts.out}: the file exists; gridtune never replaces a file — pick another name or remove it`);
        const r = await evaluate(
          {
            modelPath: opts.modelPath!,
            ...(opts.history !== undefined ? { history: opts.history } : {}),
            ...(opts.datasetPath !== undefined ? { datasetPath: opts.datasetPath } : {}),
            ...(opts.env !== undefined ? { envId: opts.env, ...envOptionsFromEnvironment() } : {}),
            episodes: opts.episodes,
            seed: opts.seed,
            metric: opts.metric,
            assessorModel: opts.assessorModel,
            ...(opts.assessorGroq !== undefined ? { assessorGroq: opts.assessorGroq } : {}),
            ...(opts.studentModel !== undefined ? { studentModel: opts.studentModel } : {}),
            ...(opts.studentGroq !== undefined ? { studentGroq: opts.studentGroq } : {}),
            ...(opts.allSteps ? { allSteps: true } : {}),
            ...(opts.samplesPerCategory !== undefined ? { samplesPerCategory: opts.samplesPerCategory } : {}),
            ...(opts.maxEval !== undefined ? { maxEval: opts.maxEval } : {}),
            ...(opts.maxSteps !== undefined ? { maxSteps: opts.maxSteps } : {}),
            concurrency: opts.concurrency,
            runtime,
            preflight: opts.preflight !== false,
          },
          { signal: interrupt.signal, progress, log: opts.json ? () => {} : (l) => console.log(l) },
        );
        progress.finish();
        if (opts.out) writeJsonExclusive(opts.out, r);
        process.exitCode = EXIT_CODES[r.status];
        if (opts.json) {
          console.log(JSON.stringify(r));
          return;
        }
        if (r.offline) {
          const hint = r.offline.examples.some((e) => e.ground_truth_action < 0) ? "subgoal" : "action";
          for (const l of evaluationLines(r.offline, hint)) console.log(l);
        }
        if (r.closed_loop) {
          const c = r.closed_loop;
          console.log(`📈 Success rate: ${c.success_rate.toFixed(3)} (${c.episodes.filter((e) => e.success).length}/${c.episodes.length})`);
          console.log(`  👣 Mean steps: ${c.mean_steps.toFixed(1)} (expert optimum ${c.mean_expert_steps?.toFixed(1) ?? "n/a"}; steps/optimum on successes ${c.step_ratio?.toFixed(2) ?? "n/a"})`);
          console.log(`  💰 Mean return: ${c.mean_return.toFixed(3)}   invalid answers: ${c.invalid_actions}`);
          console.log(table(["seed", "success", "steps", "expert", "return", "invalid"], c.episodes.map((e) => [e.seed, e.success ? "yes" : "no", e.steps, e.expert_steps ?? "-", e.return.toFixed(3), e.invalid])));
        }
        console.log("\n💰 LM usage:");
        console.log(usageTable(r.usage_snapshot));
        const failed = r.failures.filter((f) => f.failed > 0);
        if (failed.length) console.log("\n🧾 Failed calls after retries, per role:\n" + failureTable(failed));
        console.log("\n" + outcomeLine(r.status, r.outcome_message || "evaluation completed"));
      } catch (e) {
        if (!(e instanceof RunFailedError)) throw e;
        progress.finish();
        if (e.failures.some((f) => f.failed > 0)) console.log("\n🧾 Failed calls after retries, per role:\n" + failureTable(e.failures.filter((f) => f.failed > 0)));
        console.log("\n" + outcomeLine("failed", e.message));
        process.exitCode = e.exitCode;
      } finally {
        progress.finish();
        interrupt.dispose();
        await runtime.dispose();
      }
    });
}

