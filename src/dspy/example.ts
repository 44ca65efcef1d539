/**
 * Examples and predictions (dspy/primitives/example.py, prediction.py).
 *
 * An {@link Example} is one record of named values — a row of a train or dev set, or a demo. After
 * `withInputs("observation", "mission")` it knows which keys are inputs (`inputs()`) and which are
 * labels (`labels()`). Keys starting with `dspy_` are internal and hidden from `keys()`.
 *
 * A {@link Prediction} is what a module returns: the output fields of its (first) completion, with all
 * completions kept in `completions`.
 */
import type { Usage } from "../lm/types.js";

/** Anything that can become an Example's fields. */
export type ExampleLike = Example | Readonly<Record<string, unknown>>;

/**
 * One record of named values (DSPy's Example): a row of a train or dev set, or a demo. `withInputs(...)`
 * marks which keys are inputs; the rest are labels.
 */
export class Example {
  protected store: Record<string, unknown>;
  /** The input keys set by {@link withInputs}, or null if never set. */
  inputKeys: ReadonlySet<string> | null = null;

  /**
   * @param base fields to start from (a record or another Example, whose fields are copied)
   * @param fields more fields; they win over `base`
   */
  constructor(base?: ExampleLike | null, fields?: Readonly<Record<string, unknown>>) {
    this.store = base instanceof Example ? { ...base.store } : { ...(base ?? {}) };
    if (fields) Object.assign(this.store, fields);
  }

  /** The value of a field, or undefined. */
  get<T = unknown>(key: string): T | undefined {
    return this.store[key] as T | undefined;
  }

  /** The value of a field, or `fallback` when absent. */
  getOr<T>(key: string, fallback: T): T {
    return key in this.store ? (this.store[key] as T) : fallback;
  }

  /** Whether the field is present (a `null` value counts as present, like Python's `None`). */
  has(key: string): boolean {
    return key in this.store && this.store[key] !== undefined;
  }

  set(key: string, value: unknown): this {
    this.store[key] = value;
    return this;
  }

  delete(key: string): this {
    delete this.store[key];
    return this;
  }

  /** Field names, without internal `dspy_` ones unless asked. */
  keys(includeDspy = false): string[] {
    return Object.keys(this.store).filter((k) => includeDspy || !k.startsWith("dspy_"));
  }

  values(includeDspy = false): unknown[] {
    return this.keys(includeDspy).map((k) => this.store[k]);
  }

  items(includeDspy = false): [string, unknown][] {
    return this.keys(includeDspy).map((k) => [k, this.store[k]]);
  }

  /** Number of (non-internal) fields. */
  get length(): number {
    return this.keys().length;
  }

  /** A copy that knows which keys are inputs. */
  withInputs(...keys: string[]): Example {
    const copy = this.copy();
    copy.inputKeys = new Set(keys);
    return copy;
  }

  /** Only the input fields (requires {@link withInputs}). */
  inputs(): Example {
    if (this.inputKeys === null) {
      throw new Error("Inputs have not been set for this example. Use `example.withInputs()` to set them.");
    }
    const keys = this.inputKeys;
    const out = new Example(Object.fromEntries(Object.entries(this.store).filter(([k]) => keys.has(k))));
    out.inputKeys = keys;
    return out;
  }

  /** Every field that is not an input (requires {@link withInputs}). */
  labels(): Example {
    const inputKeys = new Set(this.inputs().keys());
    return new Example(Object.fromEntries(Object.entries(this.store).filter(([k]) => !inputKeys.has(k))));
  }

  /** A shallow copy (same class, same input keys), with `overrides` applied. */
  copy(overrides?: Readonly<Record<string, unknown>>): this {
    const copy = Object.create(Object.getPrototypeOf(this)) as this;
    Object.assign(copy, this);
    copy.store = { ...this.store, ...(overrides ?? {}) };
    return copy;
  }

  /** A copy without the given fields. */
  without(...keys: string[]): this {
    const copy = this.copy();
    for (const k of keys) delete copy.store[k];
    return copy;
  }

  /** A plain record of every field (including internal ones), nested Examples converted too. */
  toDict(): Record<string, unknown> {
    const convert = (v: unknown): unknown => {
      if (v instanceof Example) return v.toDict();
      if (Array.isArray(v)) return v.map(convert);
      if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, convert(x)]));
      }
      return v;
    };
    return Object.fromEntries(Object.entries(this.store).map(([k, v]) => [k, convert(v)]));
  }

  /** Same fields and values (deep comparison of plain data). */
  equals(other: Example): boolean {
    return JSON.stringify(this.toDict()) === JSON.stringify(other.toDict());
  }

  toJSON(): Record<string, unknown> {
    return this.toDict();
  }

  toString(): string {
    const shown = Object.fromEntries(Object.entries(this.store).filter(([k]) => !k.startsWith("dspy_")));
    return `Example(${JSON.stringify(shown)}) (input_keys=${this.inputKeys ? JSON.stringify([...this.inputKeys]) : "None"})`;
  }
}

/** Turns a demo or record into an Example (Examples are returned as they are). */
export function toExample(value: ExampleLike): Example {
  return value instanceof Example ? value : new Example(value);
}

/** The output of a module: the fields of its first completion, all completions, and LM usage. */
export class Prediction extends Example {
  /** Every completion's output fields (one per LM completion; usually one). */
  completions: Record<string, unknown>[] = [];
  /** Token usage of the LM calls that produced this prediction, when known. */
  lmUsage: Usage | undefined = undefined;

  /** A prediction from a list of completions (DSPy's `Prediction.from_completions`); fields from the first. */
  static fromCompletions(completions: Record<string, unknown>[]): Prediction {
    const p = new Prediction(completions[0] ?? {});
    p.completions = completions.map((c) => ({ ...c }));
    return p;
  }

  /** The numeric `score` field (DSPy lets a Prediction with a score act as a float). */
  get score(): number {
    const s = this.get("score");
    if (typeof s !== "number" && typeof s !== "boolean") {
      throw new Error("Prediction object does not have a 'score' field to convert to float.");
    }
    return Number(s);
  }

  override toString(): string {
    return `Prediction(${JSON.stringify(this.toDict())})`;
  }
}
