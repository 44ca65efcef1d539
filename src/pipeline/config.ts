/**
 * The fine-tuning run's configuration: the original tool's flags and defaults plus gridtune's own,
 * and the YAML batch file in the original schema (`fine_tuning: {dataset_path, approach, output_dir,
 * defaults, models: [...]}`), validated with errors that name the key path.
 */
import { readFileSync } from "node:fs";
import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
import { ENCODING_TYPES, HINT_TYPES, VIEW_TYPES, type EncodingType, type HintType, type ViewType } from "../agent/actions.js";
import { ROLE_DEFAULTS } from "../lm/index.js";
import { UserError } from "../util/errors.js";
import { editDistance } from "../util/edit-distance.js";

/** MIPROv2's preset for a run: `light`, `medium` or `heavy`. */
export type AutoLevel = "light" | "medium" | "heavy";
/** The pipeline's metrics: `exact`, `optimal`, `ai-feedback` (the original's). */
export type MetricName = "exact" | "optimal" | "ai-feedback";
/** Every {@link AutoLevel}. */
export const AUTO_LEVELS: readonly AutoLevel[] = ["light", "medium", "heavy"];
/** Every {@link MetricName}. */
export const METRIC_NAMES: readonly MetricName[] = ["exact", "optimal", "ai-feedback"];

/**
 * A run's budget (exported as `FinetuneBudget`): the optimization stops when it has made `calls` LM calls
 * or spent `costUsd` dollars.
 */
export interface Budget {
  calls?: number;
  costUsd?: number;
}

/** Everything a run needs; `finetune()` fills the defaults below for what is left out. */
export interface FinetuneConfig {
  datasetPath: string;
  teacherModel: string;
  studentModel: string;
  assessorModel: string;
  teacherGroq: boolean;
  studentGroq: boolean;
  assessorGroq: boolean;
  hintType: HintType;
  encodingType: EncodingType;
  view: ViewType;
  /** The agent's memory: past steps of the episode it sees (0 or absent: the single-step agent). */
  history?: number;
  samplesPerCategory: number;
  maxBootstrappedDemos: number;
  maxLabeledDemos: number;
  minibatchSize: number;
  outputDir: string;
  auto: AutoLevel;
  seed: number;
  metric: MetricName;
  /** Examples in flight at once (and requests to a local server). */
  concurrency: number;
  budget: Budget | null;
  dryRun: boolean;
  /** Continue the optimization checkpoint of an interrupted run with the same settings. */
  resume: boolean;
  finetuneWeights: boolean;
  /** Step 1's optimizer: MIPROv2 (default, as the original) or GEPA with the grid's feedback. */
  optimizer: OptimizerName;
  /** GEPA's reflection model (default: the teacher). */
  reflectionModel?: string;
  /** MIPROv2's trials and instruction candidates; default from `auto`. */
  numTrials?: number;
  numCandidates?: number;
  /** At most this many test examples are evaluated (default all). */
  maxEval?: number;
  /** The student's server (an openai-compatible/ student, e.g. one that can fine-tune). */
  studentBaseUrl?: string;
  /** A batch entry's name (for the summary). */
  name?: string;
}

/**
 * The default assessor: `llama-3.3-70b-versatile` on Groq — the one deliberate difference from the
 * original tool's defaults. The original's `deepseek-r1-distill-llama-70b` was decommissioned by Groq on
 * 2025-10-02, and Groq names this model as its replacement; `--assessor-model
 * deepseek-r1-distill-llama-70b` still works wherever a provider serves it.
 */
export const DEFAULT_ASSESSOR = "llama-3.3-70b-versatile";

/**
 * The pipeline's defaults (exported as `FINETUNE_DEFAULTS`): the original tool's flags and gridtune's own;
 * {@link finetune} fills what a config leaves out from here.
 */
export const DEFAULTS: Omit<FinetuneConfig, "datasetPath"> = {
  teacherModel: ROLE_DEFAULTS.teacher.model,
  studentModel: ROLE_DEFAULTS.student.model,
  assessorModel: DEFAULT_ASSESSOR,
  teacherGroq: true,
  studentGroq: false,
  assessorGroq: true,
  hintType: "action",
  encodingType: "ascii",
  view: "agent",
  samplesPerCategory: 10,
  maxBootstrappedDemos: 1,
  maxLabeledDemos: 0,
  minibatchSize: 40,
  outputDir: "saved_llm_models",
  auto: "light",
  seed: 0,
  metric: "ai-feedback",
  concurrency: 4,
  budget: null,
  dryRun: false,
  resume: false,
  finetuneWeights: false,
  optimizer: "miprov2",
};

