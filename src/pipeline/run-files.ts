/**
 * The names and places of a run's files, in one place: `<output-dir>/<model_name>.json` (the program
 * state) and `<output-dir>/<model_name>_info.json` (the run record, format `gridtune-run/1`, schema in
 * ./run-info.ts), the model name, the output directory check, the checkpoint path, the record's
 * configuration and versions, and the reader of a record (used by `evaluate` and the dashboard).
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEPENDENCY_VERSIONS } from "../dspy/index.js";
import { UserError } from "../util/errors.js";
import { GRIDTUNE_VERSION } from "../util/version.js";
import { RUN_FORMAT } from "./run-info.js";
import { roleSpec } from "../lm/index.js";
import type { FinetuneConfig } from "./config.js";
import type { RunConfig } from "./run-info.js";
import type { RoleSpecs } from "./steps/lms.js";

export { RUN_FORMAT };
/** What a run record's file name ends with, after the model name. */
export const RUN_INFO_SUFFIX = "_info.json";

/** The paths of a run's program and record. */
export interface RunFiles {
  program: string;
  info: string;
}

/** Where a run named `modelName` writes its program and its record. */
export function runFiles(outputDir: string, modelName: string): RunFiles {
  return { program: join(outputDir, `${modelName}.json`), info: join(outputDir, `${modelName}${RUN_INFO_SUFFIX}`) };
}

/** The run record beside a saved program: `X.json` → `X_info.json` (the path itself when it does not end in `.json`). */
export function recordPathOf(programPath: string): string {
  return programPath.replace(/\.json$/, RUN_INFO_SUFFIX);
}

/** The model name of a run record's file name (`m_info.json` → `m`), or null when the name is not a record's. */
export function modelNameOfRecord(fileName: string): string | null {
  return fileName.endsWith(RUN_INFO_SUFFIX) && fileName.length > RUN_INFO_SUFFIX.length ? fileName.slice(0, -RUN_INFO_SUFFIX.length) : null;
}

/** A run record file is unreadable, not JSON, or not of format `gridtune-run/1`; the message names the file. */
export class RunRecordError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = "RunRecordError";
  }
}

/**
 * Reads a run record: a JSON object whose `format` is {@link RUN_FORMAT}. Fields are not checked
 * further (records of older versions lack some); readers pick what they show.
 */
