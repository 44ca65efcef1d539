/**
 * Field types and how DSPy renders, describes and reads them (dspy/adapters/utils.py).
 *
 * A type is `"str"`, `"int"`, `"float"`, `"bool"`, `{ literal: [...] }` (Python `Literal[...]`) or
 * `{ list: T }` (Python `list[T]`) — the same notation as the recorded fixtures. For each type this
 * module gives its Python name (`list[str]`, `Literal['a', 'b']`), its pydantic JSON schema, the
 * `# note:` line of the ChatAdapter structure block, the rendering of a value into a prompt, and the
 * reading of an LM's text back into a typed value — `json_repair`, then `ast.literal_eval`, then
 * pydantic's lax validation, as `parse_value` does.
 */
import { jsonRepairLoads } from "./json-repair.js";
import {
  type FloatHint,
  pyJsonDumps,
  pyLiteralEval,
  pyNumberStr,
  pyStr,
  pyStrip,
  pyTitle,
} from "./pycompat.js";

/** A value allowed in a `Literal[...]` type. */
export type LiteralValue = string | number | boolean;

/** A field's type, in the fixture notation: `"str" | "int" | "float" | "bool" | {literal} | {list}`. */
export type FieldType = "str" | "int" | "float" | "bool" | { readonly literal: readonly LiteralValue[] } | { readonly list: FieldType };

export function isLiteralType(t: FieldType): t is { readonly literal: readonly LiteralValue[] } {
  return typeof t === "object" && "literal" in t;
}

export function isListType(t: FieldType): t is { readonly list: FieldType } {
  return typeof t === "object" && "list" in t;
}

/** Whether two types are the same. */
export function sameFieldType(a: FieldType, b: FieldType): boolean {
  if (typeof a === "string" || typeof b === "string") return a === b;
  if (isListType(a)) return isListType(b) && sameFieldType(a.list, b.list);
  if (isListType(b)) return false;
  return a.literal.length === b.literal.length && a.literal.every((v, i) => v === b.literal[i]);
}

/** Which integral numbers in a value of this type are Python floats (so print as `1.0`). */
export function floatHint(t: FieldType): FloatHint {
  if (t === "float") return true;
  if (isListType(t)) return { items: floatHint(t.list) };
  return undefined;
}

/** How Python prints a literal's value inside `Literal[...]` (`_quoted_string_for_literal_type_annotation`). */
function quoteLiteral(s: string): string {
  const single = s.includes("'");
  const double = s.includes('"');
  if (single && !double) return `"${s}"`;
  if (double && !single) return `'${s}'`;
  if (single && double) return `'${s.replace(/'/g, "\\'")}'`;
  return `'${s}'`;
}

/** Python's name for the type (`get_annotation_name`): `str`, `list[int]`, `Literal['a', 'b']`. */
export function typeName(t: FieldType): string {
  if (typeof t === "string") return t;
  if (isListType(t)) return `list[${typeName(t.list)}]`;
  const args = t.literal.map((v) => (typeof v === "string" ? quoteLiteral(v) : pyStr(v)));
  return `Literal[${args.join(", ")}]`;
}

function literalJsonType(values: readonly LiteralValue[]): string | undefined {
  const kinds = new Set(
    values.map((v) => (typeof v === "string" ? "string" : typeof v === "boolean" ? "boolean" : Number.isInteger(v) ? "integer" : "number")),
  );
  return kinds.size === 1 ? [...kinds][0] : undefined;
}

/** pydantic's JSON schema for the type, keys in pydantic's (alphabetical) order. */
export function pydanticSchema(t: FieldType): Record<string, unknown> {
  switch (t) {
    case "str":
      return { type: "string" };
    case "int":
      return { type: "integer" };
    case "float":
      return { type: "number" };
    case "bool":
      return { type: "boolean" };
  }
  if (isListType(t)) return { items: pydanticSchema(t.list), type: "array" };
  const type = literalJsonType(t.literal);
  const body: Record<string, unknown> = t.literal.length === 1 ? { const: t.literal[0] } : { enum: [...t.literal] };
  return type ? { ...body, type } : body;
}

