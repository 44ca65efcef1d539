/**
 * Python string and number behaviour that DSPy's prompts depend on, reproduced exactly.
 *
 * DSPy builds prompts with `str.strip()`, `str.splitlines()`, `inspect.cleandoc`, `textwrap.dedent`,
 * `str()` of floats and booleans, and `json.dumps` with Python's separators. JavaScript's `trim`,
 * `split("\n")`, `String(0.1)` and `JSON.stringify` differ in small ways (which characters count as
 * whitespace, `1e-05` vs `0.00001`, `True` vs `true`, `", "` vs `","`), and every difference shows up
 * as a byte in a prompt. Everything here is a pure function of its input.
 */

/** Characters for which Python's `str.isspace()` is true. */
const PY_WS = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const LEADING_WS = new RegExp(`^[${PY_WS}]+`);
const TRAILING_WS = new RegExp(`[${PY_WS}]+$`);
const IS_WS = new RegExp(`^[${PY_WS}]$`);

/** Python `ch.isspace()` for a single character. */
export function pyIsSpace(ch: string): boolean {
  return IS_WS.test(ch);
}

/** Python `s.strip()` (no argument): strips Python whitespace, which is not JavaScript's `trim` set. */
export function pyStrip(s: string): string {
  return s.replace(LEADING_WS, "").replace(TRAILING_WS, "");
}

/** Python `s.lstrip()` (no argument). */
export function pyLstrip(s: string): string {
  return s.replace(LEADING_WS, "");
}

/** Python `s.rstrip()` (no argument). */
export function pyRstrip(s: string): string {
  return s.replace(TRAILING_WS, "");
}

/** Python `s.splitlines()`: splits on every Unicode line boundary; a trailing boundary adds no empty line. */
export function pySplitlines(s: string): string[] {
  const lines = s.split(/\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Python `s.expandtabs(tabsize)`: columns restart after `\n` and `\r`. */
export function pyExpandTabs(s: string, tabsize = 8): string {
  let out = "";
  let col = 0;
  for (const ch of s) {
    if (ch === "\t") {
      const n = tabsize > 0 ? tabsize - (col % tabsize) : 0;
      out += " ".repeat(n);
      col += n;
    } else if (ch === "\n" || ch === "\r") {
      out += ch;
      col = 0;
    } else {
      out += ch;
      col += 1;
    }
  }
  return out;
}

/** Python 3.11 `inspect.cleandoc`: how DSPy normalises a signature's instructions. */
export function pyCleandoc(doc: string): string {
  const lines = pyExpandTabs(doc).split("\n");
  let margin = Infinity;
  for (const line of lines.slice(1)) {
    const content = pyLstrip(line).length;
    if (content > 0) margin = Math.min(margin, line.length - content);
  }
  if (lines.length > 0) lines[0] = pyLstrip(lines[0]!);
  if (margin < Infinity) for (let i = 1; i < lines.length; i++) lines[i] = lines[i]!.slice(margin);
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  while (lines.length > 0 && lines[0] === "") lines.shift();
  return lines.join("\n");
}

/** Python `textwrap.dedent`: removes the common leading spaces/tabs; blank lines become empty. */
export function pyDedent(text: string): string {
  text = text.replace(/^[ \t]+$/gm, "");
  let margin: string | null = null;
  for (const m of text.matchAll(/^([ \t]*)[^ \t\n]/gm)) {
    const indent = m[1]!;
    if (margin === null) margin = indent;
    else if (indent.startsWith(margin)) continue;
    else if (margin.startsWith(indent)) margin = indent;
    else {
      let i = 0;
      while (i < margin.length && i < indent.length && margin[i] === indent[i]) i++;
      margin = margin.slice(0, i);
    }
  }
  if (margin) {
    const lines = text.split("\n");
    text = lines.map((l) => (l.startsWith(margin!) ? l.slice(margin!.length) : l)).join("\n");
  }
  return text;
}

function isCased(ch: string): boolean {
  return ch.toLowerCase() !== ch.toUpperCase();
}

/** Python `s.isupper()`: at least one cased character and no lowercase ones. */
export function pyIsUpper(s: string): boolean {
  let cased = false;
  for (const ch of s) {
    if (!isCased(ch)) continue;
    if (ch !== ch.toUpperCase() || ch === ch.toLowerCase()) return false;
    cased = true;
  }
  return cased;
}

/** Python `s.capitalize()`: first character upper-cased, the rest lower-cased. */
export function pyCapitalize(s: string): string {
  const chars = [...s];
  if (chars.length === 0) return "";
  return chars[0]!.toUpperCase() + chars.slice(1).join("").toLowerCase();
}

/** Python `s.title()`: a cased character after an uncased one is upper-cased, the rest lower-cased. */
export function pyTitle(s: string): string {
  let out = "";
  let prevCased = false;
  for (const ch of s) {
    if (isCased(ch)) {
      out += prevCased ? ch.toLowerCase() : ch.toUpperCase();
      prevCased = true;
    } else {
      out += ch;
      prevCased = false;
    }
  }
  return out;
}

/** Python `repr(x)` / `str(x)` for a float: shortest round-trip digits, exponent outside 1e-4 ≤ |x| < 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  const [mant, expStr] = Math.abs(x).toExponential().split("e") as [string, string];
  const exp = parseInt(expStr, 10);
  const digits = mant.replace(".", "");
  if (exp >= -4 && exp < 16) {
    if (exp >= 0) {
      const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
      const frac = digits.slice(exp + 1) || "0";
      return `${sign}${intPart}.${frac}`;
    }
    return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
}

/** Python `str(n)` for an int held in a JavaScript number. */
export function pyIntStr(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
}

/**
 * Python `str(value)` for a number: an integer prints as an int unless `asFloat` says the value is a
 * Python float (JavaScript cannot tell `1` from `1.0`; callers pass the declared field type).
 */
export function pyNumberStr(n: number, asFloat = false): string {
  return Number.isInteger(n) && !asFloat ? pyIntStr(n) : pyFloatRepr(n);
}

/** Python's repr of a str: single quotes unless the text holds a `'` and no `"`. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += "\\x" + code.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + quote;
}

/**
 * Python `repr(value)` for JSON-like data (what `str()` prints for a list or dict):
 * `['a', 1, True, None]`, `{'k': 0.5}`.
 */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (typeof value === "string") return pyStrRepr(value);
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") return pyNumberStr(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(", ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${pyStrRepr(k)}: ${pyRepr(v)}`).join(", ")}}`;
  }
  return String(value);
}

