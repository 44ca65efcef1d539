/**
 * Datasets on disk, as `gridtune collect` writes them: a directory holding `manifest.json`
 * (format `gridtune-dataset/1`), `episodes.jsonl` (one line an episode) and `steps.jsonl` (one line a
 * step). The lines are read by the dataset layer (src/dataset: one parser, one default per field,
 * the per-episode byte-range index for random access); this module caches what it read until the file
 * changes and turns a bad file into a 422 naming the file and line.
 *
 * - the dataset list reads only manifests and episodes.jsonl;
 * - the first time an episode is opened, steps.jsonl is scanned once for the byte ranges of each
 *   episode, and every later episode is read straight from its ranges.
 */
import { existsSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { DatasetDetail, DatasetSummary, EnvCount, EpisodeSummary, StepView } from "./api-types.js";
import { DatasetError, EPISODES_FILE, MANIFEST_FILE, STEPS_FILE, readEpisodeFile, readManifest, type Manifest, type StepRecord } from "../dataset/index.js";
import { indexEpisodeRanges, readEpisodeSteps, type EpisodeRanges } from "../dataset/episode-index.js";
import { HttpError } from "./http.js";
import { redactSecrets } from "./redact.js";
import { cachedFor, insideRoot, relId, walkDirs } from "./roots.js";

export type { StepRecord };

interface StepIndex extends EpisodeRanges {
  size: number;
  mtimeMs: number;
}

/** A dataset layer error as a 422, its paths shown relative to the dataset directory. */
function unprocessable<T>(dir: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof DatasetError) throw new HttpError(422, e.message.split(`${dir}/`).join(""));
    throw e;
  }
}

async function unprocessableAsync<T>(dir: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof DatasetError) throw new HttpError(422, e.message.split(`${dir}/`).join(""));
    throw e;
  }
}

