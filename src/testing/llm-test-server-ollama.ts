/** The {@link LLMTestServer}'s Ollama wire format: `/api/chat` answers (whole or as NDJSON), model info for `/api/tags` and `/api/show`. */
import type { ServerResponse } from "node:http";
import { splitPieces } from "./llm-test-server-http.js";
import type { RequestLogEntry, TestChatRequest } from "./llm-test-server-types.js";

/** An `/api/chat` answer or stream line; the last (`done`) carries the counts and durations. */
export function ollamaChatResponse(model: string, text: string, p: number, c: number, done: boolean): Record<string, unknown> {
  const r: Record<string, unknown> = { model, created_at: new Date().toISOString(), message: { role: "assistant", content: text }, done };
  if (done) Object.assign(r, { done_reason: "stop", total_duration: 1000, load_duration: 10, prompt_eval_count: p, prompt_eval_duration: 100, eval_count: c, eval_duration: 100 });
  return r;
}

/** A model as `/api/tags` lists it. */
export function ollamaModelInfo(name: string) {
  return {
    name,
    model: name,
    modified_at: new Date(0).toISOString(),
    size: 1000,
    digest: "0".repeat(64),
    details: { parent_model: "", format: "gguf", family: "llama", families: ["llama"], parameter_size: "1M", quantization_level: "F32" },
  };
}

/** `/api/show`'s answer for a known model. */
export function ollamaShow(model: string) {
  return {
    modelfile: `FROM ${model}`,
    parameters: "",
    template: "{{ .Prompt }}",
    details: ollamaModelInfo(model).details,
    model_info: { "general.architecture": "llama" },
    capabilities: ["completion"],
  };
}

/** An NDJSON chat stream of four-character pieces, then the `done` line; `truncate` drops the connection after the first piece. */
export function ollamaStream(res: ServerResponse, entry: RequestLogEntry, chat: TestChatRequest, text: string, p: number, c: number, truncate: boolean): void {
  res.writeHead(200, { "content-type": "application/x-ndjson" });
  const pieces = splitPieces(text);
  if (truncate) {
    entry.outcome = "truncated";
    res.write(JSON.stringify(ollamaChatResponse(chat.model, pieces[0] ?? "", 0, 0, false)) + "\n");
    setTimeout(() => res.socket?.destroy(), 5);
    return;
  }
  for (const piece of pieces) res.write(JSON.stringify(ollamaChatResponse(chat.model, piece, 0, 0, false)) + "\n");
  res.end(JSON.stringify(ollamaChatResponse(chat.model, "", p, c, true)) + "\n");
}
