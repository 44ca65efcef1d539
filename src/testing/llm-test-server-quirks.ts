/** The {@link LLMTestServer}'s provider behaviours per model: the providers' real error bodies, and where a thinking model's thought goes. */
import { openaiError, openaiModelNotFound } from "./llm-test-server-openai.js";
import { countTestTokens } from "./llm-test-server-replies.js";
import type { ModelQuirks, TestChatRequest } from "./llm-test-server-types.js";

/** An answer a quirk calls for: status, body, extra headers. */
export interface QuirkAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** The error a model's quirks call for, with the provider's real body (`org` named in Groq's messages); undefined when none. */
export function quirkError(api: "openai" | "ollama", chat: TestChatRequest, q: ModelQuirks, org: string): QuirkAnswer | undefined {
  const model = chat.model;
  if (q.missing) {
    return api === "openai"
      ? { status: 404, body: openaiModelNotFound(model) }
      : { status: 404, body: { error: `model '${model}' not found` } };
  }
  if (q.decommissioned) {
    return {
      status: 400,
      body: openaiError(
        `The model \`${model}\` has been decommissioned and is no longer supported. Please refer to https://console.groq.com/docs/deprecations for a recommendation on which model to use instead.`,
        "invalid_request_error",
        "model_decommissioned",
      ),
    };
  }
  const promptTokens = chat.messages.reduce((n, m) => n + countTestTokens(m.content), 0);
  if (q.requestTokenLimit !== undefined && promptTokens + (chat.maxTokens ?? 0) > q.requestTokenLimit) {
    return {
      status: 413,
      body: {
        error: {
          message: `Request too large for model \`${model}\` in organization \`${org}\` service tier \`on_demand\` on tokens per minute (TPM): Limit ${q.requestTokenLimit}, Requested ${promptTokens + (chat.maxTokens ?? 0)}, please reduce your message size and try again. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing`,
          type: "tokens",
          code: "rate_limit_exceeded",
        },
      },
    };
  }
  if (q.contextTokens !== undefined && promptTokens > q.contextTokens) {
    return api === "openai"
      ? { status: 400, body: { error: { message: "Please reduce the length of the messages or completion.", type: "invalid_request_error", param: "messages", code: "context_length_exceeded" } } }
      : { status: 400, body: { error: `the input length exceeds the context length (${promptTokens} > ${q.contextTokens})` } };
  }
  if (q.dailyQuota) {
    const wait = typeof q.dailyQuota === "object" ? q.dailyQuota.retryAfterS : 86_000;
    const h = Math.floor(wait / 3600);
    const m = Math.floor((wait % 3600) / 60);
    const sec = wait % 60;
    return {
      status: 429,
      body: {
        error: {
          message: `Rate limit reached for model \`${model}\` in organization \`${org}\` service tier \`on_demand\` on tokens per day (TPD): Limit 100000, Used 99912, Requested 1203. Please try again in ${h}h${m}m${sec}s. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing`,
          type: "tokens",
          code: "rate_limit_exceeded",
        },
      },
      headers: { "retry-after": String(wait) },
    };
  }
  return undefined;
}

/** Where a thinking model's thought goes: into the content as think tags, or a separate field. */
export function thinking(api: "openai" | "ollama", chat: TestChatRequest, q: ModelQuirks, answer: string): { content: string; field?: string; text?: string } {
  const r = q.reasoning;
  if (!r) return { content: answer };
  const tags = { content: `<think>${r.text}</think>\n${answer}` };
  switch (r.style) {
    case "think-tags":
      return tags;
    case "groq": {
      const format = chat.body.reasoning_format;
      if (chat.body.include_reasoning === true || format === "parsed") return { content: answer, field: "reasoning", text: r.text };
      if (format === "hidden" || chat.body.include_reasoning === false) return { content: answer };
      return tags;
    }
    case "reasoning_content":
      return { content: answer, field: "reasoning_content", text: r.text };
    case "ollama-thinking":
      return api === "ollama" ? { content: answer, field: "thinking", text: r.text } : tags;
  }
}