function fileStamp(path: string): { size: number; mtimeMs: number } | null {
  try {
    const s = statSync(path);
    return { size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return null;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Per-category step counts of a manifest; null when it has none (a hand-written manifest). */
function manifestCategories(m: Manifest): Record<string, number> | null {
  const c: unknown = m.counts?.per_category;
  return isRecord(c) && Object.values(c).every((x) => typeof x === "number") ? (c as Record<string, number>) : null;
}

/** One dataset directory. Everything is read lazily and cached until its file changes. */
export class Dataset {
  private manifestCache: { stamp: string; value: Manifest } | null = null;
  private episodesCache: { stamp: string; value: EpisodeSummary[] } | null = null;
  private index: StepIndex | null = null;
  private indexing: Promise<StepIndex> | null = null;

  constructor(
    readonly id: string,
    readonly dir: string,
    /** The --datasets directory: no file is read unless it resolves inside it. */
    readonly root: string,
  ) {}

  /** The file's size and mtime; null when missing or when it resolves outside the root (a symlink out). */
  private stamp(path: string): { size: number; mtimeMs: number } | null {
    if (!insideRoot(this.root, path)) return null;
    return fileStamp(path);
  }

  get manifestPath(): string {
    return join(this.dir, MANIFEST_FILE);
  }
  get episodesPath(): string {
    return join(this.dir, EPISODES_FILE);
  }
  get stepsPath(): string {
    return join(this.dir, STEPS_FILE);
  }

  manifest(): Manifest {
    const st = this.stamp(this.manifestPath);
    if (!st) throw new HttpError(404, `dataset '${this.id}' has no manifest.json`);
    const stamp = `${st.size}:${st.mtimeMs}`;
    if (this.manifestCache?.stamp === stamp) return this.manifestCache.value;
    const value = unprocessable(this.dir, () => readManifest(this.manifestPath));
    this.manifestCache = { stamp, value };
    return value;
  }

  episodes(): EpisodeSummary[] {
    const st = this.stamp(this.episodesPath);
    if (!st) throw new HttpError(404, `dataset '${this.id}' has no episodes.jsonl`);
    const stamp = `${st.size}:${st.mtimeMs}`;
    if (this.episodesCache?.stamp === stamp) return this.episodesCache.value;
    const value = unprocessable(this.dir, () => readEpisodeFile(this.episodesPath)).map(
      (r, index): EpisodeSummary => ({ index, env_id: r.env_id, seed: r.seed, episode: r.episode, length: r.length, success: r.success, return: r.return }),
    );
    this.episodesCache = { stamp, value };
    return value;
  }

  summary(): DatasetSummary {
    const m = this.manifest();
    const eps = this.episodes();
    const perEnv: Record<string, EnvCount> = {};
    let steps = 0;
    for (const e of eps) {
      const c = (perEnv[e.env_id] ??= { episodes: 0, steps: 0 });
      c.episodes++;
      c.steps += e.length;
      steps += e.length;
    }
    const perCategory = manifestCategories(m) ?? this.index?.perCategory ?? {};
    return {
      id: this.id,
      name: basename(this.dir),
      format: m.format,
      created_at: typeof m.created === "string" ? m.created : null,
      episodes: eps.length,
      steps: this.index?.steps ?? steps,
      per_env: perEnv,
      per_category: perCategory,
    };
  }

  /** The summary plus the collection options; categories are counted from steps.jsonl when the manifest lacks them. */
  async detail(): Promise<DatasetDetail> {
    if (manifestCategories(this.manifest()) === null) await this.stepIndex();
    const m = this.manifest();
    return { ...this.summary(), options: redactSecrets(isRecord(m.options) ? (m.options as unknown as Record<string, unknown>) : {}) };
  }

  /** The byte ranges of every episode in steps.jsonl (built once, rebuilt when the file changes). */
  async stepIndex(): Promise<StepIndex> {
    const st = this.stamp(this.stepsPath);
    if (!st) throw new HttpError(404, `dataset '${this.id}' has no steps.jsonl`);
    if (this.index && this.index.size === st.size && this.index.mtimeMs === st.mtimeMs) return this.index;
    if (!this.indexing) {
      this.indexing = unprocessableAsync(this.dir, async () => ({ ...(await indexEpisodeRanges(this.stepsPath, st.size)), ...st })).finally(() => {
        this.indexing = null;
      });
    }
    this.index = await this.indexing;
    return this.index;
  }

  episode(index: number): EpisodeSummary {
    const eps = this.episodes();
    const e = eps[index];
    if (!e) throw new HttpError(404, `dataset '${this.id}' has ${eps.length} episodes; there is no episode ${index}`);
    return e;
  }

  /** Every step record of one episode, in step order. */
  async episodeSteps(e: { env_id: string; seed: number; episode: number }): Promise<StepRecord[]> {
    const idx = await this.stepIndex();
    return unprocessableAsync(this.dir, () => readEpisodeSteps(this.stepsPath, idx, e));
  }

  /** One step record, or null when the dataset has no such step. */
  async findStep(envId: string, seed: number, episode: number, step: number): Promise<StepRecord | null> {
    const steps = await this.episodeSteps({ env_id: envId, seed, episode });
    return steps.find((s) => s.step === step) ?? null;
  }
}

/** What the browser needs of a step (no image or grid arrays). */
export function stepView(r: StepRecord): StepView {
  return {
    step: r.step,
    mission: r.mission,
    width: r.width,
    height: r.height,
    agent_pos: [r.agent_pos[0]!, r.agent_pos[1]!],
    agent_dir: r.agent_dir,
    carrying: r.carrying ? [String(r.carrying[0]), String(r.carrying[1])] : null,
    action: r.action,
    optimal_actions: r.optimal_actions,
    optimal_exact: r.optimal_exact,
    subgoal: r.subgoal,
    reward: r.reward,
    terminated: r.terminated,
    truncated: r.truncated,
  };
}

/** Every dataset under the --datasets directory (the directory itself may be one). */
export class DatasetStore {
  private readonly open = new Map<string, Dataset>();
  private readonly discover = cachedFor(1500, () => this.walk());

  constructor(readonly root: string | null) {}

  /** Directories holding a manifest.json and episodes.jsonl, up to three levels down. */
  private walk(): Map<string, string> {
    const found = new Map<string, string>();
    if (this.root === null || !existsSync(this.root)) return found;
    const dirs = walkDirs(this.root, { maxDepth: 3, maxResults: 5000 }, (dir, entries) =>
      entries.some((e) => e.name === "manifest.json" && (e.isFile() || e.isSymbolicLink())) && entries.some((e) => e.name === "episodes.jsonl") ? [dir] : [],
    );
    for (const d of dirs) {
      const rel = relId(this.root, d);
      found.set(rel === "." ? basename(d) || "dataset" : rel, d);
    }
    return found;
  }

  list(): DatasetSummary[] {
    const out: DatasetSummary[] = [];
    for (const [id, dir] of this.discover()) {
      const ds = this.dataset(id, dir);
      try {
        out.push(ds.summary());
      } catch (e) {
        out.push({ id, name: basename(dir), format: "unknown", created_at: null, episodes: 0, steps: 0, per_env: {}, per_category: {}, error: (e as Error).message });
      }
    }
    return out;
  }

  private dataset(id: string, dir: string): Dataset {
    let ds = this.open.get(id);
    if (!ds || ds.dir !== dir) {
      ds = new Dataset(id, dir, this.root!);
      this.open.set(id, ds);
    }
    return ds;
  }

  /** The dataset with this id; 404 when no dataset under the root has it. */
  get(id: string): Dataset {
    if (this.root === null) throw new HttpError(404, "no datasets directory: start gridtune serve with --datasets DIR");
    checkId(id, "dataset");
    const cached = this.open.get(id);
    if (cached && existsSync(cached.manifestPath)) return cached;
    // A miss walks again at once: the dataset may have been written since the cached walk.
    const dir = this.discover().get(id) ?? this.walk().get(id);
    if (!dir) throw new HttpError(404, `unknown dataset '${id}' (not a dataset directory under ${this.root})`);
    return this.dataset(id, dir);
  }

  /**
   * The dataset a run was made from, by the path its record names: the same directory, the same path
   * relative to the root, or (when unambiguous) the same directory name. Null when not under the root.
   */
  findByPath(path: string | null | undefined): Dataset | null {
    if (!path || this.root === null) return null;
    const all = this.discover();
    const norm = path.replace(/\\/g, "/").replace(/\/+$/, "");
    for (const [id, dir] of all) {
      if (id === norm || dir === resolve(norm) || dir === resolve(this.root, norm)) return this.dataset(id, dir);
    }
    const name = norm.split("/").pop();
    const byName = [...all].filter(([, dir]) => basename(dir) === name);
    return byName.length === 1 ? this.dataset(byName[0]![0], byName[0]![1]) : null;
  }
}

/** Ids come from the URL: they must be plain relative paths (no '..', no absolute paths, no NUL). */
export function checkId(id: string, what: string): void {
  if (id === "" || id.length > 500) throw new HttpError(400, `${what} id must be 1 to 500 characters`);
  if (id.includes("\0") || id.startsWith("/") || id.includes("\\") || /^[a-zA-Z]:/.test(id) || id.split("/").some((p) => p === ".." || p === "")) {
    throw new HttpError(400, `${what} id '${id}' is not a path inside the ${what}s directory`);
  }
}
