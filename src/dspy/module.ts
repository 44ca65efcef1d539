/**
 * Modules: programs made of named predictors plus state (dspy/primitives/base_module.py, module.py).
 *
 * A module is a class whose properties hold predictors, other modules, or arrays/records of them, and
 * whose `forward(inputs, options)` calls them. Predictor paths come from walking those properties in
 * order, as DSPy walks `__dict__`: a ChainOfThought held as `act` gives `act.predict`, an array
 * `steps` gives `steps[0]`, a record `byName` gives `byName['k']`. A predictor reachable twice is
 * listed once; sub-modules marked `compiled` are frozen and skipped.
 *
 * Nothing is global: the LM, the trace and the adapter travel in the {@link CallOptions} passed to
 * `call`, and `forward` must hand the same `options` to every sub-call.
 *
 * ```ts
 * class Agent extends Module {
 *   act = new ChainOfThought(Signature.parse("observation, mission -> action"));
 *   async forward(inputs: Inputs, options: CallOptions) {
 *     return this.act.call(inputs, options);
 *   }
 * }
 * const trace: TraceEntry[] = [];
 * const pred = await new Agent().call({ observation, mission }, { lm, trace });
 * ```
 */
import type { LM, LMRole } from "../lm/types.js";
import type { Adapter } from "./adapters/base.js";
import { Example, type Prediction } from "./example.js";
import type { Predict } from "./predict.js";
import { type LoadStateOptions, type PredictorState, type ProgramState, checkPredictorState, readStateFile, writeStateFile } from "./state.js";

/** Input field values for a call. */
export type Inputs = Readonly<Record<string, unknown>>;

/** One predictor call, as recorded in a trace: the predictor, its inputs, its prediction. */
export interface TraceEntry {
  predictor: Predict;
  inputs: Record<string, unknown>;
  prediction: Prediction;
}

/** The explicit context of a call, passed down to every predictor. */
export interface CallOptions {
  /** The LM for predictors that have no `lm` of their own (a predictor's own LM wins). */
  lm?: LM;
  /** When given, every predictor call appends a {@link TraceEntry} here. */
  trace?: TraceEntry[];
  /** The adapter; defaults to a new ChatAdapter (with the JSON fallback). */
  adapter?: Adapter;
  /** Passed to the LM for usage accounting (teacher, student, …). */
  role?: LMRole;
  signal?: AbortSignal;
}

/** Marks predictor objects: the leaves `namedParameters` collects. */
export const PARAMETER: unique symbol = Symbol.for("gridtune.dspy.parameter");

function isParameter(v: unknown): v is Predict {
  return v !== null && typeof v === "object" && (v as { [PARAMETER]?: boolean })[PARAMETER] === true;
}