/** Step 1's optimizers. */
export const OPTIMIZER_NAMES = ["miprov2", "gepa"] as const;
/** `miprov2` or `gepa`. */
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** Fills defaults and validates; throws ConfigError naming the field. */
export function resolveConfig(partial: Partial<FinetuneConfig>, where = ""): FinetuneConfig {
  const c = { ...DEFAULTS, ...stripUndefined(partial) } as FinetuneConfig;
  const at = (k: string) => (where ? `${where}.${k}` : k);
  if (!c.datasetPath || typeof c.datasetPath !== "string") throw new ConfigError(at("dataset_path"), "a dataset directory is required (--dataset-path, or dataset_path in the config)");
  if (!HINT_TYPES.includes(c.hintType)) throw new ConfigError(at("hint_type"), `unknown hint type '${c.hintType}'; use ${HINT_TYPES.join(" or ")}`);
  if (!ENCODING_TYPES.includes(c.encodingType)) throw new ConfigError(at("encoding_type"), `unknown encoding type '${c.encodingType}'; use ${ENCODING_TYPES.join(", ")}`);
  if (!VIEW_TYPES.includes(c.view)) throw new ConfigError(at("view"), `unknown view '${c.view}'; use agent or full`);
  if (c.encodingType === "balrog" && c.view === "full") throw new ConfigError(at("view"), "the balrog encoding (babyai-text's descriptions) describes the agent's view only; use view agent");
  if (c.history !== undefined && (!Number.isInteger(c.history) || c.history < 0)) throw new ConfigError(at("history"), `history must be a whole number ≥ 0, got ${c.history}`);
  if (!AUTO_LEVELS.includes(c.auto)) throw new ConfigError(at("auto"), `unknown level '${c.auto}'; use light, medium or heavy`);
  if (!OPTIMIZER_NAMES.includes(c.optimizer)) throw new ConfigError(at("optimizer"), `unknown optimizer '${c.optimizer}'; use miprov2 or gepa`);
  if (c.reflectionModel !== undefined && (typeof c.reflectionModel !== "string" || c.reflectionModel.trim() === "")) throw new ConfigError(at("reflection_model"), "expected a non-empty string");
  if (!METRIC_NAMES.includes(c.metric)) throw new ConfigError(at("metric"), `unknown metric '${c.metric}'; use exact, optimal or ai-feedback`);
  for (const [k, min] of [
    ["samplesPerCategory", 1],
    ["maxBootstrappedDemos", 0],
    ["maxLabeledDemos", 0],
    ["minibatchSize", 1],
    ["concurrency", 1],
    ["seed", 0],
  ] as const) {
    const v = c[k];
    if (!Number.isInteger(v) || v < min) throw new ConfigError(at(snake(k)), `expected an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  }
  for (const k of ["numTrials", "numCandidates", "maxEval"] as const) {
    const v = c[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new ConfigError(at(snake(k)), `expected a positive integer, got ${JSON.stringify(v)}`);
  }
  for (const k of ["teacherModel", "studentModel", "assessorModel", "outputDir"] as const) {
    if (typeof c[k] !== "string" || c[k].trim() === "") throw new ConfigError(at(snake(k)), "expected a non-empty string");
  }
  return c;
}

/** A run configuration or batch file is invalid; `keyPath` names the field (and `file` the file). */
export class ConfigError extends UserError {
  constructor(
    readonly keyPath: string,
    detail: string,
    readonly file?: string,
  ) {
    super(`${file ? `${file}: ` : ""}${keyPath}: ${detail}`);
    this.name = "ConfigError";
  }
}

/** "200" → 200 calls; "$1.50", "1.5usd", "usd=1.5" → dollars; "calls=200,usd=2" → both. */
export function parseBudget(text: string): Budget {
  const b: Budget = {};
  for (const part of text.split(",").map((s) => s.trim()).filter(Boolean)) {
    let m: RegExpExecArray | null;
    if ((m = /^(?:calls\s*=\s*)?(\d+)$/i.exec(part))) b.calls = Number(m[1]);
    else if ((m = /^(?:usd\s*=\s*|cost\s*=\s*)?\$?(\d+(?:\.\d+)?)\s*(?:usd|\$)?$/i.exec(part)) && /[$a-z]/i.test(part)) b.costUsd = Number(m[1]);
    else throw new UserError(`--budget: '${part}' is neither a number of LM calls (e.g. 300) nor dollars (e.g. $2 or usd=2)`);
  }
  if (b.calls === undefined && b.costUsd === undefined) throw new UserError("--budget needs a number of calls (300) or dollars ($2)");
  if (b.calls !== undefined && b.calls < 1) throw new UserError("--budget: the number of calls must be at least 1");
  if (b.costUsd !== undefined && !(b.costUsd > 0)) throw new UserError("--budget: the dollar amount must be positive");
  return b;
}

// ---- YAML batch -------------------------------------------------------------------------------

/** Snake-case keys of a model entry (and `defaults`), with their camel-case config field and type. */
const MODEL_KEYS: Record<string, { field: keyof FinetuneConfig; type: "string" | "bool" | "int" | "enum" | "budget"; values?: readonly string[] }> = {
  name: { field: "name", type: "string" },
  teacher_model: { field: "teacherModel", type: "string" },
  student_model: { field: "studentModel", type: "string" },
  assessor_model: { field: "assessorModel", type: "string" },
  teacher_groq: { field: "teacherGroq", type: "bool" },
  student_groq: { field: "studentGroq", type: "bool" },
  assessor_groq: { field: "assessorGroq", type: "bool" },
  hint_type: { field: "hintType", type: "enum", values: HINT_TYPES },
  encoding_type: { field: "encodingType", type: "enum", values: ENCODING_TYPES },
  view: { field: "view", type: "enum", values: VIEW_TYPES },
  history: { field: "history", type: "int" },
  samples_per_category: { field: "samplesPerCategory", type: "int" },
  max_bootstrapped_demos: { field: "maxBootstrappedDemos", type: "int" },
  max_labeled_demos: { field: "maxLabeledDemos", type: "int" },
  minibatch_size: { field: "minibatchSize", type: "int" },
  auto: { field: "auto", type: "enum", values: AUTO_LEVELS },
  seed: { field: "seed", type: "int" },
  metric: { field: "metric", type: "enum", values: METRIC_NAMES },
  concurrency: { field: "concurrency", type: "int" },
  budget: { field: "budget", type: "budget" },
  finetune_weights: { field: "finetuneWeights", type: "bool" },
  num_trials: { field: "numTrials", type: "int" },
  num_candidates: { field: "numCandidates", type: "int" },
  max_eval: { field: "maxEval", type: "int" },
  student_base_url: { field: "studentBaseUrl", type: "string" },
  optimizer: { field: "optimizer", type: "enum", values: OPTIMIZER_NAMES },
  reflection_model: { field: "reflectionModel", type: "string" },
};
const TOP_KEYS = ["dataset_path", "approach", "output_dir", "defaults", "models"];

/** One model of a batch file: its name, its config and where it is in the file. */
export interface BatchEntry {
  name: string;
  config: Partial<FinetuneConfig>;
  /** The key path of the entry, e.g. `fine_tuning.models[2]`. */
  path: string;
}

/** A parsed batch file: its dataset and output directory, and the models to run. */
export interface BatchConfig {
  file: string;
  datasetPath?: string;
  outputDir?: string;
  entries: BatchEntry[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function nearest(key: string, keys: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const k of keys) {
    const d = editDistance(key, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best;
}

function readEntry(obj: unknown, path: string, report: Report): Partial<FinetuneConfig> {
  if (!isRecord(obj)) {
    report(path, `expected a mapping of settings, got ${describe(obj)}`);
    return {};
  }
  const out: Partial<FinetuneConfig> = {};
  for (const [key, value] of Object.entries(obj)) {
    const spec = MODEL_KEYS[key];
    const kp = `${path}.${key}`;
    if (!spec) {
      const near = nearest(key, Object.keys(MODEL_KEYS));
      report(kp, `unknown key${near ? ` (did you mean '${near}'?)` : ""}; allowed: ${Object.keys(MODEL_KEYS).join(", ")}`, true);
      continue;
    }
    if (value === null || value === undefined) continue;
    const o = out as Record<string, unknown>;
    switch (spec.type) {
      case "string":
        if (typeof value !== "string" || value.trim() === "") report(kp, `expected a non-empty string, got ${describe(value)}`);
        else o[spec.field] = value;
        break;
      case "bool":
        if (typeof value !== "boolean") report(kp, `expected true or false, got ${describe(value)}`);
        else o[spec.field] = value;
        break;
      case "int":
        if (typeof value !== "number" || !Number.isInteger(value) || value < 0) report(kp, `expected a non-negative integer, got ${describe(value)}`);
        else o[spec.field] = value;
        break;
      case "enum":
        if (typeof value !== "string" || !spec.values!.includes(value)) report(kp, `expected one of ${spec.values!.join(", ")}, got ${describe(value)}`);
        else o[spec.field] = value;
        break;
      case "budget":
        if (typeof value === "number") o[spec.field] = { calls: value };
        else if (typeof value === "string") {
          try {
            o[spec.field] = parseBudget(value);
          } catch (e) {
            report(kp, (e as Error).message.replace(/^--budget:?\s*/, ""));
          }
        } else if (isRecord(value)) {
          const b: Budget = {};
          for (const [bk, bv] of Object.entries(value)) {
            if (bk === "calls" && typeof bv === "number" && Number.isInteger(bv) && bv > 0) b.calls = bv;
            else if ((bk === "cost_usd" || bk === "usd") && typeof bv === "number" && bv > 0) b.costUsd = bv;
            else report(`${kp}.${bk}`, `expected calls: <positive integer> or cost_usd: <positive number>, got ${describe(bv)}`);
          }
          o[spec.field] = b;
        } else report(kp, `expected a number of calls or {calls, cost_usd}, got ${describe(value)}`);
        break;
    }
  }
  return out;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return JSON.stringify(v);
}

/** One problem of a batch file: the key path, what is wrong, and the line (1-based) when known. */
export interface ConfigProblem {
  keyPath: string;
  detail: string;
  line?: number;
}

/**
 * Every problem of a batch file at once (a {@link ConfigError} whose `keyPath` is the first's), each
 * with its key path and line: `c.yaml: fine_tuning.models[0].encodng_type: unknown key … (line 6)`.
 */
export class BatchConfigError extends ConfigError {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[], file: string) {
    // In the file's order, so the list reads top to bottom.
    const sorted = [...problems].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
    super(sorted[0]!.keyPath, BatchConfigError.text(sorted), file);
    this.problems = sorted;
    this.name = "BatchConfigError";
  }

  private static text(problems: readonly ConfigProblem[]): string {
    const one = (p: ConfigProblem) => `${p.detail}${p.line ? ` (line ${p.line})` : ""}`;
    if (problems.length === 1) return one(problems[0]!);
    return `${one(problems[0]!)}\n… and ${problems.length - 1} more:\n${problems
      .slice(1)
      .map((p) => `  ${p.keyPath}: ${one(p)}`)
      .join("\n")}`;
  }
}

type Report = (keyPath: string, detail: string, atKey?: boolean) => void;

/** Every value of `config` that {@link resolveConfig} rejects: its snake-case key and the reason. */
function rangeProblems(config: Partial<FinetuneConfig>, where: string): { key: string; detail: string }[] {
  const out: { key: string; detail: string }[] = [];
  const c: Partial<FinetuneConfig> = { ...config };
  for (let guard = 0; guard < 32; guard++) {
    try {
      resolveConfig({ datasetPath: "-", ...c }, where);
      return out;
    } catch (e) {
      if (!(e instanceof ConfigError) || !e.keyPath.startsWith(where + ".")) throw e;
      const key = e.keyPath.slice(where.length + 1);
      out.push({ key, detail: e.message.slice(e.keyPath.length + 2) });
      const field = MODEL_KEYS[key]?.field;
      if (!field || !(field in c)) return out;
      delete (c as Record<string, unknown>)[field];
    }
  }
  return out;
}

/** `fine_tuning.models[2].hint_type` → ["fine_tuning", "models", 2, "hint_type"]. */
function pathParts(keyPath: string): (string | number)[] {
  return keyPath.split(".").flatMap((seg) => {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(seg);
    if (!m) return [seg];
    const idx = [...m[2]!.matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]));
    return [...(m[1] ? [m[1]] : []), ...idx];
  });
}

/** More checks of a batch (its dataset, its output directory), reported with the file's problems. */
export type BatchCheck = (batch: { datasetPath?: string; outputDir?: string }, report: (keyPath: string, detail: string) => void) => void;

/**
 * Parses and validates a batch file; reports every problem at once (and those of `check`), each with
 * its key path and line.
 */
export function parseBatchConfig(text: string, file: string, check?: BatchCheck): BatchConfig {
  const lines = new LineCounter();
  const parsed = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (parsed.errors.length > 0) {
    throw new BatchConfigError(
      parsed.errors.map((e) => ({ keyPath: "(yaml)", detail: `not valid YAML: ${e.message.split("\n")[0]}`, line: e.linePos?.[0]?.line ?? lines.linePos(e.pos[0]).line })),
      file,
    );
  }
  const problems: ConfigProblem[] = [];
  /** The line of the value (or, for an unknown key, of the key) at `keyPath`. */
  const lineOf = (keyPath: string, atKey = false): number | undefined => {
    const parts = pathParts(keyPath);
    const node = atKey ? parsed.getIn(parts.slice(0, -1), true) : parsed.getIn(parts, true);
    let range: [number, number, number] | undefined | null;
    if (atKey && isMap(node)) {
      const key = parts[parts.length - 1];
      const pair = node.items.find((it) => (isScalar(it.key) ? it.key.value : it.key) === key);
      range = pair && isScalar(pair.key) ? pair.key.range : undefined;
    } else range = (node as { range?: [number, number, number] } | undefined)?.range;
    return range ? lines.linePos(range[0]).line : undefined;
  };
  const report: Report = (keyPath, detail, atKey = false) => {
    const line = lineOf(keyPath, atKey);
    problems.push({ keyPath, detail, ...(line ? { line } : {}) });
  };
  const fail = (): never => {
    throw new BatchConfigError(problems, file);
  };
  const doc: unknown = parsed.toJS();
  if (!isRecord(doc)) {
    report("(root)", `expected a mapping with a 'fine_tuning' key, got ${describe(doc)}`);
    return fail();
  }
  const ft = doc["fine_tuning"];
  if (ft === undefined) {
    report("fine_tuning", "missing; the file needs a 'fine_tuning:' section");
    return fail();
  }
  if (!isRecord(ft)) {
    report("fine_tuning", `expected a mapping, got ${describe(ft)}`);
    return fail();
  }
  for (const key of Object.keys(ft)) {
    if (!TOP_KEYS.includes(key)) {
      const near = nearest(key, TOP_KEYS);
      report(`fine_tuning.${key}`, `unknown key${near ? ` (did you mean '${near}'?)` : ""}; allowed: ${TOP_KEYS.join(", ")}`, true);
    }
  }
  const approach = ft["approach"];
  if (approach !== undefined && approach !== "teacher_student") report("fine_tuning.approach", `only 'teacher_student' is supported, got ${describe(approach)}`);
  const str = (k: string): string | undefined => {
    const v = ft[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string" || v.trim() === "") {
      report(`fine_tuning.${k}`, `expected a non-empty string, got ${describe(v)}`);
      return undefined;
    }
    return v;
  };
  const datasetPath = str("dataset_path");
  const outputDir = str("output_dir");
  const defaults = ft["defaults"] === undefined || ft["defaults"] === null ? {} : readEntry(ft["defaults"], "fine_tuning.defaults", report);
  for (const p of rangeProblems(defaults, "fine_tuning.defaults")) report(`fine_tuning.defaults.${p.key}`, p.detail);
  const models = ft["models"];
  if (!Array.isArray(models) || models.length === 0) {
    report("fine_tuning.models", `expected a non-empty list of model configurations, got ${describe(models)}`);
    return fail();
  }
  const seen = new Map<string, number>();
  const entries: BatchEntry[] = models.map((m, i) => {
    const path = `fine_tuning.models[${i}]`;
    const own = readEntry(m, path, report);
    const config: Partial<FinetuneConfig> = { ...defaults, ...own };
    if (outputDir !== undefined) config.outputDir = outputDir;
    if (datasetPath !== undefined) config.datasetPath = datasetPath;
    // Values are validated now (with the key path) so a bad entry fails before any run starts;
    // a value from `defaults` was checked (and reported) with the defaults.
    for (const p of rangeProblems(config, path)) if ((MODEL_KEYS[p.key]?.field ?? p.key) in own) report(`${path}.${p.key}`, p.detail);
    const name = own.name ?? `model_${i + 1}`;
    // Entry names go into the model names: two entries of one batch never share one.
    const first = seen.get(name);
    if (first !== undefined) report(`${path}.name`, `'${name}' is the name of fine_tuning.models[${first}] too; each entry needs its own name`);
    else seen.set(name, i);
    return { name, config, path };
  });
  check?.({ ...(datasetPath !== undefined ? { datasetPath } : {}), ...(outputDir !== undefined ? { outputDir } : {}) }, (kp, detail) => report(kp, detail));
  if (problems.length) fail();
  return { file, ...(datasetPath !== undefined ? { datasetPath } : {}), ...(outputDir !== undefined ? { outputDir } : {}), entries };
}

/**
 * Reads and validates a YAML batch file in the original tool's schema (`fine_tuning: {dataset_path,
 * defaults, models: [...]}`); errors name the file and the key path.
 */
export function loadBatchConfig(file: string, check?: BatchCheck): BatchConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UserError(code === "ENOENT" ? `--config ${file}: no such file` : `--config ${file}: cannot read it (${(e as Error).message})`);
  }
  return parseBatchConfig(text, file, check);
}

/** The run record's snake-case configuration. */
export function snake(k: string): string {
  return k.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
