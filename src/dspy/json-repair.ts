/**
 * A tolerant JSON reader after Python's `json_repair.loads`, which DSPy uses to read typed output
 * fields and JSONAdapter replies.
 *
 * Valid JSON is read as `json.loads` reads it. Otherwise the text is scanned for the first `{` or `[`
 * (skipping prose and code fences); a valid JSON value found there is taken as it is, else it is read
 * leniently: single or curly quotes, unquoted keys and
 * values, `True`/`False`/`null` in any case, trailing or missing commas, missing closing brackets.
 * Several top-level values come back as a list, except that a value with the same shape as the one
 * before it replaces it (json_repair treats it as an update). Text with no object or array gives `""`,
 * as json_repair does.
 *
 * This covers what LMs write in practice; json_repair has many more heuristics (comments, unescaped
 * quotes inside strings, schema-guided repair) that are not reproduced.
 */
import { pyIsSpace, pyRstrip } from "./pycompat.js";

const STRING_DELIMITERS = ['"', "'", "“", "”"];
const NUMBER_CHARS = new Set("0123456789-.eE/,_");

/** `json.loads` first, then a lenient parse; `""` when nothing JSON-like is found. */
export function jsonRepairLoads(text: string): unknown {
  try {
    return pythonJsonLoads(text);
  } catch {
    return new LenientParser(text).parseTopLevel();
  }
}

/** Python `json.loads`: JSON.parse plus `NaN`, `Infinity`, `-Infinity`. Throws on invalid JSON. */
export function pythonJsonLoads(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    if (!/NaN|Infinity/.test(text)) throw e;
    const marked = text.replace(/("(?:[^"\\]|\\.)*")|-?Infinity|NaN/g, (m, str: string | undefined) =>
      str ? str : `"\u0000${m}"`,
    );
    return JSON.parse(marked, (_k, v) => {
      if (typeof v !== "string" || !v.startsWith("\u0000")) return v;
      const tok = v.slice(1);
      return tok === "NaN" ? NaN : tok === "Infinity" ? Infinity : -Infinity;
    });
  }
}

/** Where a strict JSON value starting at `start` ends (exclusive), or -1 (Python's `raw_decode` grammar). */
function scanJsonValue(s: string, start: number): number {
  const ws = (i: number) => {
    while (i < s.length && " \t\n\r".includes(s[i]!)) i++;
    return i;
  };
  const str = (i: number): number => {
    if (s[i] !== '"') return -1;
    for (i++; i < s.length; i++) {
      const c = s[i]!;
      if (c === '"') return i + 1;
      if (c < " ") return -1;
      if (c === "\\") {
        const n = s[i + 1];
        if (n === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) return -1;
          i += 5;
        } else if (n !== undefined && '"\\/bfnrt'.includes(n)) i++;
        else return -1;
      }
    }
    return -1;
  };
  const value = (i: number): number => {
    const c = s[i];
    if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      i = ws(i + 1);
      if (s[i] === close) return i + 1;
      for (;;) {
        if (c === "{") {
          i = str(i);
          if (i < 0) return -1;
          i = ws(i);
          if (s[i] !== ":") return -1;
          i = ws(i + 1);
        }
        i = value(i);
        if (i < 0) return -1;
        i = ws(i);
        if (s[i] === ",") i = ws(i + 1);
        else if (s[i] === close) return i + 1;
        else return -1;
      }
    }
    if (c === '"') return str(i);
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null|NaN|Infinity|-Infinity)/.exec(s.slice(i, i + 400));
    return m ? i + m[0].length : -1;
  };
  return value(start);
}

type Ctx = "object_key" | "object_value" | "array";

function sameShape(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameShape(x, b[i]));
  }
  if (a === null || b === null) return a === b;
  if (typeof a !== typeof b) return false;
  if (typeof a === "object") {
    const ka = Object.keys(a as object);
    const kb = Object.keys(b as object);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => k in (b as object) && sameShape((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  if (typeof a === "number") return Number.isInteger(a) === Number.isInteger(b as number);
  return true;
}

function isStrictlyEmpty(v: unknown): boolean {
  if (typeof v === "string" || Array.isArray(v)) return v.length === 0;
  return v !== null && typeof v === "object" && Object.keys(v).length === 0;
}

function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === "") return false;
  return !isStrictlyEmpty(v);
}

