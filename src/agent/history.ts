/**
 * The agent's memory: its last K steps of the episode (what it read and what it did), given to the
 * predictor as one more input field, `history`, so the program stays a plain DSPy signature
 * (`history, observation -> reasoning, primitive_action`) that Python DSPy loads and runs.
 *
 * The field's text lists the steps oldest first:
 *
 *     2 steps ago
 *     Observation:
 *     Mission: get to the green goal square
 *     …
 *     Action: turn left
 *
 *     1 step ago
 *     …
 *
 * and says so when the episode has just begun. Training examples take these steps from the
 * dataset's episode (the expert's actions); in closed loop an {@link AgentMemory} records the
 * agent's own observations and answers.
 */
import { ACTION_PHRASES } from "../minigrid/constants.js";

/** One remembered step: the observation text the agent read and the action it took (a phrase). */
export interface HistoryStep {
  observation: string;
  action: string;
}

/** The `history` field's text when nothing happened yet in the episode. */
export const EMPTY_HISTORY = "None: this is the first step of the episode.";

/** The `history` field's text for some past steps, oldest first (see the file comment). */
export function formatHistory(steps: readonly HistoryStep[]): string {
  if (steps.length === 0) return EMPTY_HISTORY;
  return steps
    .map((s, i) => {
      const ago = steps.length - i;
      return `${ago} step${ago > 1 ? "s" : ""} ago\nObservation:\n${s.observation}\nAction: ${s.action}`;
    })
    .join("\n\n");
}

/** The last `size` steps of one episode, as the agent lived them; make a new one per episode. */
export class AgentMemory {
  private readonly kept: HistoryStep[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`a history size is a whole number ≥ 0, got ${size}`);
  }

  /** The remembered steps, oldest first. */
  get steps(): readonly HistoryStep[] {
    return this.kept;
  }

  /** Remembers a step; the oldest falls out beyond `size`. */
  record(observation: string, action: string): void {
    if (this.size === 0) return;
    this.kept.push({ observation, action });
    if (this.kept.length > this.size) this.kept.shift();
  }

  /** Remembers an agent's decision that was acted on: its observation and the action's phrase (else its raw answer). */
  recordAdvice(advice: { observation: string; action: number | null; hint: string | null }): void {
    this.record(advice.observation, advice.action !== null ? (ACTION_PHRASES[advice.action] ?? String(advice.action)) : (advice.hint ?? ""));
  }
}
