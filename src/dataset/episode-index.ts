/**
 * Random access to one episode's steps, for readers that open episodes one at a time (the dashboard):
 * steps.jsonl is scanned once for the byte ranges of each episode — only the first bytes of a line are
 * decoded for its ids, the action is read in place — and an episode is then read straight from its
 * ranges. (`indexDataset` in ./load.ts is the other index: every step's offset, for sampling.)
 */
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { episodeId, type EpisodeId, type EpisodeRef } from "./ids.js";
import { parseStepLine } from "./parse.js";
import type { StepRecord } from "./record.js";

/** A run of consecutive lines of one episode in steps.jsonl: bytes [start, end), `count` lines, the first numbered `line`. */
export interface StepRange {
  start: number;
  end: number;
  count: number;
  line: number;
}

/** Where each episode's steps lie in steps.jsonl, and the counts seen on the way. */
export interface EpisodeRanges {
  episodes: Map<EpisodeId, StepRange[]>;
  /** Steps per category ('0'…'6'). */
  perCategory: Record<string, number>;
  steps: number;
}

const KEY_PREFIX_BYTES = 512;
const ENV_RE = /"env_id"\s*:\s*"((?:[^"\\]|\\.)*)"/;
const SEED_RE = /"seed"\s*:\s*(-?\d+)/;
const EPISODE_RE = /"episode"\s*:\s*(-?\d+)/;
const ACTION_NEEDLE = Buffer.from('"action":');

/**
 * Scans the first `size` bytes of a steps.jsonl once: for each line its episode (from the first bytes;
 * a line whose ids lie further in is parsed in full) and its action.
 */
export async function indexEpisodeRanges(path: string, size: number): Promise<EpisodeRanges> {
  const episodes = new Map<EpisodeId, StepRange[]>();
  const perCategory: Record<string, number> = {};
  let steps = 0;
  let lineNo = 0;
  let last: StepRange | null = null;
  let lastKey = "";

  const handle = (buf: Buffer, s: number, e: number, abs: number, absEnd: number) => {
    lineNo++;
    let end = e;
    if (end > s && buf[end - 1] === 13) end--;
    if (end <= s) return;
    const prefix = buf.toString("utf8", s, Math.min(end, s + KEY_PREFIX_BYTES));
    const env = ENV_RE.exec(prefix);
    const seed = SEED_RE.exec(prefix);
    const ep = EPISODE_RE.exec(prefix);
    const key =
      env && seed && ep
        ? episodeId({ env_id: JSON.parse(`"${env[1]}"`) as string, seed: Number(seed[1]), episode: Number(ep[1]) })
        : episodeId(parseStepLine(buf.toString("utf8", s, end), { path, line: lineNo }));
    const line = buf.subarray(s, end);
    const at = line.indexOf(ACTION_NEEDLE);
    if (at >= 0) {
      let k = at + ACTION_NEEDLE.length;
      while (line[k] === 32) k++;
      const d = line[k]! - 48;
      if (d >= 0 && d <= 9) perCategory[String(d)] = (perCategory[String(d)] ?? 0) + 1;
    }
    steps++;
    if (last && lastKey === key && last.end === abs) {
      last.end = absEnd;
      last.count++;
      return;
    }
    const range: StepRange = { start: abs, end: absEnd, count: 1, line: lineNo };
    const list = episodes.get(key);
    if (list) list.push(range);
    else episodes.set(key, [range]);
    last = range;
    lastKey = key;
  };

  if (size === 0) return { episodes, perCategory, steps };
  let carry: Buffer = Buffer.alloc(0);
  let base = 0;
  const stream = createReadStream(path, { highWaterMark: 1 << 20, end: size - 1 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      handle(buf, start, nl, base + start, base + nl + 1);
      start = nl + 1;
    }
    carry = buf.subarray(start);
    base += start;
  }
  if (carry.length > 0) handle(carry, 0, carry.length, base, base + carry.length);
  return { episodes, perCategory, steps };
}

/** Every step record of one episode (checked, defaults filled), in step order; [] when the index has no such episode. */
export async function readEpisodeSteps(path: string, ranges: EpisodeRanges, episode: EpisodeRef): Promise<StepRecord[]> {
  const list = ranges.episodes.get(episodeId(episode));
  if (!list) return [];
  const records: StepRecord[] = [];
  const fh = await open(path, "r");
  try {
    for (const range of list) {
      const buf = Buffer.allocUnsafe(range.end - range.start);
      await fh.read(buf, 0, buf.length, range.start);
      let line = range.line;
      for (const text of buf.toString("utf8").split("\n")) {
        if (text.trim() === "") continue;
        records.push(parseStepLine(text, { path, line: line++ }));
      }
    }
  } finally {
    await fh.close();
  }
  records.sort((a, b) => a.step - b.step);
  return records;
}