export function readRunRecord(path: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new RunRecordError(`${path}: the run record is not valid JSON (${(e as Error).message})`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new RunRecordError(`${path}: the run record is not a JSON object`);
  const format = (raw as { format?: unknown }).format;
  if (format !== RUN_FORMAT) throw new RunRecordError(`${path}: format is ${JSON.stringify(format ?? null)}, expected '${RUN_FORMAT}'`);
  return raw as Record<string, unknown>;
}

export { gridtuneVersion } from "../util/version.js";

/** `20250623_211605`. */
export function timestampOf(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}_${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/**
 * The original's model name: `finetuned_<student>_<hint>_<encoding>_<timestamp>`, with `:`, `-`, `/` made
 * `_`; a batch entry's name is added before the timestamp.
 */
export function modelName(studentModel: string, hint: string, encoding: string, ts: string, entry?: string): string {
  let s = studentModel;
  if (/^llamacpp\//.test(s)) s = "llamacpp_" + basename(s.replace(/^llamacpp\/(hf:)?/, "")).replace(/\.gguf$/i, "");
  s = s.replace(/[:\-/\\\s.]+/g, "_").replace(/^_+|_+$/g, "");
  // A batch entry's name goes before the timestamp, so two entries of one batch never share a name.
  const e = entry ? "_" + entry.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "") : "";
  return `finetuned_${s}_${hint}_${encoding}${e}_${ts}`;
}

/** Checks that `dir` exists and is writable, or can be created; never creates it. */
export function checkOutputDir(dir: string): void {
  const abs = resolve(dir);
  if (existsSync(abs)) {
    if (!statSync(abs).isDirectory()) throw new UserError(`--output-dir ${dir}: exists and is not a directory`);
    probeWritable(abs, (why) => `--output-dir ${dir}: not writable (${why}); check its permissions, or pick another directory`);
    return;
  }
  let parent = dirname(abs);
  while (!existsSync(parent)) {
    const up = dirname(parent);
    if (up === parent) break;
    parent = up;
  }
  if (!statSync(parent).isDirectory()) throw new UserError(`--output-dir ${dir}: cannot be created (${parent} is not a directory)`);
  probeWritable(parent, (why) => `--output-dir ${dir}: cannot be created (${parent}: ${why})`);
}

/**
 * Creates and removes a file in `dir`: the permission bits alone do not say (root passes every
 * access check, yet /proc or a read-only mount refuse new files).
 */
function probeWritable(dir: string, message: (why: string) => string): void {
  const probe = join(dir, `.gridtune-write-check-${process.pid}-${Date.now()}`);
  try {
    closeSync(openSync(probe, "wx"));
    rmSync(probe, { force: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "";
    const why = code === "EACCES" || code === "EPERM" ? "permission denied" : code === "EROFS" ? "read-only file system" : code === "ENOENT" ? "files cannot be created there" : (e as Error).message;
    throw new UserError(message(why));
  }
}

/** The run record's `config`: the resolved settings, no secrets. */
export function runConfig(c: FinetuneConfig, specs: RoleSpecs): RunConfig {
  return {
    dataset_path: c.datasetPath,
    teacher_model: specs.teacher.id,
    student_model: specs.student.id,
    assessor_model: specs.assessor?.id ?? roleSpec(c.assessorModel, "assessor", c.assessorGroq).id,
    teacher_groq: specs.teacher.provider === "groq",
    student_groq: specs.student.provider === "groq",
    assessor_groq: (specs.assessor ?? roleSpec(c.assessorModel, "assessor", c.assessorGroq)).provider === "groq",
    hint_type: c.hintType,
    encoding_type: c.encodingType,
    view: c.view,
    ...(c.history ? { history: c.history } : {}),
    samples_per_category: c.samplesPerCategory,
    max_bootstrapped_demos: c.maxBootstrappedDemos,
    max_labeled_demos: c.maxLabeledDemos,
    minibatch_size: c.minibatchSize,
    auto: c.auto,
    metric: c.metric,
    seed: c.seed,
    concurrency: c.concurrency,
    budget: c.budget ? { ...(c.budget.calls !== undefined ? { calls: c.budget.calls } : {}), ...(c.budget.costUsd !== undefined ? { cost_usd: c.budget.costUsd } : {}) } : null,
    finetune_weights: c.finetuneWeights,
  };
}

/** Where an interrupted run's optimization state lives: one file per configuration and dataset. */
export function checkpointPathFor(c: FinetuneConfig, specs: RoleSpecs, datasetStamp: string): string {
  const key = createHash("sha256")
    .update(
      JSON.stringify([
        resolve(c.datasetPath),
        datasetStamp,
        specs.teacher.id,
        specs.student.id,
        specs.assessor?.id ?? null,
        c.hintType,
        c.encodingType,
        c.view,
        ...(c.history ? [`history=${c.history}`] : []),
        c.samplesPerCategory,
        c.maxBootstrappedDemos,
        c.maxLabeledDemos,
        c.minibatchSize,
        c.auto,
        c.seed,
        c.metric,
        c.numTrials ?? null,
        c.numCandidates ?? null,
      ]),
    )
    .digest("hex")
    .slice(0, 16);
  return join(resolve(c.outputDir), ".checkpoints", `miprov2-${key}.json`);
}

/** `size:mtime` of the dataset's steps file: a changed dataset gets a fresh checkpoint. */
export function datasetStampOf(path: string): string {
  try {
    const s = statSync(join(path, "steps.jsonl"));
    return `${s.size}:${Math.floor(s.mtimeMs)}`;
  } catch {
    return "";
  }
}

/** Deletes a checkpoint, the temp files a killed write left beside it, and the folder when empty. */
export function removeCheckpoint(path: string): void {
  const dir = dirname(path);
  if (!existsSync(dir)) return;
  rmSync(path, { force: true });
  const stem = "." + basename(path) + ".";
  for (const f of readdirSync(dir)) if (f.startsWith(stem) && f.endsWith(".tmp")) rmSync(join(dir, f), { force: true });
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    /* another run's checkpoint is there */
  }
}

/** Versions of gridtune, Node, the DSPy it is compatible with, and node-llama-cpp. */
export function versions(): Record<string, string> {
  let llama = "";
  try {
    let dir = dirname(fileURLToPath(import.meta.url));
    for (let i = 0; i < 6 && !llama; i++) {
      const p = join(dir, "node_modules", "node-llama-cpp", "package.json");
      if (existsSync(p)) llama = (JSON.parse(readFileSync(p, "utf8")) as { version: string }).version;
      dir = dirname(dir);
    }
  } catch {
    /* optional */
  }
  return {
    gridtune: GRIDTUNE_VERSION,
    node: process.version,
    dspy_compat: DEPENDENCY_VERSIONS.dspy,
    ...(llama ? { "node-llama-cpp": llama } : {}),
  };
}
