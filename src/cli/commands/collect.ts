/**
 * `gridtune collect` — run the expert and write a dataset directory (src/dataset/collect.ts), and
 * `gridtune dataset <dir>` — check a dataset and print its counts (and a stratified sample's).
 */
import type { Command } from "commander";
import { collect, defaultDatasetName } from "../../dataset/collect.js";
import { parseSeeds, presetName, resolveEnvs } from "../../dataset/presets.js";
import { loadDemonstrations, type Demonstrations } from "../../dataset/sample.js";
import { ACTION_NAMES } from "../../minigrid/constants.js";
import { ProgressBar } from "../../util/progress.js";
import { envOptionsFromEnvironment, outputWriteError, parseNonNegativeInt } from "../options.js";
import { UserError } from "../../util/errors.js";
import { interruptSignal, progressBars } from "./pipeline-shared.js";

function positive(flag: string) {
  const p = parseNonNegativeInt(flag);
  return (v: string): number => {
    const n = p(v);
    if (n < 1) throw new UserError(`${flag} must be at least 1, got '${v}'`);
    return n;
  };
}

/** The dataset's steps per category (the expert's action, by index and name), and the sample's when one was drawn. */
function categoryLines(d: Demonstrations): string[] {
  const sampled = new Map<number, number>();
  for (const s of [...d.train, ...d.validation, ...d.test]) sampled.set(s.action, (sampled.get(s.action) ?? 0) + 1);
  const all = Object.entries(d.index.categories).map(([k, n]) => [Number(k), n] as const).sort((a, b) => a[0] - b[0]);
  const drawn = d.train.length + d.validation.length + d.test.length < d.index.count;
  const width = Math.max(...all.map(([, n]) => String(n).length));
  return [
    `Loaded ${d.index.count} demonstrations (${d.index.episodes.length} episodes)`,
    `Steps per category (the expert's action)${drawn ? ", sampled / available" : ""}:`,
    ...all.map(([a, n]) => `  ${`${a} ${ACTION_NAMES[a] ?? "?"}`.padEnd(10)} ${drawn ? `${String(sampled.get(a) ?? 0).padStart(width)} / ` : ""}${String(n).padStart(width)}`),
  ];
}

export function register(program: Command): void {
  program
    .command("collect")
    .description("collect expert demonstrations (env × seed × episode) into a dataset directory")
    .requiredOption("--envs <ids|preset>", "env ids (MiniGrid and BabyAI) separated by commas, or a preset: 9env (nine MiniGrid ids), balrog-babyai (BALROG's five BabyAI tasks, one id each: BabyAI-MixedTrainLocal-v0/goto, /pickup, /open, /putnext, /pick_up_seq_go_to)")
    .option("--seeds <range>", "seeds: a range 0-4, a list 0,3,5, or both", "0-4")
    .option("--episodes <n>", "episodes per env and seed (episode 0: reset(seed), later ones: reset())", positive("--episodes"), 5)
    .option("--max-steps <n>", "override each env's max_steps", positive("--max-steps"))
    .option("--out <dir>", "output directory (default: dataset_<envs>_<n>seed_<e>episodes_v2_MMDD_HHMM)")
    .option("--quiet", "no progress bar")
    .action(async (opts: { envs: string; seeds: string; episodes: number; maxSteps?: number; out?: string; quiet?: boolean }) => {
      const envIds = resolveEnvs(opts.envs);
      const seeds = parseSeeds(opts.seeds);
      const out = opts.out ?? defaultDatasetName(presetName(opts.envs), seeds.length, opts.episodes);
      const bar = new ProgressBar("collect", envIds.length * seeds.length * opts.episodes, process.stderr, !opts.quiet);
      const interrupt = interruptSignal(() => {
        if (process.stderr.isTTY && !opts.quiet) process.stderr.write("\n"); // end the bar's line
      });
      try {
        const r = await collect(
          { envIds, seeds, episodes: opts.episodes, maxSteps: opts.maxSteps ?? null, ...envOptionsFromEnvironment(), out, envsSpec: opts.envs, seedsSpec: opts.seeds },
          { signal: interrupt.signal, progress: bar.callback() },
        );
        bar.finish();
        const c = r.manifest.counts;
        console.log(`wrote ${r.dir}: ${c.episodes} episodes (${c.successes} successful), ${c.steps} steps in ${r.seconds.toFixed(2)} s`);
      } catch (e) {
        if (e === interrupt.signal.reason && e instanceof UserError) {
          throw new UserError(`collection ${e.message}; nothing was written to ${out}`, e.exitCode);
        }
        throw outputWriteError(opts.out !== undefined ? "--out" : "the default --out", out, e);
      } finally {
        interrupt.dispose();
      }
    });

  program
    .command("dataset <dir>")
    .description("check a dataset directory and print its counts; with --samples, a stratified sample and its splits")
    .option("--samples <n>", "samples per category", positive("--samples"))
    .option("--seed <n>", "sampling and split seed", parseNonNegativeInt("--seed"), 0)
    .action(async (dir: string, opts: { samples?: number; seed: number }) => {
      const progress = progressBars(Boolean(process.stderr.isTTY));
      const interrupt = interruptSignal(() => progress.finish());
      let d;
      try {
        d = await loadDemonstrations(dir, { samplesPerCategory: opts.samples, seed: opts.seed, signal: interrupt.signal, progress });
      } finally {
        progress.finish();
        interrupt.dispose();
      }
      for (const l of categoryLines(d)) console.log(l);
      console.log(`Splits by episode: train ${d.train.length}, validation ${d.validation.length}, test ${d.test.length} steps`);
    });
}
