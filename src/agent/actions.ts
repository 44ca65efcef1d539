/**
 * The agent's answer vocabulary: the seven action phrases (index-aligned with Minigrid's actions) and
 * the subgoal verbs, with tolerant parsing of what an LM writes back.
 */
import { ACTION_NAMES, ACTION_PHRASES, type ActionIndex } from "../minigrid/constants.js";

export { ACTION_PHRASES };
/**
 * One of the seven action phrases the agent answers with (`turn left` … `done`), index-aligned with the
 * action numbers.
 */
export type ActionPhrase = (typeof ACTION_PHRASES)[number];
/** What the agent predicts: the next primitive `action`, or the next `subgoal` in words. */
export type HintType = "action" | "subgoal";
/** Every {@link HintType}, in the CLI's order. */
export const HINT_TYPES: readonly HintType[] = ["action", "subgoal"];
// The encodings are the encoding layer's own list (re-exported here for the agent's callers).
export { ENCODING_TYPES, type EncodingType } from "../encoding/index.js";
import type { EncodingType } from "../encoding/index.js";
/** What an encoding shows: the agent's egocentric view (`agent`) or the whole grid (`full`). */
export type ViewType = "agent" | "full";
/** Every {@link ViewType}. */
export const VIEW_TYPES: readonly ViewType[] = ["agent", "full"];

/**
 * The subgoal verbs of the expert's grammar (src/expert/subgoal.ts), the categories of subgoal hints.
 * BabyAI datasets add the bot's verb-less `explore` and `done`, which are categories of their own.
 */
export const SUBGOAL_VERBS = ["go to", "pick up", "open", "close", "drop"] as const;

const ALIASES: Record<string, ActionIndex> = {};
ACTION_PHRASES.forEach((p, i) => {
  const a = i as ActionIndex;
  ALIASES[p] = a;
  ALIASES[ACTION_NAMES[i]!] = a;
  ALIASES[p.replace(" ", "_")] = a;
  ALIASES[p.replace(" ", "")] = a;
  ALIASES[String(i)] = a;
});
Object.assign(ALIASES, { forward: 2, "go forward": 2, "move_forward": 2, pickup: 3, "pick_up": 3, "turn_left": 0, "turn_right": 1, left: 0, right: 1 });

/** Action phrases as real models write them inside a sentence (after `_`/`-` became spaces), word-bounded. */
const PHRASES_IN_TEXT: [RegExp, ActionIndex][] = [
  [/\bturn(?:s|ing)? (?:to the )?left\b/, 0],
  [/\bturn(?:s|ing)? (?:to the )?right\b/, 1],
  [/\b(?:move|moves|moving|go|goes|going|step|walk) forwards?\b/, 2],
  [/\b(?:pick(?:s|ing)? up|pickup)\b/, 3],
  [/\bdrop\b/, 4],
  [/\btoggle\b/, 5],
  [/\bdone\b/, 6],
];

/**
 * The action index an LM answer names: an exact phrase (`turn left`), a Minigrid name (`left`,
 * `pickup`), an index (`2`), any case, with underscores or hyphens (`move_forward`, `Pick-Up`), stray
 * quotes, markdown, punctuation or an `action 2` prefix, BALROG's `go forward`, or a sentence that
 * names exactly one action ("I will turn left to face the door."). Null when it names none or several.
 */
export function parseAction(text: unknown): ActionIndex | null {
  if (typeof text === "number") return Number.isInteger(text) && text >= 0 && text <= 6 ? (text as ActionIndex) : null;
  if (typeof text !== "string") return null;
  let t = text.trim().toLowerCase().replace(/[*`]+/g, "").replace(/^["'\s]+|["'.!\s]+$/g, "");
  t = t.replace(/^action\s*[:#]?\s*/, "").trim();
  if (t in ALIASES) return ALIASES[t]!;
  // "2 (move forward)", "move forward (2)"
  const idx = /^([0-6])\b/.exec(t) ?? /\(([0-6])\)$/.exec(t);
  if (idx) return Number(idx[1]) as ActionIndex;
  const words = t.replace(/[_-]+/g, " ").replace(/\s+/g, " ");
  if (words in ALIASES) return ALIASES[words]!;
  const hits = new Set<ActionIndex>();
  for (const [re, a] of PHRASES_IN_TEXT) if (re.test(words)) hits.add(a);
  return hits.size === 1 ? [...hits][0]! : null;
}

/**
 * The reader of the agent's `primitive_action` field (a {@link FieldReader}): an answer that is not
 * one of the seven phrases verbatim ("Move Forward", "pick_up", "forward", "Turn Left.", a sentence
 * naming one action) is read as that action's phrase — no second (JSON) LM call. Ambiguous text
 * (two actions, or none) stays a parse failure.
 */
export function readActionLabel(value: unknown): ActionPhrase | undefined {
  const a = parseAction(value);
  return a === null ? undefined : ACTION_PHRASES[a];
}

/** The phrase of an action index. */
export function actionPhrase(a: number): ActionPhrase {
  const p = ACTION_PHRASES[a];
  if (p === undefined) throw new RangeError(`not an action index 0–6: ${a}`);
  return p;
}

/** The category of a subgoal sentence: its verb (`go to`, `pick up`, …), or the text itself when it has none. */
export function subgoalCategory(subgoal: string): string {
  const s = subgoal.trim().toLowerCase();
  for (const v of SUBGOAL_VERBS) if (s.startsWith(v + " ")) return v;
  return s === "" ? "none" : s;
}

/** Normalised subgoal text for comparison: lower case, single spaces, no trailing punctuation. */
export function normalizeSubgoal(text: unknown): string {
  if (typeof text !== "string") return "";
  return text.trim().toLowerCase().replace(/^["'`]+|["'`.!]+$/g, "").replace(/\s+/g, " ").trim();
}

/** The action a subgoal's verb most directly calls for, when there is one (pick up → 3, drop → 4, open/close → 5). */
export function subgoalAction(subgoal: string): ActionIndex | null {
  switch (subgoalCategory(subgoal)) {
    case "pick up":
      return 3;
    case "drop":
      return 4;
    case "open":
    case "close":
      return 5;
    default:
      return null;
  }
}
