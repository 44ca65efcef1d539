/**
 * Small helpers the optimizers share: copying programs, matching a teacher to a student, storing
 * examples as JSON, and telling a stop (abort, budget) from an ordinary failure.
 */
import { Example } from "../example.js";
import type { Module } from "../module.js";
import { BudgetExceededError } from "./lm-wrappers.js";

/**
 * `program.resetCopy()` (no demos), but every predictor keeps its own LM. DSPy's `reset()` also drops
 * predictor LMs, which would send a student's or teacher's calls to whatever LM the caller passes;
 * gridtune passes LMs explicitly and keeps them.
 */
export function resetCopyKeepingLMs<P extends Module>(program: P): P {
  const lms = program.predictors().map((p) => p.lm);
  const copy = program.resetCopy();
  copy.predictors().forEach((p, i) => {
    if (lms[i]) p.lm = lms[i]!;
  });
  return copy;
}

/**
 * Checks that a teacher can stand in for a student (DSPy's assertions in BootstrapFewShot): the same
 * predictor paths in the same order, equal signatures, and no shared predictor objects.
 */
export function assertSameStructure(student: Module, teacher: Module, compareSignatures = true): void {
  const s = student.namedPredictors();
  const t = teacher.namedPredictors();
  if (s.length !== t.length) {
    throw new Error(`Student and teacher must have the same number of predictors (student ${s.length}, teacher ${t.length}).`);
  }
  s.forEach(([name1, p1], i) => {
    const [name2, p2] = t[i]!;
    if (name1 !== name2) throw new Error(`Student and teacher must have the same program structure: predictor ${i} is "${name1}" in the student, "${name2}" in the teacher.`);
    if (compareSignatures && !p1.signature.equals(p2.signature)) {
      throw new Error(`Student and teacher must have the same signatures: "${name1}" is ${p1.signature} vs ${p2.signature} (instructions, descriptions and prefixes must match).`);
    }
    if (p1 === p2) throw new Error(`Student and teacher must be different objects: they share predictor "${name1}".`);
  });
}

/** An Example as JSON: its fields, and its input keys when set. */
export interface ExampleJSON {
  fields: Record<string, unknown>;
  inputKeys?: string[];
}

export function exampleToJSON(e: Example): ExampleJSON {
  return { fields: e.toDict(), ...(e.inputKeys ? { inputKeys: [...e.inputKeys] } : {}) };
}

export function exampleFromJSON(j: ExampleJSON): Example {
  const e = new Example(j.fields);
  return j.inputKeys ? e.withInputs(...j.inputKeys) : e;
}

/** Whether an error means "stop now" (the caller aborted, or the budget ran out) rather than a failed example. */
export function isStop(error: unknown, signal?: AbortSignal): boolean {
  return error instanceof BudgetExceededError || Boolean(signal?.aborted);
}

/** Rethrows the reason the run must stop, if it must. */
export function throwIfStopped(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason;
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
