/**
 * Run records on disk: every `<model_name>_info.json` under the --runs directory (format
 * `gridtune-run/1`, schema in src/pipeline/run-info.ts). Records are read on demand, cached until the
 * file changes, and pass through `redactSecrets` before anything reaches the browser.
 */
import { readFileSync, statSync } from "node:fs";
import type { ExampleView, Page, RunDetail, RunRow, RunSortKey, Verdict } from "./api-types.js";
import { checkId, type DatasetStore } from "./datasets.js";
import { HttpError } from "./http.js";
import { redactSecrets } from "./redact.js";
import { cachedFor, insideRoot, relId, walkDirs } from "./roots.js";
import { join } from "node:path";

export const RUN_FORMAT = "gridtune-run/1";
const INFO_SUFFIX = "_info.json";

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function at(o: unknown, path: string): unknown {
  let v = o;
  for (const k of path.split(".")) {
    if (!isRecord(v)) return undefined;
    v = v[k];
  }
  return v;
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const numOrNull = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** A run record as loaded: the redacted JSON and its examples. */
export interface LoadedRun {
  id: string;
  path: string;
  info: Json;
  examples: Json[];
}

export const FAILURE_VERDICTS: readonly Verdict[] = ["reasonable", "wrong", "error"];

/** A failure: anything the metric did not score as fully right (score < 1). */
export function isFailure(e: Json): boolean {
  const score = numOrNull(e.score);
  if (score !== null) return score < 1;
  return FAILURE_VERDICTS.includes(e.verdict as Verdict);
}

export class RunStore {
  private readonly cache = new Map<string, { stamp: string; run: LoadedRun }>();
  private readonly discover = cachedFor(1500, () => this.walk());

  constructor(readonly root: string | null) {}

  private walk(): Map<string, string> {
    const found = new Map<string, string>();
    if (this.root === null) return found;
    const files = walkDirs(this.root, { maxDepth: 4, maxResults: 20_000 }, (dir, entries) =>
      entries.filter((e) => e.name.endsWith(INFO_SUFFIX) && e.name.length > INFO_SUFFIX.length && (e.isFile() || e.isSymbolicLink())).map((e) => join(dir, e.name)),
    );
    for (const f of files) {
      if (!insideRoot(this.root, f)) continue;
      const rel = relId(this.root, f);
      found.set(rel.slice(0, -INFO_SUFFIX.length), f);
    }
    return found;
  }

  private loadPath(id: string, path: string): LoadedRun {
    let st;
    try {
      st = statSync(path);
    } catch {
      throw new HttpError(404, `unknown run '${id}'`);
    }
    const stamp = `${st.size}:${st.mtimeMs}`;
    const hit = this.cache.get(id);
    if (hit && hit.stamp === stamp && hit.run.path === path) return hit.run;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, "utf8"));
    } catch (e) {
      throw new HttpError(422, `run '${id}': ${id}${INFO_SUFFIX} is not valid JSON (${(e as Error).message})`);
    }
    if (!isRecord(raw)) throw new HttpError(422, `run '${id}': ${id}${INFO_SUFFIX} is not a JSON object`);
    if (raw.format !== RUN_FORMAT) {
      throw new HttpError(422, `run '${id}': format is ${JSON.stringify(raw.format ?? null)}, expected '${RUN_FORMAT}'`);
    }
    const info = redactSecrets(raw);
    const examples = Array.isArray(info.examples) ? (info.examples as unknown[]).filter(isRecord) : [];
    const run: LoadedRun = { id, path, info, examples };
    this.cache.set(id, { stamp, run });
    if (this.cache.size > 200) this.cache.delete(this.cache.keys().next().value!);
    return run;
  }

  get(id: string): LoadedRun {
    if (this.root === null) throw new HttpError(404, "no runs directory: start gridtune serve with --runs DIR");
    checkId(id, "run");
    const path = this.discover().get(id) ?? this.walk().get(id);
    if (!path) throw new HttpError(404, `unknown run '${id}' (no ${id}${INFO_SUFFIX} under ${this.root})`);
    return this.loadPath(id, path);
  }

  rows(): RunRow[] {
    const out: RunRow[] = [];
    for (const [id, path] of this.discover()) {
      try {
        out.push(rowOf(this.loadPath(id, path)));
      } catch (e) {
        out.push({ ...emptyRow(id), error: (e as Error).message });
      }
    }
    return out;
  }

  page(sort: RunSortKey, order: "asc" | "desc", offset: number, limit: number, q: string | null): Page<RunRow> {
    let rows = this.rows();
    if (q) {
      const needle = q.toLowerCase();
      rows = rows.filter((r) => [r.id, r.status, r.student, r.teacher, r.hint, r.encoding, r.dataset].some((v) => v?.toLowerCase().includes(needle)));
    }
    const sign = order === "asc" ? 1 : -1;
    rows.sort((a, b) => {
      const x = a[sort];
      const y = b[sort];
      if (x === null && y === null) return a.id.localeCompare(b.id);
      if (x === null) return 1;
      if (y === null) return -1;
      const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
      return c !== 0 ? sign * c : a.id.localeCompare(b.id);
    });
    return { total: rows.length, offset, limit, items: rows.slice(offset, offset + limit) };
  }

  detail(id: string, datasets: DatasetStore): RunDetail {
    const run = this.get(id);
    const { examples: _omit, ...info } = run.info;
    const verdicts: Record<string, number> = {};
    let failures = 0;
    for (const e of run.examples) {
      const v = String(e.verdict ?? "unknown");
      verdicts[v] = (verdicts[v] ?? 0) + 1;
      if (isFailure(e)) failures++;
    }
    return {
      id,
      info,
      examples_total: run.examples.length,
      failures_total: failures,
      verdicts,
      dataset_id: this.datasetOf(run, datasets)?.id ?? null,
    };
  }

  datasetOf(run: LoadedRun, datasets: DatasetStore) {
    return datasets.findByPath(str(at(run.info, "dataset.path")) ?? str(at(run.info, "config.dataset_path")));
  }

  examples(
    id: string,
    datasets: DatasetStore,
    f: { filter: "all" | "failures"; verdict: string | null; category: number | null; offset: number; limit: number },
  ): Page<ExampleView> {
    const run = this.get(id);
    const ds = this.datasetOf(run, datasets);
    const episodeIndex = new Map<string, number>();
    if (ds) {
      try {
        for (const e of ds.episodes()) episodeIndex.set(`${e.env_id}|${e.seed}|${e.episode}`, e.index);
      } catch {
        /* the dataset's episodes.jsonl is unreadable: no links */
      }
    }
    const chosen: ExampleView[] = [];
    run.examples.forEach((e, index) => {
      if (f.filter === "failures" && !isFailure(e)) return;
      if (f.verdict !== null && e.verdict !== f.verdict) return;
      if (f.category !== null && e.ground_truth_action !== f.category) return;
      chosen.push(exampleView(e, index, ds !== null, episodeIndex.get(`${String(e.env_id)}|${String(e.seed)}|${String(e.episode)}`) ?? null));
    });
    return { total: chosen.length, offset: f.offset, limit: f.limit, items: chosen.slice(f.offset, f.offset + f.limit) };
  }

  example(id: string, index: number): { run: LoadedRun; example: Json } {
    const run = this.get(id);
    const example = run.examples[index];
    if (!example) throw new HttpError(404, `run '${id}' has ${run.examples.length} examples; there is no example ${index}`);
    return { run, example };
  }
}

