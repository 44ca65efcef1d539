/**
 * The files of a run, named in one place: `<output-dir>/<model_name>.json` (the program state) and
 * `<output-dir>/<model_name>_info.json` (the run record, format `gridtune-run/1`, schema in
 * ./run-info.ts). The pipeline writes them; the dashboard finds and reads records with the helpers here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../util/errors.js";
import { RUN_FORMAT } from "./run-info.js";

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