/** DSPy's `move_type_to_front`: `type` first, the other keys sorted, recursively. */
function typeFirst(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(typeFirst);
  if (v && typeof v === "object") {
    const keys = Object.keys(v).sort((a, b) => (a === "type" ? -1 : b === "type" ? 1 : a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(keys.map((k) => [k, typeFirst((v as Record<string, unknown>)[k])]));
  }
  return v;
}

/** The schema DSPy prints in a `# note:` line (`_get_json_schema`): pydantic's, with `type` first. */
export function promptJsonSchema(t: FieldType): Record<string, unknown> {
  return typeFirst(pydanticSchema(t)) as Record<string, unknown>;
}

/**
 * The placeholder DSPy writes under a field's header in the system message (`translate_field_type`):
 * `{name}`, plus for non-str outputs 8 spaces and `# note: the value you produce …`.
 */
export function fieldPlaceholder(name: string, t: FieldType, isInput: boolean): string {
  let desc = "";
  if (isInput || t === "str") desc = "";
  else if (t === "bool") desc = "must be True or False";
  else if (t === "int" || t === "float") desc = `must be a single ${t} value`;
  else if (isLiteralType(t)) desc = `must exactly match (no extra characters) one of: ${t.literal.map((v) => pyStr(v)).join("; ")}`;
  else desc = `must adhere to the JSON schema: ${pyJsonDumps(promptJsonSchema(t))}`;
  return `{${name}}${desc ? " ".repeat(8) + `# note: the value you produce ${desc}` : ""}`;
}

/** Turns nested Examples and similar objects with `toDict()` into plain data (pydantic's `mode="json"` dump). */
export function toJsonable(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(toJsonable);
  const withToDict = value as { toDict?: () => Record<string, unknown> };
  if (typeof withToDict.toDict === "function") return toJsonable(withToDict.toDict());
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toJsonable(v)]));
  if (value instanceof Set) return [...value].map(toJsonable);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonable(v)]));
}

function formatBlob(blob: string): string {
  if (!blob.includes("\n") && !blob.includes("«") && !blob.includes("»")) return `«${blob}»`;
  return `«««\n    ${blob.replace(/\n/g, "\n    ")}\n»»»`;
}

/**
 * A value as DSPy writes it into a prompt (`format_field_value`): a list for a `str` field as
 * `[1] «a»` lines (one item: `«a»`, none: `N/A`); lists and objects as Python `json.dumps`; anything
 * else as Python `str()` (`True`, `None`, `0.5`).
 */
export function formatFieldValue(t: FieldType, value: unknown): string {
  if (Array.isArray(value) && t === "str") {
    if (value.length === 0) return "N/A";
    if (value.length === 1) return formatBlob(pyStr(toJsonable(value[0])));
    return value.map((v, i) => `[${i + 1}] ${formatBlob(pyStr(toJsonable(v)))}`).join("\n");
  }
  const jsonable = toJsonable(value);
  if (jsonable !== null && typeof jsonable === "object") return pyJsonDumps(jsonable, undefined, floatHint(t));
  return pyStr(jsonable, t === "float");
}

/** Raised when a value does not fit a field type (pydantic's ValidationError or DSPy's ValueError). */
export class FieldValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FieldValueError";
  }
}

/** Python `==` between JSON-like scalars: `True == 1 == 1.0`, strings only equal strings. */
function pyEq(a: unknown, b: unknown): boolean {
  const num = (v: unknown) => (typeof v === "boolean" ? (v ? 1 : 0) : v);
  if (typeof a === "string" || typeof b === "string") return a === b;
  return num(a) === num(b);
}

function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  if (typeof v === "string") return "str";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (Array.isArray(v)) return "list";
  return "dict";
}

const INT_STR = /^[+-]?\d(?:_?\d)*$/;
const FLOAT_STR = /^[+-]?(?:(?:\d(?:_?\d)*)?\.?\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?|\d(?:_?\d)*\.|inf|infinity|nan)$/i;

/**
 * pydantic's lax-mode validation of an already-decoded value (`TypeAdapter(t).validate_python(v)`):
 * `int` takes integral floats, bools and numeric strings; `float` takes ints, bools and numeric
 * strings; `bool` takes 0/1 and `yes`/`no`/`true`/`off`…; `str` takes only strings; lists validate
 * each item. Throws {@link FieldValueError}.
 */
