/**
 * `gridtune finetune` — the fine-tuning pipeline (src/pipeline/finetune.ts), with the original tool's
 * flags and defaults plus gridtune's; `--config FILE` runs a YAML batch in the original schema.
 */
import type { Command } from "commander";
import { ENCODING_TYPES, HINT_TYPES, VIEW_TYPES } from "../../agent/actions.js";
import { AUTO_LEVELS, DEFAULTS, METRIC_NAMES, OPTIMIZER_NAMES, parseBudget, type FinetuneConfig } from "../../pipeline/config.js";
import { UserError } from "../../util/errors.js";
import { EXIT_CODES, RunFailedError } from "../../pipeline/outcome.js";
import { choiceFlag, intFlag, interruptSignal, progressBars } from "./pipeline-shared.js";
import { addLMOptions, runtimeFromFlags, type LMFlags } from "../lm-options.js";

/** The flags: every config field but the dataset and budget (strings here), plus the CLI's own. */
type Opts = Partial<Omit<FinetuneConfig, "datasetPath" | "budget" | "name">> & {
  datasetPath?: string;
  config?: string;
  budget?: string;
  progress: boolean;
  json?: boolean;
} & LMFlags;

/** The flags that set a config field of the same name. */
const CONFIG_FLAGS: readonly (keyof Opts & keyof FinetuneConfig)[] = [
  ...(Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]).filter((k): k is Exclude<keyof typeof DEFAULTS, "budget" | "name"> => k !== "budget"),
  "studentBaseUrl",
  "numTrials",
  "numCandidates",
  "maxEval",
  "reflectionModel",
  "history",
];

