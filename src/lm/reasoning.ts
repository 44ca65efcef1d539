/**
 * Reasoning models think before they answer. Only the final answer may reach a parser, so the
 * thinking is taken out here and returned as `ChatResult.reasoning`:
 *
 * - `<think>…</think>` blocks in the content (DeepSeek-R1 distills, Qwen3, on Ollama, vLLM, llama.cpp
 *   or Groq with `reasoning_format: raw`): the answer is what follows the last `</think>`; a
 *   `<think>` never closed (the reply was cut off while thinking) leaves as answer only what came
 *   before it;
 * - separate fields: Groq's `message.reasoning`, `message.reasoning_content` (vLLM, DeepSeek, LM
 *   Studio and other OpenAI-compatible servers), Ollama's `message.thinking` — read by the providers.
 *
 * Groq's reasoning models are asked for `reasoning_format: "parsed"` (the thinking in
 * `message.reasoning`, never mixed into the content; JSON mode does not allow `raw`); the gpt-oss
 * models take `include_reasoning` instead, as Groq documents.
 */

/** A reply split into the answer and the model's thinking. */
export interface SplitReply {
  answer: string;
  reasoning?: string;
}

const OPEN = /<think(?:ing)?>/gi;
const CLOSE = /<\/think(?:ing)?>/gi;

/** Takes `<think>` blocks out of a reply (see the module comment for the unclosed case). */
export function splitReasoning(text: string): SplitReply {
  if (!/<\/?think(?:ing)?>/i.test(text)) return { answer: text };
  let lastClose = -1;
  let closeLen = 0;
  for (const m of text.matchAll(CLOSE)) {
    lastClose = m.index;
    closeLen = m[0].length;
  }
  if (lastClose >= 0) {
    const thought = text.slice(0, lastClose).replace(OPEN, "").replace(CLOSE, "").trim();
    const after = text.slice(lastClose + closeLen);
    // A new <think> after the last </think> was cut off: keep only what precedes it.
    const reopened = after.search(OPEN);
    const answer = (reopened >= 0 ? after.slice(0, reopened) : after).trim();
    const more = reopened >= 0 ? after.slice(reopened).replace(OPEN, "").trim() : "";
    return { answer, reasoning: [thought, more].filter(Boolean).join("\n\n") };
  }
  const open = text.search(OPEN);
  return { answer: text.slice(0, open).trim(), reasoning: text.slice(open).replace(OPEN, "").trim() };
}

/** Joins reasoning from a separate field with reasoning found in the content. */
export function joinReasoning(...parts: (string | undefined | null)[]): string | undefined {
  const kept = parts.filter((p): p is string => typeof p === "string" && p.trim() !== "").map((p) => p.trim());
  return kept.length > 0 ? kept.join("\n\n") : undefined;
}

/** Groq models that think (its reasoning page): they get reasoning parameters. */
export function groqReasoningParams(model: string): Record<string, unknown> | undefined {
  if (/^openai\/gpt-oss-/.test(model)) return { include_reasoning: true };
  if (/deepseek-r1/i.test(model) || /^qwen\/qwen3-/.test(model) || /^qwen-qwq/.test(model)) return { reasoning_format: "parsed" };
  return undefined;
}