class LenientParser {
  private i = 0;
  private readonly ctx: Ctx[] = [];
  private triedValidSuffix = false;
  constructor(private readonly s: string) {}

  parseTopLevel(): unknown {
    let json: unknown = this.parseJson();
    if (this.i < this.s.length) {
      const all: unknown[] = [json];
      while (this.i < this.s.length) {
        const commaSeparated = this.nextIsCommaSeparated();
        const j = this.parseJson();
        if (truthy(j)) {
          if (!commaSeparated && sameShape(all[all.length - 1], j)) all.pop();
          else if (!truthy(all[all.length - 1])) all.pop();
          all.push(j);
        } else this.i++;
      }
      json = all.length === 1 ? all[0] : all;
    }
    return json;
  }

  private nextIsCommaSeparated(): boolean {
    let k = this.i;
    while (k < this.s.length && pyIsSpace(this.s[k]!)) k++;
    if (this.s[k] === ",") return true;
    k = this.i - 1;
    while (k >= 0 && pyIsSpace(this.s[k]!)) k--;
    return k >= 0 && this.s[k] === ",";
  }

  private get ch(): string | undefined {
    return this.s[this.i];
  }

  private skipWs(): void {
    while (this.i < this.s.length && pyIsSpace(this.s[this.i]!)) this.i++;
  }

  private parseJson(): unknown {
    for (;;) {
      const c = this.ch;
      if (c === undefined) return "";
      if ((c === "{" || c === "[") && this.ctx.length === 0 && this.i > 0 && !this.triedValidSuffix) {
        // json_repair's fast path: a valid JSON value after some prose is read as it is.
        this.triedValidSuffix = true;
        const end = scanJsonValue(this.s, this.i);
        if (end > 0) {
          const value = pythonJsonLoads(this.s.slice(this.i, end));
          this.i = end;
          return value;
        }
      }
      if (c === "{") {
        this.i++;
        return this.parseObject();
      }
      if (c === "[") {
        this.i++;
        return this.parseArray();
      }
      if (this.ctx.length > 0) {
        if (STRING_DELIMITERS.includes(c) || /\p{L}/u.test(c)) return this.parseString();
        if (/[0-9]/.test(c) || c === "-" || c === ".") return this.parseNumber();
      }
      this.i++;
    }
  }