export function register(program: Command): void {
  const command = program
    .command("finetune")
    .description("optimize the MinigridAgent with a teacher LLM (MIPROv2), distil it into a student, evaluate and save it")
    .option("--dataset-path <dir>", "dataset directory written by `gridtune collect` (required unless --config gives it)")
    .option("--teacher-model <id>", "teacher (task and prompt model)", DEFAULTS.teacherModel)
    .option("--student-model <id>", "student model to fine-tune", DEFAULTS.studentModel)
    .option("--teacher-groq", "bare teacher id on Groq (default)")
    .option("--no-teacher-groq", "bare teacher id on a local Ollama")
    .option("--student-groq", "bare student id on Groq (default: local Ollama)")
    .option("--no-student-groq", "bare student id on a local Ollama (default)")
    .option("--student-base-url <url>", "the student's server, for an openai-compatible/<model> student (e.g. one that can fine-tune)")
    .option("--assessor-model <id>", "assessor of the AI-feedback metric", DEFAULTS.assessorModel)
    .option("--assessor-groq", "bare assessor id on Groq (default)")
    .option("--no-assessor-groq", "bare assessor id on a local Ollama")
    .option("--hint-type <type>", `what the agent predicts: ${HINT_TYPES.join(" | ")}`, choiceFlag("--hint-type", HINT_TYPES), DEFAULTS.hintType)
    .option("--encoding-type <type>", `text encoding: ${ENCODING_TYPES.join(" | ")}`, choiceFlag("--encoding-type", ENCODING_TYPES), DEFAULTS.encodingType)
    .option("--view <view>", "what the encoding shows: agent (the 7×7 view) | full (the whole grid)", choiceFlag("--view", VIEW_TYPES), DEFAULTS.view)
    .option("--history <k>", "the agent's memory: it also sees its last k steps (0: single-step, the default)", intFlag("--history", 0))
    .option("--samples-per-category <n>", "steps sampled per category (action, or subgoal verb)", intFlag("--samples-per-category", 1), DEFAULTS.samplesPerCategory)
    .option("--max-bootstrapped-demos <n>", "bootstrapped demos per predictor", intFlag("--max-bootstrapped-demos", 0), DEFAULTS.maxBootstrappedDemos)
    .option("--max-labeled-demos <n>", "labeled demos per predictor", intFlag("--max-labeled-demos", 0), DEFAULTS.maxLabeledDemos)
    .option("--minibatch-size <n>", "MIPROv2 minibatch size", intFlag("--minibatch-size", 1), DEFAULTS.minibatchSize)
    .option("--output-dir <dir>", "where the model and its _info.json go", DEFAULTS.outputDir)
    .option("--config <file>", "run a YAML batch (the original llm_optimization_config.yaml schema)")
    .option("--optimizer <name>", "step 1's optimizer: miprov2 | gepa (reflective, on the grid's feedback)", choiceFlag("--optimizer", OPTIMIZER_NAMES), DEFAULTS.optimizer)
    .option("--reflection-model <id>", "GEPA's reflection model (default: the teacher)")
    .option("--auto <level>", "MIPROv2 / GEPA preset: light | medium | heavy", choiceFlag("--auto", AUTO_LEVELS), DEFAULTS.auto)
    .option("--num-trials <n>", "MIPROv2 trials (instead of the --auto preset)", intFlag("--num-trials", 1))
    .option("--num-candidates <n>", "MIPROv2 instruction/demo candidates (instead of the --auto preset)", intFlag("--num-candidates", 1))
    .option("--seed <n>", "seed of sampling, splits and the optimizer", intFlag("--seed", 0), DEFAULTS.seed)
    .option("--metric <name>", "exact | optimal | ai-feedback", choiceFlag("--metric", METRIC_NAMES), DEFAULTS.metric)
    .option("--concurrency <n>", "examples in flight at once", intFlag("--concurrency", 1), DEFAULTS.concurrency)
    .option("--budget <spec>", "stop optimizing after N LM calls (300) or dollars ($2); both: calls=300,usd=2")
    .option("--max-eval <n>", "evaluate at most n held-out examples", intFlag("--max-eval", 1))
    .option("--dry-run", "count the LM calls and cost per role; call nothing, write nothing")
    .option("--resume", "continue the interrupted optimization of a run with the same settings")
    .option("--finetune-weights", "fine-tune the student's weights (BootstrapFinetune) when its provider can")
    .option("--no-progress", "no progress bars")
    .option("--json", "print the run record (or batch summary) as JSON at the end")
    .addHelpText(
      "after",
      "\nModel ids: groq/…, openai/…, ollama/…, openai-compatible/… (with a base URL), llamacpp/<file.gguf>; a bare id follows --<role>-groq.\n" +
        "Keys come from GROQ_API_KEY / OPENAI_API_KEY (environment or .env) and are checked before any LM call;\n" +
        "every role's model is checked where it is served (preflight) before any work unless --no-preflight.",
    );
  addLMOptions(command).action(async (opts: Opts, cmd: Command) => {
      const fromCli = (k: string) => cmd.getOptionValueSource(k) === "cli";
      const budget = opts.budget !== undefined ? parseBudget(opts.budget) : undefined;
      const { finetune } = await import("../../pipeline/finetune.js");
      const runtime = runtimeFromFlags(opts);
      const lmHooks = { runtime, preflight: opts.preflight !== false };
      const progress = progressBars(opts.progress !== false);
      const interrupt = interruptSignal(() => {
        progress.finish();
        process.stderr.write("\nstopping… (the optimization checkpoint is kept; rerun with --resume to continue)\n");
      });
      try {
        if (opts.config) {
          const overrides: Partial<FinetuneConfig> = {};
          for (const k of CONFIG_FLAGS) if (fromCli(k)) (overrides as Record<string, unknown>)[k] = opts[k];
          if (opts.datasetPath) overrides.datasetPath = opts.datasetPath;
          if (budget) overrides.budget = budget;
          const { runBatch } = await import("../../pipeline/batch.js");
          const r = await runBatch(opts.config, overrides, { signal: interrupt.signal, progress, ...lmHooks });
          if (opts.json) console.log(JSON.stringify(r));
          process.exitCode = r.exitCode;
          return;
        }
        if (!opts.datasetPath) throw new UserError("--dataset-path is required (or --config FILE with fine_tuning.dataset_path)");
        const config: Partial<FinetuneConfig> = { datasetPath: opts.datasetPath, ...(budget ? { budget } : {}) };
        for (const k of CONFIG_FLAGS) if (opts[k] !== undefined) (config as Record<string, unknown>)[k] = opts[k];
        config.teacherGroq = opts.teacherGroq ?? true;
        config.studentGroq = opts.studentGroq ?? false;
        config.assessorGroq = opts.assessorGroq ?? true;
        // The story's last line says how the run ended; the exit code says the same (EXIT_CODES).
        const info = await finetune(config, { signal: interrupt.signal, progress, ...lmHooks });
        if (opts.json) console.log(JSON.stringify(info));
        if (!opts.dryRun) process.exitCode = EXIT_CODES[info.status];
      } catch (e) {
        if (!(e instanceof RunFailedError)) throw e;
        process.exitCode = e.exitCode; // already reported as the story's last line
      } finally {
        progress.finish();
        interrupt.dispose();
        await runtime.dispose();
      }
    });
}
