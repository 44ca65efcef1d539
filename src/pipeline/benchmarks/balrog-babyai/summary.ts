/**
 * BALROG's summary (balrog/utils.py, `collect_and_summarize_results` and `print_summary_table`):
 * per task and for the environment, the mean progression in percent and its standard error — the
 * population standard deviation (divided by N) over √N, 0 for a single episode; overall, the mean
 * of the environments' progressions and √(Σ se²) / #envs (here one environment, babyai, so the
 * overall figures are the environment's). Episodes whose player failed are left out, as BALROG's
 * workers leave out an episode that raised.
 */
import type { BalrogEpisode } from "./run.js";

/** One task's (or the environment's) figures, in percent. */
export interface BalrogTaskSummary {
  progression_percentage: number;
  standard_error: number;
  episodes_played: number;
}

/** BALROG's `babyai_summary.json` plus the overall line and the episodes that failed. */
export interface BalrogSummary {
  average_progress: number;
  standard_error: number;
  environments: { babyai: BalrogTaskSummary };
  tasks: Record<string, BalrogTaskSummary>;
  average_steps: number;
  input_tokens: number;
  output_tokens: number;
  /** Episodes left out because the player failed. */
  failed_episodes: number;
}

function meanAndSe(xs: readonly number[]): { mean: number; se: number } {
  const n = xs.length;
  if (n === 0) return { mean: 0, se: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, se: 0 };
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / n);
  return { mean, se: sd / Math.sqrt(n) };
}

/** BALROG's summary of one agent's episodes (see the file comment). */
export function summarizeBalrog(episodes: readonly BalrogEpisode[]): BalrogSummary {
  const played = episodes.filter((e) => e.error === undefined);
  const env = meanAndSe(played.map((e) => e.progression));
  const tasks: Record<string, BalrogTaskSummary> = {};
  const byTask = new Map<string, number[]>();
  for (const e of played) {
    let l = byTask.get(e.task);
    if (!l) byTask.set(e.task, (l = []));
    l.push(e.progression);
  }
  for (const [task, xs] of byTask) {
    const s = meanAndSe(xs);
    tasks[task] = { progression_percentage: 100 * s.mean, standard_error: 100 * s.se, episodes_played: xs.length };
  }
  const babyai = { progression_percentage: 100 * env.mean, standard_error: 100 * env.se, episodes_played: played.length };
  return {
    average_progress: babyai.progression_percentage,
    // √(Σ se²) / #envs over the one environment.
    standard_error: Math.sqrt(babyai.standard_error ** 2) / 1,
    environments: { babyai },
    tasks,
    average_steps: played.length ? played.reduce((a, e) => a + e.num_steps, 0) / played.length : 0,
    input_tokens: played.reduce((a, e) => a + e.input_tokens, 0),
    output_tokens: played.reduce((a, e) => a + e.output_tokens, 0),
    failed_episodes: episodes.length - played.length,
  };
}

const pct = (x: number) => `${x.toFixed(2)}%`;

/**
 * BALROG's printed table for one agent (`print_summary_table`, line for line), followed by the
 * per-task lines of its `babyai_summary.json` in the same form.
 */
export function balrogSummaryLines(summary: BalrogSummary): string[] {
  const env = summary.environments.babyai;
  const lines = [
    "",
    "Summary of Results:",
    `Overall Average Progression: ${pct(summary.average_progress)} ± ${pct(summary.standard_error)}`,
    "Per-Environment Results:",
    `  babyai: ${pct(env.progression_percentage)} ± ${pct(env.standard_error)}, Episodes: ${env.episodes_played}`,
    "Per-Task Results (babyai):",
  ];
  for (const [task, t] of Object.entries(summary.tasks)) lines.push(`  ${task}: ${pct(t.progression_percentage)} ± ${pct(t.standard_error)}, Episodes: ${t.episodes_played}`);
  return lines;
}

/** Rows (tasks, then overall) × columns (agents): "progression ± se" in BALROG's number format. */
export function balrogComparisonRows(runs: readonly { name: string; summary: BalrogSummary }[]): { header: string[]; rows: string[][] } {
  const tasks = [...new Set(runs.flatMap((r) => Object.keys(r.summary.tasks)))];
  const cell = (t: { progression_percentage: number; standard_error: number } | undefined) => (t ? `${pct(t.progression_percentage)} ± ${pct(t.standard_error)}` : "-");
  const rows = tasks.map((task) => [task.split("/")[1] ?? task, ...runs.map((r) => cell(r.summary.tasks[task]))]);
  rows.push(["overall", ...runs.map((r) => cell({ progression_percentage: r.summary.average_progress, standard_error: r.summary.standard_error }))]);
  return { header: ["task", ...runs.map((r) => r.name)], rows };
}
