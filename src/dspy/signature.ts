/**
 * Signatures: the typed input and output fields of one LM call, plus the instructions
 * (dspy/signatures/signature.py).
 *
 * A field has a name, a kind (input or output), a type, a description and a prefix. DSPy's defaults:
 * the description is the placeholder `${name}` (meaning "none"), the prefix is the name in title case
 * plus a colon (`primitive_action` → `Primitive Action:`), and instructions left out become
 * ``Given the fields `a`, `b`, produce the fields `c`.`` Instructions are kept as Python's
 * `inspect.cleandoc` leaves them.
 *
 * Signatures are immutable: `withInstructions`, `withUpdatedField`, `prepend`, `append`, `insert` and
 * `delete` return new ones.
 *
 * ```ts
 * const sig = Signature.parse("observation, mission -> action: Literal['left', 'right']", "Pick one action.");
 * const same = new Signature({
 *   observation: InputField({ desc: "the agent's view" }),
 *   mission: InputField(),
 *   action: OutputField({ type: { literal: ["left", "right"] } }),
 * }, "Pick one action.");
 * ```
 */
import { type FieldType, type LiteralValue, sameFieldType } from "./field-types.js";
import { pyCapitalize, pyCleandoc, pyIsUpper } from "./pycompat.js";

/** Whether a signature field is an `input` or an `output`. */
export type FieldKind = "input" | "output";

/** One field of a signature. */
export interface SignatureField {
  readonly name: string;
  readonly kind: FieldKind;
  readonly type: FieldType;
  /** The description; `${name}` is DSPy's placeholder for "no description". */
  readonly desc: string;
  /** The prefix DSPy keeps in saved state, e.g. `Primitive Action:`. */
  readonly prefix: string;
  /** Reads a reply the type rejects (see {@link FieldOptions.read}). */
  readonly read?: FieldReader;
}

/**
 * Reads an output value that the field's type rejects, as the field means it (gridtune's; DSPy has no
 * such hook): the value, or undefined to keep the type's error. It changes no prompt — the adapters
 * format the field exactly as DSPy does — only what a reply is read as.
 */
export type FieldReader = (value: unknown) => unknown;

/** What a caller may say about a field; everything has DSPy's default. */
export interface FieldOptions {
  desc?: string;
  prefix?: string;
  /** Defaults to `"str"`. */
  type?: FieldType;
  /** Reads a reply the type rejects, e.g. "Move Forward" for a `Literal['move forward', …]` field. */
  read?: FieldReader;
}

/** A field declaration with its kind, as made by {@link InputField} and {@link OutputField}. */
export interface FieldDeclaration extends FieldOptions {
  readonly kind: FieldKind;
}

/** Declares an input field (DSPy's `dspy.InputField(desc=…)`). */
export function InputField(options: FieldOptions = {}): FieldDeclaration {
  return { ...options, kind: "input" };
}

/** Declares an output field (DSPy's `dspy.OutputField(desc=…)`). */
export function OutputField(options: FieldOptions = {}): FieldDeclaration {
  return { ...options, kind: "output" };
}

/** Saved form of a signature: instructions plus each field's prefix and description, in field order. */
export interface SignatureState {
  instructions: string;
  fields: { prefix: string; description: string }[];
}

/** Thrown for a malformed signature string or field list. */
export class SignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SignatureError";
  }
}

/**
 * DSPy's `infer_prefix`: `camelCase`/`snake_case`/`text2number` → `Camel Case`/`Snake Case`/`Text 2 Number`,
 * acronyms kept (`HTMLParser` → `HTML Parser`). The signature adds the colon.
 */
export function inferPrefix(name: string): string {
  let s = name.replace(/(.)([A-Z][a-z]+)/g, "$1_$2");
  s = s.replace(/([a-z0-9])([A-Z])/g, "$1_$2");
  s = s.replace(/([a-zA-Z])(\p{Nd})/gu, "$1_$2");
  s = s.replace(/(\p{Nd})([a-zA-Z])/gu, "$1_$2");
  return s
    .split("_")
    .map((w) => (pyIsUpper(w) ? w : pyCapitalize(w)))
    .join(" ");
}

