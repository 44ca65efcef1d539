/**
 * FakeLM: an in-process fake language model for tests (after DSPy's `DummyLM`).
 *
 * This is not a provider and speaks no protocol: `chat()` never leaves the process. It returns
 * replies chosen by the test, records every call, and counts them. Reply sources, tried in order:
 *
 * 1. `respond(messages, options, index)` — a function; returning undefined moves on;
 * 2. `followExamples` — if a demo's user turn carries exactly the current inputs, that demo's
 *    assistant turn is returned verbatim (so the reply echoes the demo's labels, in whatever format the
 *    adapter used for demos);
 * 3. `bySubstring` — the first key contained in the last message gives the reply;
 * 4. `answers` — consumed in order, one per call;
 * 5. `fallback` — else the call throws {@link FakeLMExhaustedError}.
 *
 * A reply is raw text, or a record of output fields rendered as the request expects: JSON when the
 * request has a `responseFormat` (the JSONAdapter), else ChatAdapter sections ending in
 * `[[ ## completed ## ]]`.
 *
 * ```ts
 * const lm = new FakeLM({ answers: [{ reasoning: "free path", action: "move forward" }] });
 * await new ChainOfThought("observation -> action").call({ observation: "…" }, { lm });
 * lm.callCount; // 1
 * ```
 */
import type { ChatMessage, ChatOptions, ChatResult, LM, Usage } from "../../lm/types.js";
import { pyJsonDumps, pyStr } from "../pycompat.js";

/** Raw reply text, or output fields to render in the adapter's format. */
export type FakeReply = string | Readonly<Record<string, unknown>>;

/** One recorded call. */
export interface FakeLMCall {
  messages: ChatMessage[];
  options: ChatOptions;
  /** The text returned. */
  reply: string;
}

/** Options of {@link FakeLM}: the model id, structured-output support, and the replies. */
export interface FakeLMOptions {
  /** Model id reported in results (default `fake/test`). */
  model?: string;
  /** Whether to claim structured-output support (default false). */
  supportsStructuredOutput?: boolean;
  /** False to claim the provider takes no response format at all (JSONAdapter then sends none). */
  supportsResponseFormat?: boolean;
  /** Replies for successive calls. */
  answers?: readonly FakeReply[];
  /** Replies keyed by a substring of the last message (first match in key order wins). */
  bySubstring?: Readonly<Record<string, FakeReply>> | ReadonlyArray<readonly [string, FakeReply]>;
  /** Echo the assistant turn of the demo whose inputs equal the current inputs. */
  followExamples?: boolean;
  /** Computes a reply; return undefined to fall through to the other sources. */
  respond?: (messages: ChatMessage[], options: ChatOptions, index: number) => FakeReply | undefined | Promise<FakeReply | undefined>;
  /** Reply when no source gives one (default: throw). */
  fallback?: FakeReply;
  /** Milliseconds to wait before answering (a number or a function of the call index). */
  delayMs?: number | ((index: number) => number);
  /** Usage reported per call (default: 10 prompt + 5 completion tokens). */
  usage?: Usage;
}

/** No reply source had a reply for a call. */
export class FakeLMExhaustedError extends Error {
  constructor(index: number) {
    super(`FakeLM: no reply for call #${index} (answers exhausted, no substring or demo matched, no fallback)`);
    this.name = "FakeLMExhaustedError";
  }
}

function renderValue(v: unknown): string {
  if (typeof v === "string") return v;
  if (v !== null && typeof v === "object") return pyJsonDumps(v);
  return pyStr(v);
}

/** Output fields as a ChatAdapter reply: `[[ ## k ## ]]` sections, then `[[ ## completed ## ]]`. */
export function chatReply(fields: Readonly<Record<string, unknown>>): string {
  const body = Object.entries(fields)
    .map(([k, v]) => `[[ ## ${k} ## ]]\n${renderValue(v)}`)
    .join("\n\n");
  return `${body}\n\n[[ ## completed ## ]]`;
}

