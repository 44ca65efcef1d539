/**
 * Loading a dataset directory in bounded memory.
 *
 * `openDataset` checks the directory and reads the manifest. `indexDataset` streams steps.jsonl line
 * by line and keeps a compact index — per step: the episode it belongs to, the action, and where its
 * line starts in the file (about 16 bytes a step, so a million steps take ~16 MB). Sampling picks
 * indices from that index and `readSteps` re-reads only the chosen lines. A corrupt line fails with
 * `file:line`.
 */
import { closeSync, createReadStream, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ProgressCallback } from "../util/progress.js";
import { DatasetError } from "./errors.js";
import { episodeId, type EpisodeId } from "./ids.js";
import { parseEpisodeLine, parseJsonLine, parseStepLine, toStepRecord } from "./parse.js";
import { DATASET_FORMAT, EPISODES_FILE, MANIFEST_FILE, STEPS_FILE, type EpisodeRecord, type Manifest, type StepRecord } from "./record.js";

export { DatasetError };

/** An opened dataset directory: its manifest and the paths of its step and episode files. */
export interface Dataset {
  dir: string;
  manifest: Manifest;
  stepsPath: string;
  episodesPath: string;
}

/** Check a dataset directory and read its manifest. */
export function openDataset(dir: string): Dataset {
  if (!existsSync(dir)) throw new DatasetError(`dataset directory ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw new DatasetError(`${dir} is not a directory`);
  if (readdirSync(dir).length === 0) throw new DatasetError(`dataset directory ${dir} is empty (run \`gridtune collect --out ${dir}\`)`);
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) throw new DatasetError(`${manifestPath} is missing: ${dir} is not a gridtune dataset`);
  const manifest = readManifest(manifestPath);
  const stepsPath = join(dir, manifest.files?.steps ?? STEPS_FILE);
  const episodesPath = join(dir, manifest.files?.episodes ?? EPISODES_FILE);
  for (const p of [stepsPath, episodesPath]) if (!existsSync(p)) throw new DatasetError(`${p} is missing`);
  return { dir, manifest, stepsPath, episodesPath };
}

/**
 * Reads a manifest.json: a JSON object of format `gridtune-dataset/1`. Only the format is checked — a
 * hand-written or older manifest may lack counts or files, and readers fall back (files to the
 * standard names, counts to an index of steps.jsonl).
 */
export function readManifest(path: string): Manifest {
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new DatasetError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  if (manifest === null || typeof manifest !== "object" || Array.isArray(manifest) || (manifest as { format?: unknown }).format !== DATASET_FORMAT) {
    throw new DatasetError(`${path}: format is ${JSON.stringify((manifest as { format?: unknown } | null)?.format)}, expected "${DATASET_FORMAT}"`);
  }
  return manifest as Manifest;
}

/** Stream a JSON Lines file: one parsed object per non-empty line (not checked further), with its 1-based line number and byte offset. */
export async function* readJsonl<T>(path: string): AsyncGenerator<{ value: T; line: number; offset: number }> {
  const stream = createReadStream(path);
  let carry: Buffer | null = null;
  let line = 0;
  let offset = 0; // file offset of carry[0]
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      line++;
      const text = buf.toString("utf8", start, nl);
      if (text.trim() !== "") yield { value: parseJsonLine(text, { path, line }) as T, line, offset: offset + start };
      start = nl + 1;
    }
    carry = start < buf.length ? buf.subarray(start) : null;
    offset += start;
  }
  if (carry && carry.length > 0) {
    line++;
    const text = carry.toString("utf8");
    if (text.trim() !== "") yield { value: parseJsonLine(text, { path, line }) as T, line, offset };
  }
}


/** How many bytes of steps.jsonl are indexed between two looks at the signal (the read stream's chunk size). */
const CHUNK = 1 << 16;

/** What {@link indexDataset} listens to and reports to: a signal checked between chunks, and byte progress. */
export interface ReadHooks {
  /** Checked before the read and about every 64 KiB of steps.jsonl; an abort rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Called with `{phase: "index", done, total}` in bytes of steps.jsonl: at the start, about every half
   * percent, and at the end.
   */
  progress?: ProgressCallback;
}

/** The compact index of every step. */
export interface StepIndex {
  count: number;
  /** Episode number (into `episodes`) of each step. */
  episodeOf: Int32Array;
  /** Ground-truth action of each step. */
  action: Uint8Array;
  /** Byte offset of each step's line in steps.jsonl. */
  offset: Float64Array;
  /** Line number of each step (for error messages). */
  line: Int32Array;
  /** Distinct episodes in file order. */
  episodes: EpisodeId[];
  /** Steps per category ('0'…'6'). */
  categories: Record<string, number>;
}

/**
 * Stream steps.jsonl once and build the index (validating every line). `hooks.signal` is checked
 * between chunks; `hooks.progress` gets `{phase: "index", done, total}` in bytes.
 */
