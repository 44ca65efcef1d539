/**
 * BALROG's `HistoryPromptBuilder` (balrog/prompt_builder/history.py) for text-only agents: the
 * instruction as a user message, then the last events — observations (user) and actions
 * (assistant) — from a queue of 2 × max_text_history events; the newest observation is labelled
 * "Current Observation:", earlier ones "Observation:". With max_text_history 16 the queue holds the
 * last 32 events, so a long episode's prompt may open on an assistant message, as BALROG's does.
 */
import type { ChatMessage } from "../../../lm/types.js";

type Event = { type: "observation"; text: string } | { type: "action"; action: string };

/** The prompt of BALROG's text agents; see the file comment. */
export class BalrogPromptBuilder {
  private instruction: string | null = null;
  private events: Event[] = [];
  private readonly maxEvents: number;

  constructor(readonly maxTextHistory: number) {
    this.maxEvents = 2 * maxTextHistory;
  }

  setInstruction(text: string): void {
    this.instruction = text;
  }

  addObservation(text: string): void {
    this.push({ type: "observation", text });
  }

  addAction(action: string): void {
    this.push({ type: "action", action });
  }

  reset(): void {
    this.events = [];
  }

  private push(e: Event): void {
    this.events.push(e);
    if (this.events.length > this.maxEvents) this.events.splice(0, this.events.length - this.maxEvents);
  }

  /** The messages of BALROG's `get_prompt()`. */
  messages(): ChatMessage[] {
    const out: ChatMessage[] = [];
    if (this.instruction) out.push({ role: "user", content: this.instruction });
    // The newest max_text_history observations keep their text (all of them, with a text-only queue).
    let textNeeded = this.maxTextHistory;
    const withText = new Set<number>();
    for (let i = this.events.length - 1; i >= 0; i--) {
      if (this.events[i]!.type === "observation" && textNeeded > 0) {
        withText.add(i);
        textNeeded--;
      }
    }
    this.events.forEach((e, i) => {
      if (e.type === "action") {
        out.push({ role: "assistant", content: e.action });
        return;
      }
      const parts = [i === this.events.length - 1 ? "Current Observation:" : "Observation:"];
      if (withText.has(i)) parts.push(e.text);
      out.push({ role: "user", content: parts.join("\n") });
    });
    return out;
  }
}