/** The inputs part of a user turn: without the incomplete-demo note and the closing output reminder. */
function inputPart(content: string): string {
  const incomplete = "This is an example of the task, though some input or output fields are not supplied.\n\n";
  let s = content.startsWith(incomplete) ? content.slice(incomplete.length) : content;
  const at = s.lastIndexOf("\n\nRespond with ");
  if (at >= 0) s = s.slice(0, at);
  return s;
}

/**
 * An in-process fake LM for tests: answers from a list or a function of the messages and records every
 * call.
 */
export class FakeLM implements LM {
  readonly model: string;
  readonly provider = "fake";
  readonly supportsStructuredOutput: boolean;
  /** See {@link FakeLMOptions.supportsResponseFormat}. */
  readonly supportsResponseFormat: boolean;
  /** Every call so far, in order. */
  readonly calls: FakeLMCall[] = [];
  /** Calls in flight right now, and the most seen at once. */
  inFlight = 0;
  maxInFlight = 0;
  private answerIndex = 0;

  constructor(private readonly options: FakeLMOptions = {}) {
    this.model = options.model ?? "fake/test";
    this.supportsStructuredOutput = options.supportsStructuredOutput ?? false;
    this.supportsResponseFormat = options.supportsResponseFormat ?? true;
  }

  private started = 0;

  /** How many times `chat` has been called (including calls that threw). */
  get callCount(): number {
    return this.started;
  }

  /** The last call, if any. */
  get lastCall(): FakeLMCall | undefined {
    return this.calls[this.calls.length - 1];
  }

  async chat(messages: ChatMessage[], options: ChatOptions = {}): Promise<ChatResult> {
    const index = this.started++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const delay = typeof this.options.delayMs === "function" ? this.options.delayMs(index) : (this.options.delayMs ?? 0);
      if (delay > 0) await abortableDelay(delay, options.signal);
      options.signal?.throwIfAborted();
      const reply = await this.pick(messages, options, index);
      if (reply === undefined) throw new FakeLMExhaustedError(index);
      const text = typeof reply === "string" ? reply : options.responseFormat ? JSON.stringify(reply, null, 2) : chatReply(reply);
      this.calls.push({ messages: messages.map((m) => ({ ...m })), options: { ...options }, reply: text });
      const usage = this.options.usage ?? { promptTokens: 10, completionTokens: 5, totalTokens: 15 };
      return { text, usage: { ...usage }, cached: false, model: this.model };
    } finally {
      this.inFlight--;
    }
  }

  private async pick(messages: ChatMessage[], options: ChatOptions, index: number): Promise<FakeReply | undefined> {
    const o = this.options;
    if (o.respond) {
      const r = await o.respond(messages, options, index);
      if (r !== undefined) return r;
    }
    if (o.followExamples) {
      const r = this.followExample(messages);
      if (r !== undefined) return r;
    }
    if (o.bySubstring) {
      const last = messages[messages.length - 1]?.content ?? "";
      const entries = Array.isArray(o.bySubstring) ? o.bySubstring : Object.entries(o.bySubstring);
      for (const [key, reply] of entries as [string, FakeReply][]) if (last.includes(key)) return reply;
    }
    if (o.answers && this.answerIndex < o.answers.length) return o.answers[this.answerIndex++];
    return o.fallback;
  }

  private followExample(messages: ChatMessage[]): string | undefined {
    const last = messages[messages.length - 1];
    if (!last || last.role !== "user") return undefined;
    const wanted = inputPart(last.content);
    for (let i = messages.length - 3; i >= 1; i--) {
      const user = messages[i]!;
      const assistant = messages[i + 1]!;
      if (user.role === "user" && assistant.role === "assistant" && inputPart(user.content) === wanted) return assistant.content;
    }
    return undefined;
  }
}

function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
