/**
 * MIPROv2's checkpoint: the run state written (atomically, with util/atomic-write) after every demo
 * set, proposal and trial, and the fingerprint that ties it to one configuration, program and data.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { writeFileAtomic } from "../../../util/atomic-write.js";
import type { Example } from "../../example.js";
import type { Module } from "../../module.js";
import type { ProgramState } from "../../state.js";
import type { ProgramDescription } from "../grounded-proposer.js";
import type { MeterTotals } from "../lm-wrappers.js";
import type { ExampleJSON } from "../program-tools.js";
import type { PyRandomState } from "../py-random.js";
import type { SearchState } from "./search.js";
import type { MIPROv2Options, MIPROv2Settings, ResolvedOptions } from "./settings.js";

const CHECKPOINT_FORMAT = "gridtune/miprov2-checkpoint";
// 2: program descriptions are made inside every proposal (no `descriptionDone`).
const CHECKPOINT_VERSION = 2;

/** Everything needed to continue a run (written as JSON to `checkpointPath`). */
export interface MIPROv2Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** Hash of the configuration, data and program; a resume must match it. */
  fingerprint: string;
  settings: MIPROv2Settings;
  /** The shared RNG after the last finished step. */
  rng: PyRandomState;
  /** Positions in the valset given to compile (after the default split) of the examples used. */
  valIndices: number[];
  phase: "bootstrap" | "propose" | "search" | "done";
  /** `demoSets[predictor][set]` = demos. */
  demoSets: ExampleJSON[][][];
  proposal: {
    summaryDone: boolean;
    datasetSummary: string | null;
    /** The program's and each module's latest description (every proposal describes them afresh). */
    description: ProgramDescription | null;
    done: number;
    failed: number;
    instructionCandidates: string[][];
  };
  search: SearchState;
  stoppedBy: "completed" | "budget" | null;
  calls: MeterTotals;
  /** The best program so far, in DSPy's saved-program format. */
  bestProgram: ProgramState | null;
}

/** The checkpoint does not belong to this run. */
export class CheckpointMismatchError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}; delete it or run without resume to start over`);
    this.name = "CheckpointMismatchError";
  }
}

/** A fresh run's state. */
export function freshCheckpoint(fields: Pick<MIPROv2Checkpoint, "fingerprint" | "settings" | "rng" | "valIndices" | "search" | "calls"> & { predictors: number }): MIPROv2Checkpoint {
  const { predictors, ...rest } = fields;
  return {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    ...rest,
    phase: "bootstrap",
    demoSets: Array.from({ length: predictors }, () => []),
    proposal: { summaryDone: false, datasetSummary: null, description: null, done: 0, failed: 0, instructionCandidates: [] },
    stoppedBy: null,
    bestProgram: null,
  };
}

/** Reads the checkpoint at `path`; throws {@link CheckpointMismatchError} unless it is this run's. */
export function readCheckpoint(path: string, fingerprint: string): MIPROv2Checkpoint {
  let saved: MIPROv2Checkpoint;
  try {
    saved = JSON.parse(readFileSync(path, "utf8")) as MIPROv2Checkpoint;
  } catch (e) {
    throw new CheckpointMismatchError(path, `cannot read the checkpoint (${(e as Error).message})`);
  }
  if (saved.format !== CHECKPOINT_FORMAT || saved.version !== CHECKPOINT_VERSION) {
    throw new CheckpointMismatchError(path, `not a MIPROv2 checkpoint of version ${CHECKPOINT_VERSION}`);
  }
  if (saved.fingerprint !== fingerprint) {
    throw new CheckpointMismatchError(path, "the checkpoint was written for a different configuration, program or data");
  }
  return saved;
}

/** Writes the checkpoint atomically (a killed process never leaves half of one). */
export function writeCheckpoint(path: string, state: MIPROv2Checkpoint): void {
  writeFileAtomic(path, JSON.stringify(state) + "\n");
}

/** The hash of what a run depends on: settings, options that change results, data, program and teacher shape. */
export function checkpointFingerprint(args: {
  settings: MIPROv2Settings;
  resolved: ResolvedOptions;
  options: Readonly<MIPROv2Options>;
  student: Module;
  trainset: readonly Example[];
  valset: readonly Example[] | undefined;
  valBase: number;
  teacher: Module | undefined;
}): string {
  const mo = args.options;
  const programShape = args.student
    .namedPredictors()
    .map(([name, p]) => ({ name, signature: p.signature.dumpState(), io: p.signature.signature, demos: p.demos.map((d) => d.toDict()) }));
  const value = {
    version: CHECKPOINT_VERSION,
    settings: args.settings,
    options: {
      ...args.resolved,
      numThreads: undefined,
      metricThreshold: mo.metricThreshold ?? null,
      programCode: mo.programCode ?? null,
      taskModel: mo.taskModel.model,
      promptModel: mo.promptModel.model,
      teacherModel: mo.teacherSettings?.lm?.model ?? null,
    },
    trainset: args.trainset.map((e) => e.toDict()),
    valset: args.valset?.map((e) => e.toDict()) ?? null,
    valBase: args.valBase,
    program: programShape,
    teacher: args.teacher?.namedPredictors().map(([name, p]) => ({ name, io: p.signature.signature })) ?? null,
  };
  return createHash("sha256").update(JSON.stringify(value)).digest("hex");
}
