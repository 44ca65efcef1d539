/**
 * Step 5: `<output-dir>/<name>.json` (the DSPy state) and `<name>_info.json` (the run record). No file
 * is ever replaced: when `<name>` is taken (by an earlier run, or by another run of the same second),
 * the next free `<name>_2`, `<name>_3`, … is used, and each file is created exclusively and atomically
 * (a crash leaves no half-written file, two writers racing cannot overwrite each other).
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { MinigridAgent } from "../../agent/minigrid-agent.js";
import { writeJsonExclusive } from "../../util/atomic-write.js";
import { UserError } from "../../util/errors.js";
import type { RunInfo } from "../run-info.js";

/** What {@link saveRun} wrote. */
export interface SavedFiles {
  name: string;
  program: string | null;
  info: string | null;
  /** Why the program could not be written, if it could not. */
  programError: string | null;
  /** The run record as written (or as it would have been, when it could not be). */
  record: RunInfo;
}

const MAX_SUFFIX = 1000;

function isExists(e: unknown): boolean {
  return (e as NodeJS.ErrnoException)?.code === "EEXIST";
}

/** The first `<base>`, `<base>_2`, … whose program and record files are both free in `dir`. */
export function freeName(dir: string, base: string, from = 1): number {
  for (let k = from; k <= MAX_SUFFIX; k++) {
    const name = k === 1 ? base : `${base}_${k}`;
    if (!existsSync(join(dir, `${name}.json`)) && !existsSync(join(dir, `${name}_info.json`))) return k;
  }
  throw new UserError(`--output-dir ${dir}: ${MAX_SUFFIX} runs named ${base} already; pick another directory`);
}

/**
 * Saves the program (when given) and the run record under a free name. `record(name, programPath,
 * programError)` builds the record for the name chosen. Throws only when nothing at all could be written.
 */
export function saveRun(outputDir: string, base: string, program: MinigridAgent | null, record: (name: string, programPath: string | null, programError: string | null) => RunInfo): SavedFiles {
  const dir = resolve(outputDir);
  mkdirSync(dir, { recursive: true });
  let k = freeName(dir, base);
  for (;;) {
    const name = k === 1 ? base : `${base}_${k}`;
    const programPath = join(dir, `${name}.json`);
    const infoPath = join(dir, `${name}_info.json`);
    let written: string | null = null;
    let programError: string | null = null;
    if (program) {
      try {
        program.meta = { ...program.meta, model_name: name };
        program.save(programPath, { exclusive: true });
        written = programPath;
      } catch (e) {
        if (isExists(e)) {
          k = freeName(dir, base, k + 1);
          continue;
        }
        programError = (e as Error).message;
      }
    }
    const rec = record(name, written, programError);
    try {
      writeJsonExclusive(infoPath, rec);
      return { name, program: written, info: infoPath, programError, record: rec };
    } catch (e) {
      if (isExists(e)) {
        if (written) rmSync(written, { force: true }); // ours, a moment old: the pair moves on together
        k = freeName(dir, base, k + 1);
        continue;
      }
      if (!written) throw new UserError(`nothing could be saved in ${outputDir}: ${(e as Error).message}`, 1);
      return { name, program: written, info: null, programError, record: rec };
    }
  }
}
