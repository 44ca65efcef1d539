/** The {@link LLMTestServer}'s OpenAI wire format: chat completions (whole or as server-sent events), error bodies, the 401. */
import type { ServerResponse } from "node:http";
import { now, splitPieces } from "./llm-test-server-http.js";
import type { LLMTestServerOptions, RequestLogEntry, TestChatRequest } from "./llm-test-server-types.js";

/** OpenAI's error body. */
export function openaiError(message: string, type: string, code: string | null) {
  return { error: { message, type, param: null, code } };
}

/** OpenAI's 404 for an unknown model. */
export function openaiModelNotFound(model: string) {
  return openaiError(`The model \`${model}\` does not exist or you do not have access to it.`, "invalid_request_error", "model_not_found");
}

/** OpenAI's 401 body, echoing the key sent as `echo` says (masked like OpenAI: `sk-***wxyz`). */
export function openaiUnauthorized(sent: string, echo: NonNullable<LLMTestServerOptions["echoKeyOn401"]>) {
  const shown = echo === "full" ? sent : echo === "masked" && sent.length > 8 ? `${sent.slice(0, 3)}***${sent.slice(-4)}` : "";
  return openaiError(`Incorrect API key provided${shown ? `: ${shown}` : ""}. You can find your API key in your account settings.`, "invalid_request_error", "invalid_api_key");
}

/** A non-streamed chat completion with usage. */
export function openaiCompletion(model: string, text: string, p: number, c: number): unknown {
  return {
    id: `chatcmpl-${Math.random().toString(36).slice(2, 10)}`,
    object: "chat.completion",
    created: now(),
    model,
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop", logprobs: null }],
    usage: { prompt_tokens: p, completion_tokens: c, total_tokens: p + c },
  };
}

/** A streamed chat completion (`id` its chunks' id): a role chunk, four-character pieces, the stop chunk, usage when asked, `[DONE]`; `truncate` drops the connection after the first piece. */
export function openaiStream(res: ServerResponse, entry: RequestLogEntry, chat: TestChatRequest, id: string, text: string, p: number, c: number, truncate: boolean): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  const created = now();
  const chunk = (delta: Record<string, unknown>, finish: string | null): string =>
    `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: chat.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const pieces = splitPieces(text);
  res.write(chunk({ role: "assistant", content: "" }, null));
  if (truncate) {
    entry.outcome = "truncated";
    if (pieces[0]) res.write(chunk({ content: pieces[0] }, null));
    setTimeout(() => res.socket?.destroy(), 5);
    return;
  }
  for (const piece of pieces) res.write(chunk({ content: piece }, null));
  res.write(chunk({}, "stop"));
  const opts = chat.body.stream_options as { include_usage?: boolean } | undefined;
  if (opts?.include_usage) {
    res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: chat.model, choices: [], usage: { prompt_tokens: p, completion_tokens: c, total_tokens: p + c } })}\n\n`);
  }
  res.end("data: [DONE]\n\n");
}