  private parseObject(): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    for (;;) {
      this.skipWs();
      const c = this.ch;
      if (c === undefined) break;
      if (c === "}") {
        this.i++;
        break;
      }
      if (c === ",") {
        this.i++;
        continue;
      }
      this.ctx.push("object_key");
      let key: unknown = "";
      if (c === "{" || c === "[") {
        // A nested container where a key should be: skip it.
        this.parseJson();
        this.ctx.pop();
        continue;
      }
      key = this.parseString();
      this.ctx.pop();
      this.skipWs();
      if (this.ch === ":") this.i++;
      else if (this.ch === "}" || this.ch === undefined) {
        if (key !== "") obj[String(key)] = "";
        continue;
      }
      this.skipWs();
      this.ctx.push("object_value");
      let value: unknown = "";
      if (this.ch !== "," && this.ch !== "}") value = this.parseJson();
      this.ctx.pop();
      obj[String(key)] = value;
      // Junk after a value (e.g. the `+16` of `1e+16`, which json_repair reads as `1`) is skipped.
      this.skipWs();
      while (this.ch !== undefined && this.ch !== "," && this.ch !== "}" && !STRING_DELIMITERS.includes(this.ch)) this.i++;
    }
    return obj;
  }

  private parseArray(): unknown[] {
    const arr: unknown[] = [];
    this.ctx.push("array");
    this.skipWs();
    let c = this.ch;
    while (c !== undefined && c !== "]" && c !== "}") {
      const value = this.parseJson();
      if (isStrictlyEmpty(value) && this.ch !== "]" && this.ch !== ",") this.i++;
      else if (!(value === "..." && this.s[this.i - 1] === ".")) arr.push(value);
      c = this.ch;
      while (c !== undefined && c !== "]" && (pyIsSpace(c) || c === ",")) {
        this.i++;
        c = this.ch;
      }
    }
    this.i++;
    this.ctx.pop();
    return arr;
  }

  private parseBooleanOrNull(): boolean | null | "" {
    const table: Record<string, [string, boolean | null]> = { t: ["true", true], f: ["false", false], n: ["null", null] };
    const start = this.i;
    const entry = table[(this.ch ?? "").toLowerCase()];
    if (!entry) return "";
    let k = 0;
    while (k < entry[0].length && (this.s[this.i] ?? "").toLowerCase() === entry[0][k]) {
      k++;
      this.i++;
    }
    if (k === entry[0].length) return entry[1];
    this.i = start;
    return "";
  }

  private parseString(): unknown {
    const context = this.ctx[this.ctx.length - 1];
    const c = this.ch ?? "";
    if (!STRING_DELIMITERS.includes(c)) {
      if (context !== "object_key" && "tfnTFN".includes(c)) {
        const b = this.parseBooleanOrNull();
        if (b !== "") {
          // Only a whole word counts: `nothing` is a string, not `n` + `othing`.
          if (!/[\p{L}\p{N}_]/u.test(this.ch ?? "")) return b;
          this.i -= String(b === null ? "null" : b).length;
        }
      }
      // An unquoted string runs to the next structural character for its context.
      const stops = context === "object_key" ? ":}" : context === "object_value" ? ",}" : ",]";
      const start = this.i;
      while (this.i < this.s.length && !stops.includes(this.s[this.i]!)) this.i++;
      return this.s.slice(start, this.i).trim();
    }
    const open = c;
    const close = open === "“" ? "”" : open;
    this.i++;
    let out = "";
    while (this.i < this.s.length) {
      const ch = this.s[this.i]!;
      if (ch === close || (open === "”" && ch === "“")) {
        this.i++;
        // json_repair drops trailing whitespace from a string that ends in a newline.
        return out.endsWith("\n") ? pyRstrip(out) : out;
      }
      if (ch === "\\") {
        const n = this.s[this.i + 1];
        const esc: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", "/": "/", "\\": "\\", '"': '"', "'": "'" };
        if (n !== undefined && n in esc) {
          out += esc[n];
          this.i += 2;
          continue;
        }
        if (n === "u" && /^[0-9a-fA-F]{4}$/.test(this.s.slice(this.i + 2, this.i + 6))) {
          out += String.fromCharCode(parseInt(this.s.slice(this.i + 2, this.i + 6), 16));
          this.i += 6;
          continue;
        }
      }
      out += ch;
      this.i++;
    }
    return pyRstrip(out); // unterminated: take the rest
  }

  private parseNumber(): unknown {
    const inArray = this.ctx[this.ctx.length - 1] === "array";
    const start = this.i;
    let num = "";
    while (this.i < this.s.length && NUMBER_CHARS.has(this.s[this.i]!) && (!inArray || this.s[this.i] !== ",")) {
      if (this.s[this.i] !== "_") num += this.s[this.i];
      this.i++;
    }
    if (/\p{L}/u.test(this.ch ?? "")) {
      this.i = start;
      const context = this.ctx[this.ctx.length - 1];
      const stops = context === "object_value" ? ",}" : ",]";
      while (this.i < this.s.length && !stops.includes(this.s[this.i]!)) this.i++;
      return this.s.slice(start, this.i).trim();
    }
    if (num && "-eE/,".includes(num[num.length - 1]!)) {
      num = num.slice(0, -1);
      this.i--;
    }
    if (num.includes(",")) return num;
    const n = Number(num);
    if (num === "" || Number.isNaN(n) || !/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(num)) return num;
    return n;
  }
}
