/**
 * The run record of a BALROG BabyAI evaluation: one JSON file with the configuration, every agent's
 * episodes (trajectories included) and summaries. Written atomically and never over an existing
 * file: the name is claimed with an exclusive hard link of the finished temporary file.
 */
import { linkSync, mkdirSync, unlinkSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { UserError } from "../../../util/errors.js";
import type { BalrogBabyAIResult } from "./run.js";

/** The default record path: `balrog_results/balrog-babyai_<YYYY-MM-DD_HH-MM-SS>.json` (BALROG's timestamp form). */
export function defaultBalrogRecordPath(now: Date = new Date(), dir = "balrog_results"): string {
  const p = (n: number) => String(n).padStart(2, "0");
  const stamp = `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}_${p(now.getHours())}-${p(now.getMinutes())}-${p(now.getSeconds())}`;
  return join(dir, `balrog-babyai_${stamp}.json`);
}

/** Fails early (before any episode) when the record's path is taken. */
export function checkRecordPathFree(path: string): void {
  if (!path.endsWith(".json")) throw new UserError(`--out ${path}: the run record is JSON; the path must end in .json`);
  if (existsSync(path)) throw new UserError(`--out ${path}: the file exists; a run record is never overwritten (choose another path)`);
}

/** Writes the record atomically; throws a UserError, leaving no file behind, when the path is taken. */
export function writeBalrogRecord(path: string, result: BalrogBabyAIResult): void {
  checkRecordPathFree(path);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, JSON.stringify(result, null, 2) + "\n");
  try {
    linkSync(tmp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") throw new UserError(`--out ${path}: the file appeared during the run; the record is kept at ${tmp}`);
    unlinkSync(tmp);
    throw e;
  }
  unlinkSync(tmp);
}
