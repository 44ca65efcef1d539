/**
 * Collection: run the expert on env × seed × episode and write a dataset directory (record.ts).
 *
 * Episode protocol (Gymnasium's): for each env and seed, episode 0 starts with `reset({seed})` and
 * each later episode with `reset()` — the generator's stream continues — after the previous one ended.
 * Everything is written into a temporary sibling directory that is renamed into place at the end, so
 * an interrupted or failed collection leaves nothing half-written behind.
 *
 * One loop (`collectSteps`, a generator that yields after every step) serves both forms: the
 * synchronous `collectDataset` runs it to the end; the async `collect` runs it in ~20 ms slices and
 * checks its AbortSignal between steps, so a timer or Ctrl-C can cancel it.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { makeDirectory } from "../util/make-dir.js";
import { basename, dirname, join, resolve } from "node:path";
import type { MiniGridEnv } from "../minigrid/minigrid-env.js";
import { makeEnv } from "../minigrid/registry.js";
import { Expert, type ExpertOptions } from "../expert/expert.js";
import { TIE_BREAK } from "../expert/search.js";
import { BabyAIExpert, BotError, isBabyAI } from "../expert/babyai.js";
import type { ExpertDecision } from "../expert/model.js";
import { ACTION_NAMES } from "../minigrid/constants.js";
import { UserError } from "../util/errors.js";
import type { ProgressCallback } from "../util/progress.js";
import { BABYAI_NOTE, DATASET_FORMAT, EPISODES_FILE, MANIFEST_FILE, STEPS_FILE, type BabyAIStats, type SkippedEpisode, type EnvCounts, type EpisodeRecord, type Manifest } from "./record.js";
import { GRIDTUNE_VERSION, MINIGRID_VERSION } from "./versions.js";

/**
 * What to collect: env ids, seeds, episodes per (env, seed), an optional max-steps override, and the
 * output directory.
 */
export interface CollectOptions {
  envIds: string[];
  seeds: number[];
  /** Episodes per (env, seed). */
  episodes: number;
  /** Overrides each env's max_steps (as `gym.make(id, max_steps=N)`). */
  maxSteps?: number | null;
  /** BabyAI instructions succeed only on `done` (Python's `BABYAI_DONE_ACTIONS`); default false. */
  doneActions?: boolean;
  /** The output directory; must not exist yet. */
  out: string;
  /** How the options were written (recorded in the manifest). */
  envsSpec?: string;
  seedsSpec?: string;
  expert?: ExpertOptions;
  onProgress?: ProgressCallback;
}

/** A finished collection: its directory, its manifest and the seconds it took. */
export interface CollectResult {
  dir: string;
  manifest: Manifest;
  seconds: number;
}

/** `dataset_9env_5seed_5episodes_v2_MMDD_HHMM`, the default directory name. */
export function defaultDatasetName(label: string, seeds: number, episodes: number, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `dataset_${label}_${seeds}seed_${episodes}episodes_v2_${p(now.getMonth() + 1)}${p(now.getDate())}_${p(now.getHours())}${p(now.getMinutes())}`;
}