/** Python `str(value)`: strings as they are, `True`/`False`/`None`, numbers as Python prints them. */
export function pyStr(value: unknown, asFloat = false): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") return pyNumberStr(value, asFloat);
  return pyRepr(value);
}

/** Which numbers in a value are Python floats although integral: `true` for the value itself, or per item/key. */
export type FloatHint = boolean | { items: FloatHint } | { keys: Record<string, FloatHint> } | undefined;

function itemHint(h: FloatHint): FloatHint {
  return h && typeof h === "object" && "items" in h ? h.items : undefined;
}
function keyHint(h: FloatHint, k: string): FloatHint {
  return h && typeof h === "object" && "keys" in h ? h.keys[k] : undefined;
}

/**
 * Python `json.dumps(value, ensure_ascii=False)` — `", "` and `": "` separators — or, with `indent`,
 * `json.dumps(value, indent=n, ensure_ascii=False)` (`","` at line ends). Floats print as Python does.
 */
export function pyJsonDumps(value: unknown, indent?: number, hint?: FloatHint): string {
  const rec = (v: unknown, h: FloatHint, depth: number): string => {
    if (v === null || v === undefined) return "null";
    if (typeof v === "string") return JSON.stringify(v);
    if (typeof v === "boolean") return v ? "true" : "false";
    if (typeof v === "number") {
      if (Number.isNaN(v)) return "NaN";
      if (v === Infinity) return "Infinity";
      if (v === -Infinity) return "-Infinity";
      return pyNumberStr(v, h === true);
    }
    if (Array.isArray(v)) {
      if (v.length === 0) return "[]";
      const items = v.map((x) => rec(x, itemHint(h), depth + 1));
      if (indent === undefined) return `[${items.join(", ")}]`;
      const pad = "\n" + " ".repeat(indent * (depth + 1));
      return `[${pad}${items.join("," + pad)}\n${" ".repeat(indent * depth)}]`;
    }
    if (typeof v === "object") {
      const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
      if (entries.length === 0) return "{}";
      const items = entries.map(([k, x]) => `${JSON.stringify(k)}: ${rec(x, keyHint(h, k), depth + 1)}`);
      if (indent === undefined) return `{${items.join(", ")}}`;
      const pad = "\n" + " ".repeat(indent * (depth + 1));
      return `{${pad}${items.join("," + pad)}\n${" ".repeat(indent * depth)}}`;
    }
    return JSON.stringify(String(v));
  };
  return rec(value, hint, 0);
}