function defaultInstructions(fields: readonly SignatureField[]): string {
  const list = (kind: FieldKind) =>
    fields
      .filter((f) => f.kind === kind)
      .map((f) => `\`${f.name}\``)
      .join(", ");
  return `Given the fields ${list("input")}, produce the fields ${list("output")}.`;
}

function makeField(name: string, decl: FieldDeclaration): SignatureField {
  if (!/^[\p{L}_][\p{L}\p{N}_]*$/u.test(name)) throw new SignatureError(`field name ${JSON.stringify(name)} is not a Python identifier`);
  if (decl.kind !== "input" && decl.kind !== "output") throw new SignatureError(`field ${name} must be an InputField or an OutputField`);
  return {
    name,
    kind: decl.kind,
    type: decl.type ?? "str",
    desc: decl.desc ?? `\${${name}}`,
    prefix: decl.prefix ?? `${inferPrefix(name)}:`,
    ...(decl.read ? { read: decl.read } : {}),
  };
}

/** A signature's fields: a record of declarations in order, or complete fields. */
export type FieldsSpec = Readonly<Record<string, FieldDeclaration>> | readonly SignatureField[];

/**
 * A DSPy signature: typed input and output fields and the instructions. Build one with
 * `Signature.parse("a, b -> c")` or `new Signature({ a: InputField(), c: OutputField() }, instructions)`;
 * signatures are immutable.
 */
export class Signature {
  /** Inputs first, then outputs (DSPy's `fields`). */
  readonly fields: readonly SignatureField[];
  /** The instructions, normalised as Python's `inspect.cleandoc` does. */
  readonly instructions: string;

  /**
   * @param fields declarations (`{q: InputField(), a: OutputField()}`) or complete fields; inputs are
   *   ordered before outputs whatever the given order.
   * @param instructions omitted or empty → DSPy's default instructions (as `dspy.Signature(fields, "")` does).
   * @param exactInstructions @internal keep `instructions` even when empty (DSPy's `load_state` does).
   */
  constructor(fields: FieldsSpec, instructions?: string, exactInstructions = false) {
    const list: SignatureField[] = Array.isArray(fields)
      ? (fields as readonly SignatureField[]).map((f) => makeField(f.name, f))
      : Object.entries(fields as Record<string, FieldDeclaration>).map(([name, d]) => makeField(name, d));
    const names = new Set<string>();
    for (const f of list) {
      if (names.has(f.name)) throw new SignatureError(`duplicate field name: ${f.name}`);
      names.add(f.name);
    }
    this.fields = Object.freeze([...list.filter((f) => f.kind === "input"), ...list.filter((f) => f.kind === "output")]);
    this.instructions = pyCleandoc(instructions || exactInstructions ? (instructions ?? "") : defaultInstructions(this.fields));
    Object.freeze(this);
  }

  /**
   * Parses DSPy's string form: `"a, b: list[str] -> c: int"`. Untyped fields are `str`; types are
   * `str`, `int`, `float`, `bool`, `list[T]` and `Literal[...]` (with Python literals).
   */
  static parse(spec: string, instructions?: string): Signature {
    return new Signature(parseSignatureString(spec), instructions);
  }

  get inputFields(): readonly SignatureField[] {
    return this.fields.filter((f) => f.kind === "input");
  }

  get outputFields(): readonly SignatureField[] {
    return this.fields.filter((f) => f.kind === "output");
  }

  get inputNames(): string[] {
    return this.inputFields.map((f) => f.name);
  }

  get outputNames(): string[] {
    return this.outputFields.map((f) => f.name);
  }

