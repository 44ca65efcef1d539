/**
 * The one reader of dataset lines: a line of steps.jsonl or episodes.jsonl is parsed, checked and given
 * the same defaults wherever it is read (the pipeline's loader, the dashboard). A bad line throws a
 * {@link DatasetError} naming `file:line` and the field.
 *
 * Defaults for fields an older or hand-written dataset may lack (one per field):
 * steps — `mission` "", `optimal_actions` [action], `optimal_exact` false, `subgoal` "", `reward` 0,
 * `terminated`/`truncated` false, `carrying` null; episodes — `length` 0, `success` false, `return` 0,
 * `optimal_exact` false, `planner` "".
 */
import type { ActionIndex } from "../minigrid/constants.js";
import { DatasetError } from "./errors.js";
import type { EpisodeRecord, StepRecord } from "./record.js";

/** Where a line came from, for error messages. */
export interface LineOrigin {
  path: string;
  line: number;
}

type Json = Record<string, unknown>;

/** One JSON Lines line as an object; a DatasetError naming `path:line` when it is not one. */
export function parseJsonLine(text: string, at: LineOrigin): Json {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new DatasetError(`${at.path}:${at.line}: corrupt JSON line (${(e as Error).message})`);
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new DatasetError(`${at.path}:${at.line}: expected a JSON object`);
  return v as Json;
}

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

function checkKey(r: Json, at: LineOrigin): void {
  const bad = (what: string) => new DatasetError(`${at.path}:${at.line}: ${what}`);
  if (typeof r.env_id !== "string") throw bad("env_id is missing");
  if (!Number.isInteger(r.seed) || !Number.isInteger(r.episode)) throw bad("seed and episode must be integers");
}

/** Checks a parsed steps.jsonl object and fills the defaults (in place); returns it as a StepRecord. */
export function toStepRecord(r: Json, at: LineOrigin): StepRecord {
  const bad = (what: string) => new DatasetError(`${at.path}:${at.line}: ${what}`);
  checkKey(r, at);
  if (!Number.isInteger(r.step)) throw bad("step must be an integer");
  const action = r.action;
  if (!Number.isInteger(action) || (action as number) < 0 || (action as number) > 6) throw bad(`action ${JSON.stringify(action)} is not 0–6`);
  for (const k of ["width", "height", "agent_dir"]) if (!isNum(r[k])) throw bad(`${k} must be a number`);
  for (const k of ["agent_pos", "image", "grid"]) if (!Array.isArray(r[k])) throw bad(`${k} must be an array`);
  if (r.optimal_actions !== undefined && !Array.isArray(r.optimal_actions)) throw bad("optimal_actions must be an array");
  r.mission = typeof r.mission === "string" ? r.mission : "";
  r.optimal_actions ??= [action as ActionIndex];
  r.optimal_exact = r.optimal_exact === true;
  r.subgoal = typeof r.subgoal === "string" ? r.subgoal : "";
  r.reward = isNum(r.reward) ? r.reward : 0;
  r.terminated = r.terminated === true;
  r.truncated = r.truncated === true;
  r.carrying = Array.isArray(r.carrying) ? r.carrying : null;
  return r as unknown as StepRecord;
}

/** A line of steps.jsonl, parsed, checked and with the defaults filled. */
export function parseStepLine(text: string, at: LineOrigin): StepRecord {
  return toStepRecord(parseJsonLine(text, at), at);
}

/** A line of episodes.jsonl, parsed, checked and with the defaults filled. */
export function parseEpisodeLine(text: string, at: LineOrigin): EpisodeRecord {
  const r = parseJsonLine(text, at);
  checkKey(r, at);
  r.length = isNum(r.length) ? r.length : 0;
  r.success = r.success === true;
  r.return = isNum(r.return) ? r.return : 0;
  r.optimal_exact = r.optimal_exact === true;
  r.planner = typeof r.planner === "string" ? r.planner : "";
  return r as unknown as EpisodeRecord;
}