/**
 * Python `round(x, ndigits)` for floats: correctly rounded from the exact binary value, ties to even
 * (`round(0.125, 2) == 0.12`, `round(2.675, 2) == 2.67`).
 */
export function pyRound(x: number, ndigits = 0): number {
  if (!Number.isFinite(x) || x === 0) return x;
  if (Math.abs(x) < 10 ** -(ndigits + 1)) return x < 0 ? -0 : 0;
  if (Math.abs(x) >= 1e21) return x;
  const exact = Math.abs(x).toFixed(100); // exact decimal expansion of the double (enough digits for |x| ≥ 1e-3)
  const [intPart, frac] = exact.split(".") as [string, string];
  const kept = intPart + frac.slice(0, ndigits);
  const rest = frac.slice(ndigits);
  let roundUp: boolean;
  if (rest[0]! > "5") roundUp = true;
  else if (rest[0]! < "5") roundUp = false;
  else if (/[1-9]/.test(rest.slice(1))) roundUp = true;
  else roundUp = (parseInt(kept[kept.length - 1]!, 10) & 1) === 1; // exact tie: to even
  let digits = BigInt(kept);
  if (roundUp) digits += 1n;
  const s = digits.toString().padStart(ndigits + 1, "0");
  const text = ndigits > 0 ? `${s.slice(0, s.length - ndigits)}.${s.slice(s.length - ndigits)}` : s;
  const r = parseFloat(text);
  return x < 0 ? -r : r;
}

/** Raised by {@link pyLiteralEval} for text that is not a Python literal (like Python's ValueError/SyntaxError). */
export class PyLiteralError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PyLiteralError";
  }
}

/**
 * Python `ast.literal_eval(text)` for the literals an LM writes: numbers (underscores, hex/octal/binary,
 * exponents, signs), strings in any quote style with escapes (adjacent strings concatenate),
 * `True`/`False`/`None`, lists, tuples (as arrays), sets (as arrays) and dicts. Comments are skipped.
 * Complex numbers and bytes are not supported. Throws {@link PyLiteralError} otherwise.
 */
