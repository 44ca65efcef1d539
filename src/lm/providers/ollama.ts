/**
 * Ollama through the official `ollama` client (`/api/chat`, not streamed). Structured output uses
 * Ollama's `format` (a JSON schema, or "json").
 */
import { Ollama } from "ollama";
import type { ChatRequest, ChatResponse } from "ollama";
import { BadRequestError, ContextLengthError, ModelNotFoundError, ProviderFailure } from "../errors.js";
import { fetchWithoutTimeouts } from "./http-fetch.js";
import { parseRetryAfter } from "../retry.js";
import type { Provider, ProviderRequest, ProviderResponse } from "./provider.js";
import { causeChainMessage, systemErrorCode, usageOrEstimate } from "./provider.js";

export interface OllamaOptions {
  model: string;
  modelId: string;
  host: string;
}

export class OllamaProvider implements Provider {
  readonly name = "ollama" as const;
  readonly server: string;
  readonly supportsStructuredOutput = true;
  readonly unreachableHint = "is Ollama running? start it with `ollama serve`, or set OLLAMA_HOST";

  constructor(private readonly opts: OllamaOptions) {
    this.server = opts.host;
  }

  async complete(req: ProviderRequest): Promise<ProviderResponse> {
    let lastHeaders: Headers | undefined;
    // A client per request: its fetch carries this request's abort signal (the client has no per-call one).
    const client = new Ollama({
      host: this.opts.host,
      fetch: async (input: string | URL | Request, init?: RequestInit) => {
        const res = await fetchWithoutTimeouts(input, { ...init, signal: req.signal });
        lastHeaders = res.headers;
        if (res.ok || res.headers.get("content-type")?.includes("application/json")) return res;
        // The client console.logs while reading a non-JSON error body (a proxy's HTML page, say);
        // hand it JSON instead so nothing is printed.
        const text = await res.text().catch(() => "");
        return new Response(JSON.stringify({ error: text.replace(/\s+/g, " ").trim().slice(0, 300) || `${res.status} ${res.statusText}` }), {
          status: res.status,
          statusText: res.statusText,
          headers: { "content-type": "application/json" },
        });
      },
    });
    const options: Record<string, unknown> = {};
    if (req.temperature !== undefined) options.temperature = req.temperature;
    if (req.maxTokens !== undefined) options.num_predict = req.maxTokens;
    if (req.topP !== undefined) options.top_p = req.topP;
    if (req.stop !== undefined && req.stop.length > 0) options.stop = req.stop;
    if (req.seed !== undefined) options.seed = req.seed;
    const request: ChatRequest & { stream: false } = {
      model: this.opts.model,
      messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
      stream: false,
      options,
    };
    const rf = req.responseFormat;
    if (rf?.type === "json_schema") request.format = rf.schema;
    else if (rf?.type === "json_object") request.format = "json";
    let r: ChatResponse;
    try {
      r = await client.chat(request);
    } catch (e) {
      throw this.translate(e, lastHeaders);
    }
    if (!r || typeof r !== "object" || !r.message) throw new ProviderFailure("truncated", "the reply has no message", { retryable: true });
    const text = r.message.content ?? "";
    const thinking = (r.message as { thinking?: unknown }).thinking;
    return {
      text,
      usage: usageOrEstimate(r.prompt_eval_count, r.eval_count, req.messages, text),
      ...(typeof thinking === "string" && thinking.trim() !== "" ? { reasoning: thinking.trim() } : {}),
    };
  }

  /** The models `GET /api/tags` lists (names with their tag, e.g. `llama3.1:latest`). */
  async listModels(signal?: AbortSignal): Promise<string[] | undefined> {
    const client = new Ollama({ host: this.opts.host, fetch: (input: string | URL | Request, init?: RequestInit) => fetchWithoutTimeouts(input, { ...init, ...(signal ? { signal } : {}) }) });
    try {
      const r = await client.list();
      return r.models.flatMap((m) => [m.name, m.model]).filter((x, i, a) => typeof x === "string" && a.indexOf(x) === i);
    } catch (e) {
      const status = (e as { status_code?: unknown }).status_code;
      if (status === 404 || status === 405) return undefined;
      throw this.translate(e, undefined);
    }
  }

  private translate(e: unknown, headers: Headers | undefined): unknown {
    if (e instanceof ProviderFailure) return e;
    const status = (e as { status_code?: unknown }).status_code;
    if (typeof status === "number") {
      const detail = e instanceof Error ? e.message : String(e);
      if (status === 429 || status === 408 || status >= 500) {
        const retryAfterMs = parseRetryAfter(headers);
        return new ProviderFailure("status", `HTTP ${status}: ${detail}`, { status, retryable: true, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
      }
      if (status === 404) return new ModelNotFoundError(this.opts.model, this.server, detail, `or run \`ollama pull ${this.opts.model}\``);
      if (/context length|context window|too long/i.test(detail)) return new ContextLengthError(this.opts.modelId, status, detail);
      return new BadRequestError(this.opts.modelId, status, detail);
    }
    if (e instanceof SyntaxError) return new ProviderFailure("truncated", `the reply body was not valid JSON (${e.message})`, { retryable: true });
    if (e instanceof Error && e.name === "AbortError") return e;
    if (e instanceof Error && e.name === "TypeError") {
      const msg = causeChainMessage(e);
      const code = systemErrorCode(e);
      const kind = /terminated|other side closed|premature|aborted/i.test(msg) && !/ECONNREFUSED/.test(msg) ? "truncated" : "connection";
      return new ProviderFailure(kind, `${kind === "connection" ? "connection failed" : "the connection dropped while reading the reply"}: ${msg}${code && !msg.includes(code) ? ` (${code})` : ""}`, {
        retryable: true,
        ...(code ? { code } : {}),
      });
    }
    return e;
  }
}