/** Buffered appends to one file. */
class LineWriter {
  private readonly fd: number;
  private buf: string[] = [];
  private size = 0;
  constructor(path: string) {
    this.fd = openSync(path, "w");
  }
  write(line: string): void {
    this.buf.push(line);
    this.size += line.length;
    if (this.size > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.buf.length === 0) return;
    writeSync(this.fd, this.buf.join(""));
    this.buf = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
  }
  abort(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}

function checkOutDir(out: string): void {
  if (!existsSync(out)) return;
  const isDir = statSync(out).isDirectory();
  if (!isDir) throw new UserError(`--out ${out} exists and is a file; choose another path`);
  if (readdirSync(out).length > 0) throw new UserError(`--out ${out} already exists and is not empty; choose another path or remove it`);
}

function carryingOf(env: MiniGridEnv): string {
  return env.carrying ? `[${JSON.stringify(env.carrying.type)},${JSON.stringify(env.carrying.color)}]` : "null";
}

/** What {@link collect} listens to and reports to (like `finetune`'s hooks): a signal and a progress callback. */
export interface CollectHooks {
  /**
   * Cancels the collection: checked before any work and between steps (the expert and the env run in
   * slices of about 20 ms, then the event loop turns, so a timer or Ctrl-C can fire). A cancelled
   * collection throws the signal's reason and leaves neither the output nor its temporary directory.
   */
  signal?: AbortSignal;
  /** Called with `{phase: "collect", done, total, detail}` at the start and after every episode (`total` = envs × seeds × episodes). */
  progress?: ProgressCallback;
}

/**
 * Collects expert demonstrations into a new dataset directory, synchronously (what the tests and quick
 * scripts use); {@link collect} is the async form with a signal. The directory appears only when complete.
 */
export function collectDataset(opts: CollectOptions): CollectResult {
  const run = collectSteps(opts);
  for (;;) {
    const r = run.next();
    if (r.done) return r.value;
  }
}

/** How long the async {@link collect} works before it lets the event loop turn (timers, signals, I/O). */
const SLICE_MS = 20;

/**
 * Collects expert demonstrations into a dataset directory (what `gridtune collect` does): for each env
 * and seed, `episodes` episodes played by the {@link Expert}, every step written with its optimal
 * action set and subgoal. The directory appears only when the collection is complete; the output is
 * byte-identical to {@link collectDataset}'s.
 *
 * The work runs in slices of about 20 ms between which the event loop turns, so an abort from a timer,
 * a request handler or Ctrl-C takes effect within a step: the promise rejects with the signal's reason
 * and nothing is left on disk.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * setTimeout(() => controller.abort(), 60_000); // give up after a minute
 * const { dir, manifest } = await collect(
 *   { envIds: resolveEnvs("9env"), seeds: parseSeeds("0-4"), episodes: 5, out: "datasets/9env" },
 *   { progress: (e) => console.log(`${e.done}/${e.total}`), signal: controller.signal },
 * );
 * ```
 *
 * @param options - envs, seeds, episodes per (env, seed), the output directory (must not exist or be empty).
 * @param hooks - cancellation and progress.
 * @returns the directory, its manifest and the time taken.
 */
export async function collect(options: CollectOptions, hooks: CollectHooks = {}): Promise<CollectResult> {
  const { signal, progress } = hooks;
  signal?.throwIfAborted();
  const run = collectSteps(
    progress
      ? {
          ...options,
          onProgress: (e) => {
            options.onProgress?.(e);
            progress(e);
          },
        }
      : options,
  );
  let sliceStart = performance.now();
  try {
    for (;;) {
      signal?.throwIfAborted();
      const r = run.next();
      if (r.done) return r.value;
      if (performance.now() - sliceStart >= SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
  } finally {
    run.return(undefined as never); // a no-op when finished; otherwise removes the temporary directory
  }
}

/**
 * The one collection loop: a generator that yields after every recorded step and every episode, and
 * returns the result. Stopping it early (`return()`) or a thrown error removes the temporary directory.
 */
function* collectSteps(opts: CollectOptions): Generator<void, CollectResult, void> {
  const t0 = performance.now();
  if (opts.envIds.length === 0) throw new UserError("no envs to collect");
  if (opts.seeds.length === 0) throw new UserError("no seeds to collect");
  if (!Number.isInteger(opts.episodes) || opts.episodes < 1) throw new UserError(`--episodes must be a positive integer, got ${opts.episodes}`);
  if (opts.maxSteps != null && (!Number.isInteger(opts.maxSteps) || opts.maxSteps < 1)) throw new UserError(`--max-steps must be a positive integer, got ${opts.maxSteps}`);
  const out = resolve(opts.out);
  checkOutDir(out);
  // Make every env up front: a bad id or option fails before anything is written.
  const envs = opts.envIds.map((id) => makeEnv(id, { ...(opts.maxSteps != null ? { maxSteps: opts.maxSteps } : {}), ...(opts.doneActions ? { doneActions: true } : {}) }));

  makeDirectory(dirname(out));
  const tmp = join(dirname(out), `.${basename(out)}.tmp-${process.pid}-${Date.now()}`);
  mkdirSync(tmp);
  const steps = new LineWriter(join(tmp, STEPS_FILE));
  const episodes = new LineWriter(join(tmp, EPISODES_FILE));
  let finished = false;
  try {
    const perEnv: Record<string, EnvCounts> = {};
    const perCategory: Record<string, number> = { "0": 0, "1": 0, "2": 0, "3": 0, "4": 0, "5": 0, "6": 0 };
    let nEpisodes = 0;
    let nRecorded = 0;
    const skipped: SkippedEpisode[] = [];
    const babyaiStats: Record<string, BabyAIStats> = {};
    let nSteps = 0;
    let nSuccess = 0;
    const total = envs.length * opts.seeds.length * opts.episodes;
    opts.onProgress?.({ phase: "collect", done: 0, total });
    for (const env of envs) {
      const id = env.envId;
      const counts: EnvCounts = { episodes: 0, steps: 0, successes: 0, exact_episodes: 0 };
      perEnv[id] = counts;
      const expert = new Expert(opts.expert);
      const babyai = isBabyAI(env) ? new BabyAIExpert() : null;
      for (const seed of opts.seeds) {
        for (let ep = 0; ep < opts.episodes; ep++) {
          let obs = (ep === 0 ? env.reset({ seed }) : env.reset()).obs;
          let ret = 0;
          let length = 0;
          let success = false;
          let exact = true;
          const lines: string[] = [];
          const actions: number[] = [];
          const prefix = `{"env_id":${JSON.stringify(id)},"seed":${seed},"episode":${ep},"step":`;
          try {
            if (babyai && isBabyAI(env)) babyai.begin(env);
            for (;;) {
              let d: ExpertDecision;
              let extra = "";
              if (babyai && isBabyAI(env)) {
                const b = babyai.act(env);
                d = b;
                extra = `,"bot_optimal":${b.botOptimal}`;
              } else {
                d = expert.act(env);
              }
              const head =
                `${prefix}${length},"mission":${JSON.stringify(obs.mission)},"width":${env.width},"height":${env.height},` +
                `"agent_pos":[${env.agentPos[0]},${env.agentPos[1]}],"agent_dir":${env.agentDir},"carrying":${carryingOf(env)},` +
                `"image":[${obs.image.join(",")}],"grid":[${env.grid.encode().join(",")}]`;
              const r = env.step(d.action);
              if (babyai && isBabyAI(env)) babyai.observe(env, r);
              lines.push(
                `${head},"action":${d.action},"optimal_actions":[${d.optimalActions.join(",")}],"optimal_exact":${d.optimalExact},` +
                  `"subgoal":${JSON.stringify(d.subgoal)},"reward":${JSON.stringify(r.reward)},"terminated":${r.terminated},"truncated":${r.truncated}${extra}}\n`,
              );
              actions.push(d.action);
              exact &&= d.optimalExact;
              ret += r.reward;
              length++;
              obs = r.obs;
              yield;
              if (r.terminated || r.truncated) {
                success = r.terminated && r.reward > 0;
                break;
              }
            }
          } catch (e) {
            if (!(e instanceof BotError)) throw e;
            // The bot cannot solve this episode: it is skipped (listed in the manifest), not recorded.
            skipped.push({ env_id: id, seed, episode: ep, step: length, error: e.pythonForm });
            nEpisodes++;
            opts.onProgress?.({ phase: "collect", done: nEpisodes, total, detail: id });
            yield;
            continue;
          }
          for (const l of lines) steps.write(l);
          for (const a of actions) perCategory[String(a)]!++;
          const planner = babyai ? "bot" : expert.planner;
          const rec: EpisodeRecord = { env_id: id, seed, episode: ep, length, success, return: ret, optimal_exact: exact, planner };
          episodes.write(JSON.stringify(rec) + "\n");
          counts.episodes++;
          counts.steps += length;
          if (success) counts.successes++;
          if (exact) counts.exact_episodes++;
          nEpisodes++;
          nRecorded++;
          nSteps += length;
          if (success) nSuccess++;
          opts.onProgress?.({ phase: "collect", done: nEpisodes, total, detail: id });
          yield;
        }
      }
      if (babyai) {
        babyaiStats[id] = {
          bot_suboptimal_steps: babyai.botSuboptimalSteps,
          model_mismatches: babyai.mismatches,
          exact_searches: babyai.searches,
          budget_exceeded: babyai.budgetExceeded,
        };
      }
    }
    steps.close();
    episodes.close();
    const manifest: Manifest = {
      format: DATASET_FORMAT,
      versions: { gridtune: GRIDTUNE_VERSION, minigrid: MINIGRID_VERSION, node: process.versions.node },
      created: new Date().toISOString(),
      options: {
        envs: opts.envsSpec ?? opts.envIds.join(","),
        env_ids: opts.envIds,
        seeds: opts.seedsSpec ?? opts.seeds.join(","),
        seed_list: opts.seeds,
        episodes: opts.episodes,
        max_steps: opts.maxSteps ?? null,
        ...(opts.doneActions ? { done_actions: true as const } : {}),
      },
      tie_break: TIE_BREAK.map((a) => ACTION_NAMES[a]),
      counts: { episodes: nRecorded, steps: nSteps, successes: nSuccess, per_env: perEnv, per_category: perCategory },
      files: { episodes: EPISODES_FILE, steps: STEPS_FILE },
    };
    if (Object.keys(babyaiStats).length > 0) {
      manifest.babyai = { note: BABYAI_NOTE, skipped, per_env: babyaiStats };
    }
    const fd = openSync(join(tmp, MANIFEST_FILE), "w");
    writeSync(fd, JSON.stringify(manifest, null, 2) + "\n");
    fsyncSync(fd);
    closeSync(fd);
    checkOutDir(out);
    if (existsSync(out)) rmSync(out, { recursive: true }); // an empty directory the user made
    renameSync(tmp, out);
    finished = true;
    return { dir: out, manifest, seconds: (performance.now() - t0) / 1000 };
  } finally {
    // A thrown error, or the generator stopped early (a cancelled collect): nothing stays behind.
    if (!finished) {
      steps.abort();
      episodes.abort();
      rmSync(tmp, { recursive: true, force: true });
    }
  }
}