export function pyLiteralEval(text: string): unknown {
  const src = text.replace(/^[ \t]+/, "");
  let i = 0;
  let depth = 0;
  const fail = (msg: string): never => {
    throw new PyLiteralError(`malformed node or string: ${msg}`);
  };
  const skip = () => {
    for (;;) {
      const ch = src[i];
      if (ch === " " || ch === "\t" || ch === "\x0c") i++;
      else if (ch === "\\" && src[i + 1] === "\n") i += 2;
      else if (ch === "#") while (i < src.length && src[i] !== "\n") i++;
      else if ((ch === "\n" || ch === "\r") && depth > 0) i++;
      else break;
    }
  };
  const parseString = (): string => {
    const prefix = /^[rRuU]?/.exec(src.slice(i))![0];
    const raw = prefix.toLowerCase() === "r";
    i += prefix.length;
    const q = src[i]!;
    const triple = src.startsWith(q.repeat(3), i);
    const close = triple ? q.repeat(3) : q;
    i += close.length;
    let out = "";
    for (;;) {
      if (i >= src.length) fail("unterminated string");
      if (src.startsWith(close, i)) {
        i += close.length;
        return out;
      }
      const ch = src[i]!;
      if (!triple && (ch === "\n" || ch === "\r")) fail("unterminated string");
      if (ch === "\\") {
        const n = src[i + 1];
        if (n === undefined) fail("unterminated string");
        if (raw) {
          out += ch + n;
          i += 2;
          continue;
        }
        i += 2;
        const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", v: "\x0b", "0": "\0", "\n": "" };
        if (n === "x" || n === "u" || n === "U") {
          const len = n === "x" ? 2 : n === "u" ? 4 : 8;
          const hex = src.slice(i, i + len);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) fail("bad escape");
          out += String.fromCodePoint(parseInt(hex, 16));
          i += len;
        } else if (/[0-7]/.test(n)) {
          let oct = n;
          while (oct.length < 3 && /[0-7]/.test(src[i] ?? "")) oct += src[i++];
          out += String.fromCodePoint(parseInt(oct, 8));
        } else if (n in simple) out += simple[n];
        else out += "\\" + n;
        continue;
      }
      out += ch;
      i++;
    }
  };
  const parseNumber = (): number => {
    const m =
      /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*)?\.?\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?|\d(?:_?\d)*\.)/.exec(
        src.slice(i),
      );
    if (!m || m[0] === "") fail("bad number");
    const tok = m![0].replace(/_/g, "");
    i += m![0].length;
    if (/^[0-9a-zA-Z_]/.test(src[i] ?? "")) fail("bad number");
    if (/^0[xX]/.test(tok)) return parseInt(tok.slice(2), 16);
    if (/^0[oO]/.test(tok)) return parseInt(tok.slice(2), 8);
    if (/^0[bB]/.test(tok)) return parseInt(tok.slice(2), 2);
    if (/^0\d+$/.test(tok) && /[1-9]/.test(tok)) fail("leading zeros");
    return Number(tok);
  };
  const parseSeq = (closeCh: string): { items: unknown[]; trailingComma: boolean } => {
    depth++;
    const items: unknown[] = [];
    let trailingComma = false;
    skip();
    while (src[i] !== closeCh) {
      items.push(parseValue());
      skip();
      trailingComma = false;
      if (src[i] === ",") {
        i++;
        trailingComma = true;
        skip();
      } else if (src[i] !== closeCh) fail("expected , or " + closeCh);
    }
    i++;
    depth--;
    return { items, trailingComma };
  };
  const parseAtom = (): unknown => {
    skip();
    const ch = src[i];
    if (ch === undefined) fail("unexpected end");
    if (ch === "[") {
      i++;
      return parseSeq("]").items;
    }
    if (ch === "(") {
      i++;
      const { items, trailingComma } = parseSeq(")");
      return items.length === 1 && !trailingComma ? items[0] : items;
    }
    if (ch === "{") {
      i++;
      depth++;
      skip();
      if (src[i] === "}") {
        i++;
        depth--;
        return {};
      }
      const first = parseValue();
      skip();
      if (src[i] === ":") {
        const obj: Record<string, unknown> = {};
        let key = first;
        for (;;) {
          i++;
          const v = parseValue();
          obj[typeof key === "string" ? key : pyRepr(key)] = v;
          skip();
          if (src[i] === ",") {
            i++;
            skip();
            if (src[i] === "}") break;
            key = parseValue();
            skip();
            if (src[i] !== ":") fail("expected :");
          } else break;
        }
        if (src[i] !== "}") fail("expected }");
        i++;
        depth--;
        return obj;
      }
      const items = [first];
      while (src[i] === ",") {
        i++;
        skip();
        if (src[i] === "}") break;
        items.push(parseValue());
        skip();
      }
      if (src[i] !== "}") fail("expected }");
      i++;
      depth--;
      return items;
    }
    if (/^[rRuU]?['"]/.test(src.slice(i, i + 2))) {
      let s = parseString();
      for (;;) {
        const save = i;
        skip();
        if (/^[rRuU]?['"]/.test(src.slice(i, i + 2))) s += parseString();
        else {
          i = save;
          break;
        }
      }
      return s;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (word) {
      i += word[0].length;
      if (word[0] === "True") return true;
      if (word[0] === "False") return false;
      if (word[0] === "None") return null;
      fail(word[0]);
    }
    if (/[0-9.]/.test(ch!)) return parseNumber();
    return fail(`unexpected ${JSON.stringify(ch)}`);
  };
  const parseValue = (): unknown => {
    skip();
    if (src[i] === "-" || src[i] === "+") {
      const neg = src[i] === "-";
      i++;
      const v = parseValue();
      if (typeof v !== "number") fail("unary operator on a non-number");
      return neg ? -(v as number) : v;
    }
    return parseAtom();
  };
  const first = parseValue();
  skip();
  let result = first;
  if (src[i] === ",") {
    // A bare tuple: `1, 2`
    const items = [first];
    while (src[i] === ",") {
      i++;
      skip();
      if (i >= src.length || /^[\r\n]/.test(src[i]!)) break;
      items.push(parseValue());
      skip();
    }
    result = items;
  }
  while (i < src.length && /[\r\n \t\x0c]/.test(src[i]!)) {
    i++;
    skip();
  }
  if (i < src.length) fail("trailing text");
  return result;
}