function emptyRow(id: string): RunRow {
  return {
    id,
    model_name: id.split("/").pop()!,
    created_at: null,
    status: null,
    outcome_message: null,
    failed_calls: null,
    student: null,
    teacher: null,
    assessor: null,
    hint: null,
    encoding: null,
    view: null,
    metric: null,
    dataset: null,
    n: null,
    accuracy: null,
    exact: null,
    optimal_alternatives: null,
    ai_reasonable: null,
    calls: null,
    cost_usd: null,
  };
}

export function rowOf(run: LoadedRun): RunRow {
  const i = run.info;
  return {
    id: run.id,
    model_name: str(i.model_name) ?? run.id.split("/").pop()!,
    created_at: str(i.created_at),
    status: str(i.status),
    outcome_message: str(i.outcome_message),
    failed_calls: failedCalls(i.failures),
    student: str(at(i, "config.student_model")),
    teacher: str(at(i, "config.teacher_model")),
    assessor: str(at(i, "config.assessor_model")),
    hint: str(at(i, "config.hint_type")),
    encoding: str(at(i, "config.encoding_type")),
    view: str(at(i, "config.view")),
    metric: str(at(i, "config.metric")),
    dataset: str(at(i, "dataset.path")) ?? str(at(i, "config.dataset_path")),
    n: numOrNull(at(i, "results.n")),
    accuracy: numOrNull(at(i, "results.accuracy")),
    exact: numOrNull(at(i, "results.exact")),
    optimal_alternatives: numOrNull(at(i, "results.optimal_alternatives")),
    ai_reasonable: numOrNull(at(i, "results.ai_reasonable")),
    calls: numOrNull(at(i, "usage.total.calls")),
    cost_usd: numOrNull(at(i, "usage.total.cost_usd")),
  };
}

/** The failed LM calls of a record's `failures` (role, model, calls, failed, reasons), summed; null without the list. */
function failedCalls(failures: unknown): number | null {
  if (!Array.isArray(failures)) return null;
  return failures.reduce<number>((sum, f) => sum + (numOrNull(at(f, "failed")) ?? 0), 0);
}

function exampleView(e: Json, index: number, renderable: boolean, episodeIndex: number | null): ExampleView {
  const nums = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is number => typeof x === "number") : []);
  return {
    index,
    id: str(e.id) ?? String(index),
    env_id: str(e.env_id) ?? "",
    seed: numOrNull(e.seed) ?? 0,
    episode: numOrNull(e.episode) ?? 0,
    step: numOrNull(e.step) ?? 0,
    mission: str(e.mission) ?? "",
    observation: str(e.observation) ?? "",
    ground_truth: str(e.ground_truth) ?? "",
    ground_truth_action: numOrNull(e.ground_truth_action) ?? -1,
    optimal_actions: nums(e.optimal_actions),
    prediction: str(e.prediction),
    prediction_action: numOrNull(e.prediction_action),
    reasoning: str(e.reasoning),
    score: numOrNull(e.score) ?? 0,
    verdict: (str(e.verdict) ?? "error") as Verdict,
    assessor_reasoning: str(e.assessor_reasoning),
    error: str(e.error),
    renderable: renderable && typeof e.env_id === "string",
    episode_index: episodeIndex,
  };
}