  /** The field with this name, or undefined. */
  field(name: string): SignatureField | undefined {
    return this.fields.find((f) => f.name === name);
  }

  /** DSPy's `signature` string: `"a, b -> c"`. */
  get signature(): string {
    return `${this.inputNames.join(", ")} -> ${this.outputNames.join(", ")}`;
  }

  toString(): string {
    return this.signature;
  }

  /** Same fields, new instructions. */
  withInstructions(instructions: string): Signature {
    return new Signature(this.fields, instructions);
  }

  /** Same fields, `instructions` appended after a blank line. */
  appendInstructions(instructions: string): Signature {
    return new Signature(this.fields, `${this.instructions}\n\n${instructions}`);
  }

  /** The field `name` with its description, prefix or type replaced. */
  withUpdatedField(name: string, update: FieldOptions): Signature {
    if (!this.field(name)) throw new SignatureError(`no field named ${name}`);
    const fields = this.fields.map((f) =>
      f.name === name
        ? { ...f, ...Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined)) }
        : f,
    );
    return new Signature(fields as SignatureField[], this.instructions);
  }

  /**
   * Inserts a field at `index` among the inputs or among the outputs (its kind decides); negative
   * indices count from the end, `-1` appending.
   */
  insert(index: number, name: string, field: FieldDeclaration): Signature {
    const inputs = [...this.inputFields];
    const outputs = [...this.outputFields];
    const list = field.kind === "input" ? inputs : outputs;
    if (index < 0) index += list.length + 1;
    if (index < 0 || index > list.length) {
      throw new SignatureError(`invalid index to insert: ${index}, must be in [${-list.length - 1}, ${list.length}] for ${field.kind} fields`);
    }
    list.splice(index, 0, makeField(name, field));
    return new Signature([...inputs, ...outputs], this.instructions);
  }

  /** Inserts a field first among its kind (ChainOfThought prepends `reasoning` to the outputs). */
  prepend(name: string, field: FieldDeclaration): Signature {
    return this.insert(0, name, field);
  }

  /** Inserts a field last among its kind. */
  append(name: string, field: FieldDeclaration): Signature {
    return this.insert(-1, name, field);
  }

  /** Removes a field; unknown names leave the signature unchanged. */
  delete(name: string): Signature {
    return new Signature(
      this.fields.filter((f) => f.name !== name),
      this.instructions,
    );
  }

  /**
   * DSPy's `equals`: same instructions and, for every field name, the same kind, description and
   * prefix. Types are not compared (DSPy compares field metadata only).
   */
  equals(other: Signature): boolean {
    if (this.instructions !== other.instructions) return false;
    if (this.fields.length !== other.fields.length) return false;
    return this.fields.every((f) => {
      const g = other.field(f.name);
      return g !== undefined && g.kind === f.kind && g.desc === f.desc && g.prefix === f.prefix;
    });
  }

  /** Same fields (names, kinds, types) in the same order, whatever the descriptions. */
  sameShape(other: Signature): boolean {
    return (
      this.fields.length === other.fields.length &&
      this.fields.every((f, i) => f.name === other.fields[i]!.name && f.kind === other.fields[i]!.kind && sameFieldType(f.type, other.fields[i]!.type))
    );
  }

  /** Saved form: `{instructions, fields: [{prefix, description}]}` in field order. */
  dumpState(): SignatureState {
    return {
      instructions: this.instructions,
      fields: this.fields.map((f) => ({ prefix: f.prefix, description: f.desc })),
    };
  }

  /**
   * Applies a saved form. As in DSPy, fields are matched **by position**, not by name; extra saved
   * fields, or extra fields here, are left alone.
   */
  loadState(state: SignatureState): Signature {
    const fields = this.fields.map((f, i) => {
      const saved = state.fields[i];
      return saved ? { ...f, prefix: saved.prefix, desc: saved.description } : f;
    });
    return new Signature(fields, state.instructions, true);
  }
}

