/**
 * The console story of a fine-tuning run, as a listener: the steps emit typed events, and
 * {@link consoleStory} turns each into the original tool's lines (plus gridtune's closing tables and
 * the outcome line, which is always the last).
 */
import type { UsageSnapshot } from "../lm/index.js";
import type { EvaluationReport } from "./evaluate.js";
import { failureTable, outcomeLine } from "./outcome.js";
import { evaluationLines, usageTable } from "./report.js";
import type { DistillationSummary, OptimizationSummary, RoleFailures, RunStatus } from "./run-info.js";

/** What a run tells its listeners, in order. */
export type FinetuneEvent =
  | { kind: "header"; datasetPath: string; teacher: string; student: string; assessor: string; hint: string; encoding: string; view: string; metric: string; seed: number }
  /** A line from a layer below (the sampler, MIPROv2, BootstrapFewShot, an LM retry), shown as is. */
  | { kind: "line"; text: string }
  | { kind: "warning"; text: string }
  | { kind: "step"; step: 1 | 2 | 3 | 4 | 5; title: string }
  | { kind: "data"; sampled: number; examples: number; encoding: string; train: number; val: number; test: number }
  | { kind: "optimized"; summary: OptimizationSummary }
  | { kind: "distilled"; summary: DistillationSummary }
  | { kind: "evaluated"; report: EvaluationReport; hint: "action" | "subgoal" }
  | { kind: "saved"; program: string | null; info: string | null; error: string | null }
  | { kind: "usage"; snapshot: UsageSnapshot; legs: number }
  | { kind: "failures"; rows: RoleFailures[] }
  | { kind: "outcome"; status: RunStatus; message: string };

/** A listener of {@link FinetuneEvent}s. */
export type FinetuneListener = (event: FinetuneEvent) => void;

function fmtScore(s: number | null): string {
  return s === null ? "n/a" : `${s.toFixed(1)}%`;
}

/** The listener that prints the story through `log`, one line at a time. */
export function consoleStory(log: (line: string) => void): FinetuneListener {
  return (e) => {
    switch (e.kind) {
      case "header":
        log("🎯 Starting DSPy Agent Fine-tuning Pipeline");
        log("=".repeat(60));
        log(`📁 Dataset: ${e.datasetPath}`);
        log(`🧠 Teacher Model: ${e.teacher}`);
        log(`🎓 Student Model: ${e.student}`);
        log(`📊 Assessor Model: ${e.assessor}`);
        log(`🎯 Hint Type: ${e.hint} | 📝 Encoding: ${e.encoding} (${e.view} view) | 📏 Metric: ${e.metric} | 🎲 Seed: ${e.seed}`);
        log("=".repeat(60));
        return;
      case "line":
        log(e.text);
        return;
      case "warning":
        log(`⚠️ ${e.text}`);
        return;
      case "step":
        log(`\n${["", "🧠", "🎓", "🔥", "📊", "💾"][e.step]} Step ${e.step}: ${e.title}`);
        return;
      case "data":
        log(`✅ Sampled ${e.sampled} balanced samples`);
        log(`✅ Created ${e.examples} training examples (${e.encoding} encoding)`);
        log(`Training set: ${e.train} examples`);
        log(`Validation set: ${e.val} examples`);
        log(`Test set: ${e.test} examples (held out by episode)`);
        return;
      case "optimized": {
        const s = e.summary;
        const resumed = s.resumed_trials ? ` (resumed after ${s.resumed_trials} finished trials)` : "";
        log(`✅ Prompt optimization finished${resumed}: validation score ${fmtScore(s.baseline_score)} → ${fmtScore(s.best_score)}${s.stopped_by === "budget" ? " (stopped by the budget)" : ""}`);
        return;
      }
      case "distilled":
        if (e.summary.method === "bootstrap-few-shot") log(`✅ Distilled ${e.summary.demos} demo(s) into the student (bootstrapped from the optimized teacher's traces)`);
        return;
      case "evaluated":
        for (const line of evaluationLines(e.report, e.hint)) log(line);
        return;
      case "saved":
        if (e.program) log(`✅ Fine-tuned model saved to: ${e.program}`);
        else if (e.error) log(`❌ Failed to save model: ${e.error}`);
        if (e.info) log(e.program ? `📊 Training info saved to: ${e.info}` : `📊 Run record saved to: ${e.info}`);
        return;
      case "usage":
        log(`\n💰 LM usage${e.legs > 1 ? ` (all ${e.legs} legs of this run, resumed ones included)` : ""}:`);
        log(usageTable(e.snapshot));
        return;
      case "failures":
        log("\n🧾 Failed calls after retries, per role:");
        log(failureTable(e.rows));
        return;
      case "outcome":
        log("\n" + outcomeLine(e.status, e.message));
        return;
    }
  };
}