export async function indexDataset(ds: Dataset, hooks: ReadHooks = {}): Promise<StepIndex> {
  let cap = 1024;
  let episodeOf = new Int32Array(cap);
  let action = new Uint8Array(cap);
  let offset = new Float64Array(cap);
  let lineOf = new Int32Array(cap);
  const episodes: EpisodeId[] = [];
  const episodeIds = new Map<string, number>();
  const categories: Record<string, number> = {};
  let n = 0;
  const { signal, progress } = hooks;
  signal?.throwIfAborted();
  const bytes = progress ? statSync(ds.stepsPath).size : 0;
  const every = Math.max(CHUNK, Math.floor(bytes / 200)); // progress about every half percent
  let nextCheck = CHUNK;
  let nextReport = every;
  progress?.({ phase: "index", done: 0, total: bytes });
  for await (const { value, line, offset: off } of readJsonl<Record<string, unknown>>(ds.stepsPath)) {
    if (off >= nextCheck) {
      // About once per chunk read: the signal, and now and then the progress.
      nextCheck = off + CHUNK;
      signal?.throwIfAborted();
      if (progress && off >= nextReport) {
        nextReport = off + every;
        progress({ phase: "index", done: off, total: bytes });
      }
    }
    const r = toStepRecord(value, { path: ds.stepsPath, line });
    if (n === cap) {
      cap *= 2;
      const grow = <T extends Int32Array | Uint8Array | Float64Array>(a: T, make: (n: number) => T): T => {
        const b = make(cap);
        b.set(a);
        return b;
      };
      episodeOf = grow(episodeOf, (k) => new Int32Array(k));
      action = grow(action, (k) => new Uint8Array(k));
      offset = grow(offset, (k) => new Float64Array(k));
      lineOf = grow(lineOf, (k) => new Int32Array(k));
    }
    const ek = episodeId(r);
    let e = episodeIds.get(ek);
    if (e === undefined) {
      e = episodes.length;
      episodeIds.set(ek, e);
      episodes.push(ek);
    }
    episodeOf[n] = e;
    action[n] = r.action;
    offset[n] = off;
    lineOf[n] = line;
    const c = String(r.action);
    categories[c] = (categories[c] ?? 0) + 1;
    n++;
  }
  progress?.({ phase: "index", done: bytes, total: bytes });
  if (n === 0) throw new DatasetError(`${ds.stepsPath} has no steps`);
  return { count: n, episodeOf: episodeOf.subarray(0, n), action: action.subarray(0, n), offset: offset.subarray(0, n), line: lineOf.subarray(0, n), episodes, categories };
}

/** Read the full records of some steps (by index position), in the order given. */
export function readSteps(ds: Dataset, index: StepIndex, which: ArrayLike<number>): StepRecord[] {
  const order = Array.from(which).map((w, k) => ({ w, k })).sort((a, b) => index.offset[a.w]! - index.offset[b.w]!);
  const out: StepRecord[] = new Array(which.length);
  const fd = openSync(ds.stepsPath, "r");
  try {
    let buf = Buffer.alloc(1 << 16);
    for (const { w, k } of order) {
      const start = index.offset[w]!;
      let len = 0;
      for (;;) {
        if (len === buf.length) {
          const b = Buffer.alloc(buf.length * 2);
          buf.copy(b);
          buf = b;
        }
        const got = readSync(fd, buf, len, buf.length - len, start + len);
        const nl = buf.indexOf(10, len);
        if (nl >= 0 && nl < len + got) {
          len = nl;
          break;
        }
        len += got;
        if (got === 0) break;
      }
      out[k] = parseStepLine(buf.toString("utf8", 0, len), { path: ds.stepsPath, line: index.line[w]! });
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

/** Every episode record (episodes.jsonl is small: one line per episode). */
export async function readEpisodes(ds: Dataset): Promise<EpisodeRecord[]> {
  return readEpisodeFile(ds.episodesPath);
}

/** Every record of an episodes.jsonl file, checked, in file order (read at once: the file is small). */
export function readEpisodeFile(path: string): EpisodeRecord[] {
  const out: EpisodeRecord[] = [];
  let line = 0;
  for (const text of readFileSync(path, "utf8").split("\n")) {
    line++;
    if (text.trim() !== "") out.push(parseEpisodeLine(text, { path, line }));
  }
  return out;
}

/**
 * Python-dict style, as the original pipeline printed it: {'0': 12, '2': 40}. Action categories are
 * listed in numeric order; other categories (subgoal verbs) in the order given.
 */
export function formatCategories(c: Record<string, number>): string {
  const keys = Object.keys(c);
  if (keys.every((k) => /^\d+$/.test(k))) keys.sort((a, b) => Number(a) - Number(b));
  return `{${keys.map((k) => `'${k}': ${c[k]}`).join(", ")}}`;
}