function isPlainRecord(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object") return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** An object with a `chat` method is an LM: shared by copies, never cloned. */
function looksLikeLM(v: Record<string, unknown>): boolean {
  return typeof v["chat"] === "function";
}

/** @internal Deep copy used by {@link Module.deepcopy}: modules, arrays, records and Examples are copied; other objects shared. */
export function deepcopyValue(v: unknown, memo: Map<object, unknown>): unknown {
  if (v === null || typeof v !== "object") return v;
  if (memo.has(v)) return memo.get(v);
  if (v instanceof Module) return v.deepcopyWith(memo);
  if (v instanceof Example) {
    const c = v.copy();
    memo.set(v, c);
    for (const k of c.keys(true)) c.set(k, deepcopyValue(c.get(k), memo));
    return c;
  }
  if (Array.isArray(v)) {
    const arr: unknown[] = [];
    memo.set(v, arr);
    for (const item of v) arr.push(deepcopyValue(item, memo));
    return arr;
  }
  if (isPlainRecord(v) && !looksLikeLM(v)) {
    const rec: Record<string, unknown> = {};
    memo.set(v, rec);
    for (const [k, item] of Object.entries(v)) rec[k] = deepcopyValue(item, memo);
    return rec;
  }
  return v;
}

/**
 * A DSPy program: subclass it, keep predictors as properties and implement `forward`. `call(inputs)` runs
 * it; `save`/`load` use DSPy's JSON state; `setLM` gives every predictor an LM.
 */
export abstract class Module {
  /** A compiled (optimized) sub-module is frozen: its predictors are not listed by its parents. */
  compiled = false;

  /** The program's logic. Pass `options` on to every predictor or sub-module call. */
  abstract forward(inputs: Inputs, options: CallOptions): Promise<Prediction>;

  /** Runs the module (DSPy's `module(**inputs)`). Accepts a record or an Example's fields. */
  call(inputs: Inputs | Example, options: CallOptions = {}): Promise<Prediction> {
    return this.forward(inputs instanceof Example ? inputs.toDict() : inputs, options);
  }

  /** Every predictor with its path, in property order (DSPy's `named_parameters`). */
  namedParameters(): [string, Predict][] {
    const out: [string, Predict][] = [];
    const seen = new Set<object>();
    const add = (name: string, value: unknown): void => {
      if (isParameter(value)) {
        if (!seen.has(value)) {
          seen.add(value);
          out.push([name, value]);
        }
      } else if (value instanceof Module && !value.compiled) {
        for (const [sub, p] of value.namedParameters()) add(`${name}.${sub}`, p);
      }
    };
    if (isParameter(this)) add("self", this);
    for (const [name, value] of Object.entries(this)) {
      if (isParameter(value) || value instanceof Module) add(name, value);
      else if (Array.isArray(value)) value.forEach((item, i) => add(`${name}[${i}]`, item));
      else if (isPlainRecord(value)) for (const [k, item] of Object.entries(value)) add(`${name}['${k}']`, item);
    }
    return out;
  }

  /** Every predictor with its path, e.g. `[["act.predict", predictor]]` (DSPy's `named_predictors`). */
  namedPredictors(): [string, Predict][] {
    return this.namedParameters();
  }

  /** Every predictor, in path order. */
  predictors(): Predict[] {
    return this.namedPredictors().map(([, p]) => p);
  }

  /** Gives every predictor this LM (DSPy's `set_lm`). */
  setLM(lm: LM | null): void {
    for (const p of this.predictors()) p.lm = lm;
  }

  /** The LM all predictors share; throws if they use different ones (DSPy's `get_lm`). */
  getLM(): LM | null {
    const lms = new Set(this.predictors().map((p) => p.lm));
    if (lms.size > 1) throw new Error("Multiple LMs are being used in the module. There's no unique LM to return.");
    return lms.size === 1 ? [...lms][0]! : null;
  }

  /** A deep copy: predictors, sub-modules, demos, arrays and records are copied; LMs are shared. */
  deepcopy(): this {
    return this.deepcopyWith(new Map());
  }

  /** @internal {@link deepcopy} with a memo, so an object reachable twice is copied once. */
  deepcopyWith(memo: Map<object, unknown>): this {
    const copy = Object.create(Object.getPrototypeOf(this)) as this;
    memo.set(this, copy);
    for (const [k, v] of Object.entries(this)) (copy as Record<string, unknown>)[k] = deepcopyValue(v, memo);
    return copy;
  }

  /** A deep copy with every predictor reset (no demos, no LM). */
  resetCopy(): this {
    const copy = this.deepcopy();
    for (const p of copy.predictors()) p.reset();
    return copy;
  }

  /** The program's state: one entry per predictor path (DSPy's `dump_state`). */
  dumpState(): ProgramState {
    return Object.fromEntries(this.namedParameters().map(([name, p]) => [name, p.dumpState()]));
  }

  /**
   * Applies saved state to the predictors by path (DSPy's `load_state`). A dry run on a copy goes
   * first, so a bad state throws before anything changes.
   */
  loadState(state: ProgramState, options: LoadStateOptions = {}): void {
    const apply = (m: Module) => {
      for (const [name, p] of m.namedParameters()) {
        if (!(name in state)) throw new Error(`saved state has no entry for predictor "${name}" (has: ${Object.keys(state).join(", ")})`);
        checkPredictorState(state[name], name);
        p.loadState(state[name], options);
      }
    };
    apply(this.deepcopy());
    apply(this);
  }

  /** Saves the state as DSPy JSON (with `metadata.dependency_versions`), atomically. Path must end in `.json`. */
  save(path: string): void {
    writeStateFile(path, this.dumpState());
  }

  /** Loads a state file written by gridtune or by Python DSPy's `Module.save`. */
  load(path: string, options: LoadStateOptions = {}): void {
    this.loadState(readStateFile(path, options.onWarning), options);
  }
}