/** A signature or its string form (DSPy's `ensure_signature`). */
export function ensureSignature(signature: string | Signature, instructions?: string): Signature {
  if (typeof signature === "string") return Signature.parse(signature, instructions);
  if (instructions !== undefined) throw new SignatureError("don't give instructions together with a Signature object");
  return signature;
}

// ---- the string form ------------------------------------------------------------------------

function splitTopLevel(s: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "[" || c === "(") depth++;
    else if (c === "]" || c === ")") depth--;
    else if (c === sep && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

function parseLiteralValue(tok: string): LiteralValue {
  const t = tok.trim();
  const q = t[0];
  if ((q === "'" || q === '"') && t.endsWith(q) && t.length >= 2) {
    return t.slice(1, -1).replace(/\\(.)/g, "$1");
  }
  if (t === "True") return true;
  if (t === "False") return false;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t);
  throw new SignatureError(`unsupported Literal value: ${t}`);
}

/** Parses a Python type annotation in the supported subset. */
export function parseTypeAnnotation(text: string): FieldType {
  const t = text.trim();
  const m = /^([A-Za-z_][A-Za-z0-9_.]*)\s*(?:\[(.*)\])?$/s.exec(t);
  if (!m) throw new SignatureError(`unsupported type annotation: ${t}`);
  const base = m[1]!.replace(/^typing\./, "");
  const args = m[2];
  if (args === undefined) {
    if (base === "str" || base === "int" || base === "float" || base === "bool") return base;
    throw new SignatureError(`unsupported type: ${t} (supported: str, int, float, bool, list[T], Literal[...])`);
  }
  if (base === "list" || base === "List") {
    const inner = splitTopLevel(args, ",");
    if (inner.length !== 1) throw new SignatureError(`list takes one type argument: ${t}`);
    return { list: parseTypeAnnotation(inner[0]!) };
  }
  if (base === "Literal") {
    const values = splitTopLevel(args, ",").filter((v, i, all) => v.trim() !== "" || i < all.length - 1);
    return { literal: values.map(parseLiteralValue) };
  }
  throw new SignatureError(`unsupported type: ${t} (supported: str, int, float, bool, list[T], Literal[...])`);
}

function parseFieldList(s: string, kind: FieldKind): [string, FieldDeclaration][] {
  if (s.trim() === "") return [];
  return splitTopLevel(s, ",").map((part) => {
    const colon = part.indexOf(":");
    const name = (colon >= 0 ? part.slice(0, colon) : part).trim();
    if (!/^[\p{L}_][\p{L}\p{N}_]*$/u.test(name)) throw new SignatureError(`invalid field name ${JSON.stringify(name)} in signature`);
    const decl: FieldDeclaration = colon >= 0 ? { kind, type: parseTypeAnnotation(part.slice(colon + 1)) } : { kind };
    return [name, decl];
  });
}

/** `"a, b: int -> c"` → field declarations in order. */
export function parseSignatureString(spec: string): Record<string, FieldDeclaration> {
  const arrows = spec.split("->").length - 1;
  if (arrows !== 1) throw new SignatureError(`Invalid signature format: '${spec}', must contain exactly one '->'.`);
  const [ins, outs] = spec.split("->") as [string, string];
  const inputs = parseFieldList(ins, "input");
  const outputs = parseFieldList(outs, "output");
  const dup = inputs.map(([n]) => n).filter((n) => outputs.some(([m]) => m === n));
  if (dup.length > 0) {
    throw new SignatureError(`Input and output fields must have distinct names, but found duplicates: '${[...new Set(dup)].sort().join(", ")}'.`);
  }
  const seen = new Set<string>();
  for (const [n] of [...inputs, ...outputs]) {
    if (seen.has(n)) throw new SignatureError(`duplicate field name: ${n}`);
    seen.add(n);
  }
  return Object.fromEntries([...inputs, ...outputs]);
}