export function validateFieldValue(t: FieldType, v: unknown): unknown {
  const bad = (what: string): never => {
    throw new FieldValueError(`Input should be ${what} [input_value=${pyStr(v)}, input_type=${pyTypeName(v)}]`);
  };
  switch (t) {
    case "str":
      return typeof v === "string" ? v : bad("a valid string");
    case "int": {
      if (typeof v === "boolean") return v ? 1 : 0;
      if (typeof v === "number") return Number.isInteger(v) ? v : bad("a valid integer, got a number with a fractional part");
      if (typeof v === "string") {
        const s = pyStrip(v);
        if (INT_STR.test(s)) return Number(s.replace(/_/g, ""));
        if (FLOAT_STR.test(s) && !/inf|nan/i.test(s)) {
          const f = Number(s.replace(/_/g, ""));
          if (Number.isInteger(f)) return f;
          return bad("a valid integer, got a number with a fractional part");
        }
        return bad("a valid integer, unable to parse string as an integer");
      }
      return bad("a valid integer");
    }
    case "float": {
      if (typeof v === "boolean") return v ? 1 : 0;
      if (typeof v === "number") return v;
      if (typeof v === "string") {
        const s = pyStrip(v);
        if (FLOAT_STR.test(s)) {
          const low = s.toLowerCase().replace(/^[+]/, "");
          if (/^-?inf(inity)?$/.test(low)) return low.startsWith("-") ? -Infinity : Infinity;
          if (/^-?nan$/.test(low)) return NaN;
          return Number(s.replace(/_/g, ""));
        }
        return bad("a valid number, unable to parse string as a number");
      }
      return bad("a valid number");
    }
    case "bool": {
      if (typeof v === "boolean") return v;
      if (typeof v === "number") return v === 0 ? false : v === 1 ? true : bad("a valid boolean");
      if (typeof v === "string") {
        const s = v.toLowerCase();
        if (["0", "off", "f", "false", "n", "no"].includes(s)) return false;
        if (["1", "on", "t", "true", "y", "yes"].includes(s)) return true;
        return bad("a valid boolean, unable to interpret input");
      }
      return bad("a valid boolean");
    }
  }
  if (isListType(t)) {
    if (!Array.isArray(v)) return bad("a valid list");
    return v.map((item) => validateFieldValue(t.list, item));
  }
  const hit = t.literal.find((a) => (typeof a === "string" ? a === v : typeof v !== "string" && pyEq(a, v)));
  if (hit !== undefined) return hit;
  return bad(`${t.literal.map((x) => (typeof x === "string" ? `'${x}'` : pyStr(x))).join(" or ")}`);
}

/**
 * Reads a field's value from an LM reply (`parse_value`): `str` as is (non-strings via Python `str()`);
 * a `Literal` by exact match, else after stripping whitespace, a `Literal[...]`/`str[...]` wrapper and
 * one pair of quotes; everything else through json_repair → `ast.literal_eval` → pydantic validation.
 * Throws {@link FieldValueError} when the value does not fit.
 */
export function parseFieldValue(t: FieldType, value: unknown): unknown {
  if (t === "str") return typeof value === "string" ? value : pyStr(value);
  if (isLiteralType(t)) {
    const allowed = t.literal;
    if (allowed.some((a) => pyEq(a, value))) return value;
    if (typeof value === "string") {
      let v = pyStrip(value);
      if ((v.startsWith("Literal[") || v.startsWith("str[")) && v.endsWith("]")) v = v.slice(v.indexOf("[") + 1, -1);
      if (v.length > 1 && v[0] === v[v.length - 1] && (v[0] === '"' || v[0] === "'")) v = v.slice(1, -1);
      if (allowed.some((a) => pyEq(a, v))) return v;
    }
    const shown = typeof value === "string" ? `'${value}'` : pyStr(value);
    throw new FieldValueError(`${shown} is not one of (${allowed.map((a) => (typeof a === "string" ? `'${a}'` : pyStr(a))).join(", ")}${allowed.length === 1 ? "," : ""})`);
  }
  if (typeof value !== "string") return validateFieldValue(t, value);
  let candidate = jsonRepairLoads(value);
  if (candidate === "" && value !== "") {
    try {
      candidate = pyLiteralEval(value);
    } catch {
      candidate = value;
    }
  }
  return validateFieldValue(t, candidate);
}

/**
 * Reads an output field's value: {@link parseFieldValue} for its type, and when the type rejects the
 * value, the field's own `read` (which returns undefined to keep the type's error).
 */
export function parseOutputValue(field: { readonly type: FieldType; readonly read?: (value: unknown) => unknown }, value: unknown): unknown {
  try {
    return parseFieldValue(field.type, value);
  } catch (e) {
    const read = field.read?.(value);
    if (read !== undefined) return read;
    throw e;
  }
}

/** Formats a number the way Python prints a value of this type (used by fakes and reports). */
export function formatNumber(t: FieldType, n: number): string {
  return pyNumberStr(n, t === "float");
}

/**
 * The OpenAI-style strict JSON schema for a set of output fields (DSPy's
 * `_get_structured_outputs_response_format`): a `DSPyProgramOutputs` object with a titled property per
 * field, every property required, no additional properties.
 */
export function structuredOutputSchema(fields: ReadonlyArray<{ name: string; type: FieldType }>): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const f of fields) {
    const schema = pydanticSchema(f.type);
    properties[f.name] = Object.fromEntries(
      Object.entries({ ...schema, title: pyTitle(f.name).replace(/_/g, " ") }).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
  }
  return {
    additionalProperties: false,
    properties,
    required: fields.map((f) => f.name),
    title: "DSPyProgramOutputs",
    type: "object",
  };
}
