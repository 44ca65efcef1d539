/**
 * Collection speed: the `9env` preset, 5 seeds × 5 episodes, into a temporary directory (removed
 * afterwards). Reports wall time (expert planning, env steps and JSONL writing together), counts,
 * and the expert's search statistics.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { collectDataset } from "../src/dataset/collect.js";
import { PRESETS } from "../src/dataset/presets.js";

export interface CollectBenchResult {
  preset: string;
  envs: number;
  seeds: number;
  episodes_per_seed: number;
  episodes: number;
  steps: number;
  successes: number;
  exact_episodes: number;
  seconds: number;
  steps_per_s: number;
  runs: number;
  seconds_all_runs: number[];
}

export function benchCollect(runs = 3, preset = "9env", seeds = 5, episodes = 5): CollectBenchResult {
  const envIds = [...(PRESETS[preset] ?? [])];
  const seedList = Array.from({ length: seeds }, (_, i) => i);
  const times: number[] = [];
  let last: ReturnType<typeof collectDataset> | null = null;
  for (let r = 0; r < runs; r++) {
    const dir = mkdtempSync(join(tmpdir(), "gridtune-collect-bench-"));
    try {
      const t0 = performance.now();
      last = collectDataset({ envIds, seeds: seedList, episodes, out: join(dir, "ds") });
      times.push((performance.now() - t0) / 1000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const c = last!.manifest.counts;
  const exact = Object.values(c.per_env).reduce((n, e) => n + e.exact_episodes, 0);
  // The first run includes JIT warm-up; it is the one a user sees.
  const first = times[0]!;
  return {
    preset,
    envs: envIds.length,
    seeds,
    episodes_per_seed: episodes,
    episodes: c.episodes,
    steps: c.steps,
    successes: c.successes,
    exact_episodes: exact,
    seconds: Math.round(first * 1000) / 1000,
    steps_per_s: Math.round(c.steps / first),
    runs,
    seconds_all_runs: times.map((t) => Math.round(t * 1000) / 1000),
  };
}
