/**
 * Providers' failures per model, in front of an {@link LLMTestServer}: a small HTTP proxy on 127.0.0.1
 * that answers chat requests for chosen models with a provider's real error (status, headers and
 * body), and forwards everything else to the test server unchanged. With it one role of a run can
 * fail while the others answer — e.g. Groq's 400 `model_decommissioned` for the assessor only.
 *
 * ```ts
 * const upstream = await LLMTestServer.start({ replies: [{ reply: dspyReply }] });
 * const groq = await ModelFaultProxy.start(upstream, [{ model: "deepseek-r1-distill-llama-70b", ...GROQ_DECOMMISSIONED("deepseek-r1-distill-llama-70b") }]);
 * // GROQ_BASE_URL = groq.openaiBaseUrl
 * ```
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { LLMTestServer } from "./llm-test-server.js";

/** A provider's error for a model: the HTTP status, extra headers and the JSON body. */
export interface ModelFault {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

/** A rule: chat requests for `model` get `fault` — after the first `after` pass (default 0), `times` times (default forever). */
export interface ModelFaultRule extends ModelFault {
  model: string;
  after?: number;
  times?: number;
}

/** Groq's answer for a decommissioned model (HTTP 400, `model_decommissioned`), as Groq sends it. */
export function GROQ_DECOMMISSIONED(model: string): ModelFault {
  return {
    status: 400,
    body: {
      error: {
        message: `The model \`${model}\` has been decommissioned and is no longer supported. Please refer to https://console.groq.com/docs/deprecations for a recommendation on which model to use instead.`,
        type: "invalid_request_error",
        code: "model_decommissioned",
      },
    },
  };
}

/** Groq's answer when the daily quota is used up: 429 with a retry-after of about a day. */
export function GROQ_DAILY_QUOTA(model: string): ModelFault {
  return {
    status: 429,
    headers: { "retry-after": "86000", "x-ratelimit-limit-requests": "1000", "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "23h53m20s" },
    body: {
      error: {
        message: `Rate limit reached for model \`${model}\` in organization \`org_test\` service tier \`on_demand\` on requests per day (RPD): Limit 1000, Used 1000, Requested 1. Please try again in 23h53m20s.`,
        type: "requests",
        code: "rate_limit_exceeded",
      },
    },
  };
}

/** An OpenAI-style 500 (retryable): the server failed this call. */
export function SERVER_ERROR_500(): ModelFault {
  return { status: 500, body: { error: { message: "Internal server error", type: "server_error", code: null } } };
}

/** One request the proxy answered itself or forwarded. */
export interface ProxyLogEntry {
  method: string;
  path: string;
  model: string | null;
  /** "fault" when the proxy answered with a rule's error, else "forwarded". */
  handled: "fault" | "forwarded";
  status: number;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** The proxy. Start with {@link ModelFaultProxy.start}; `close()` stops it (not the upstream server). */
export class ModelFaultProxy {
  /** Every request, in order. */
  readonly log: ProxyLogEntry[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly upstream: LLMTestServer,
    private readonly rules: ModelFaultRule[],
  ) {}

  static async start(upstream: LLMTestServer, rules: ModelFaultRule[]): Promise<ModelFaultProxy> {
    let proxy!: ModelFaultProxy;
    const server = createServer((req, res) => {
      proxy.handle(req).then(
        ({ status, headers, body }) => {
          res.writeHead(status, headers);
          res.end(body);
        },
        (e: unknown) => {
          res.writeHead(502, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: { message: `proxy: ${String(e)}` } }));
        },
      );
    });
    proxy = new ModelFaultProxy(server, upstream, rules.map((r) => ({ ...r })));
    server.keepAliveTimeout = 1000;
    server.on("connection", (s: Socket) => {
      proxy.sockets.add(s);
      s.on("close", () => proxy.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get openaiBaseUrl(): string {
    return `${this.url}/v1`;
  }

  get ollamaHost(): string {
    return this.url;
  }

  /** Chat requests the proxy failed, for `model` if given. */
  faulted(model?: string): ProxyLogEntry[] {
    return this.log.filter((e) => e.handled === "fault" && (model === undefined || e.model === model));
  }

  /** Chat requests received for `model` (failed or forwarded). */
  chatCalls(model?: string): ProxyLogEntry[] {
    return this.log.filter((e) => (e.path.endsWith("/chat/completions") || e.path === "/api/chat") && (model === undefined || e.model === model));
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; headers: Record<string, string>; body: Buffer | string }> {
    const raw = await readBody(req);
    const path = new URL(req.url ?? "/", "http://x").pathname;
    let model: string | null = null;
    try {
      const parsed = JSON.parse(raw.toString("utf8")) as { model?: unknown };
      if (typeof parsed.model === "string") model = parsed.model;
    } catch {
      /* not JSON */
    }
    const isChat = req.method === "POST" && (path.endsWith("/chat/completions") || path === "/api/chat");
    let rule: ModelFaultRule | undefined;
    if (isChat) {
      for (const r of this.rules) {
        if (r.model !== model || (r.times !== undefined && r.times <= 0)) continue;
        if (r.after !== undefined && r.after > 0) {
          r.after--; // this one passes
          continue;
        }
        rule = r;
        break;
      }
    }
    if (rule) {
      if (rule.times !== undefined) rule.times--;
      this.log.push({ method: req.method ?? "POST", path, model, handled: "fault", status: rule.status });
      return { status: rule.status, headers: { "content-type": "application/json", ...(rule.headers ?? {}) }, body: JSON.stringify(rule.body) };
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && k !== "host" && k !== "content-length" && k !== "connection") headers[k] = v;
    const r = await fetch(this.upstream.url + (req.url ?? "/"), { method: req.method ?? "GET", headers, ...(raw.length && req.method !== "GET" ? { body: raw } : {}) });
    const body = Buffer.from(await r.arrayBuffer());
    const out: Record<string, string> = {};
    r.headers.forEach((v, k) => {
      if (k !== "content-length" && k !== "transfer-encoding" && k !== "connection" && k !== "content-encoding" && k !== "keep-alive") out[k] = v;
    });
    this.log.push({ method: req.method ?? "GET", path, model, handled: "forwarded", status: r.status });
    return { status: r.status, headers: out, body };
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }
}
