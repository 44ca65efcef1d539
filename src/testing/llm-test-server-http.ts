/**
 * The {@link LLMTestServer}'s HTTP plumbing: reading a request into the request log, the chat request
 * as understood from either protocol, JSON answers (whole or truncated), multipart uploads.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestLogEntry, TestChatRequest } from "./llm-test-server-types.js";

/** A request read whole: its log entry (pushed by the caller), raw body, path without trailing slashes, content type. */
export interface ReadRequest {
  entry: RequestLogEntry;
  raw: Buffer;
  path: string;
  contentType: string;
}

/** Reads a request's body and makes its log entry (`at` counted from `started`); JSON bodies are parsed, others kept as text. */
export async function readRequest(req: IncomingMessage, started: number): Promise<ReadRequest> {
  const raw = await readBody(req);
  const url = new URL(req.url ?? "/", "http://x");
  const path = url.pathname.replace(/\/+$/, "") || "/";
  const contentType = String(req.headers["content-type"] ?? "");
  let body: unknown = raw.toString("utf8");
  if (contentType.includes("application/json") || (raw.length > 0 && (raw[0] === 0x7b || raw[0] === 0x5b))) {
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      // keep the text
    }
  }
  const entry: RequestLogEntry = { method: req.method ?? "GET", path, headers: { ...req.headers }, body, at: Date.now() - started };
  return { entry, raw, path, contentType };
}

/** The chat request as understood: OpenAI's fields, or Ollama's (`options`, `format`) mapped to the same names. */
export function parseChat(api: "openai" | "ollama", body: Record<string, unknown>, headers: Record<string, string | string[] | undefined>): TestChatRequest {
  const messages = Array.isArray(body.messages)
    ? (body.messages as Array<Record<string, unknown>>).map((m) => ({ role: String(m.role), content: typeof m.content === "string" ? m.content : JSON.stringify(m.content) }))
    : [];
  const chat: TestChatRequest = { api, model: typeof body.model === "string" ? body.model : "", messages, stream: false, body, headers };
  const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
  const stops = (v: unknown): string[] | undefined => (typeof v === "string" ? [v] : Array.isArray(v) ? v.map(String) : undefined);
  const set = <K extends keyof TestChatRequest>(k: K, v: TestChatRequest[K] | undefined): void => {
    if (v !== undefined) chat[k] = v;
  };
  if (api === "openai") {
    chat.stream = body.stream === true;
    set("temperature", num(body.temperature));
    set("maxTokens", num(body.max_completion_tokens) ?? num(body.max_tokens));
    set("topP", num(body.top_p));
    set("stop", stops(body.stop));
    set("seed", num(body.seed));
    const rf = body.response_format as { type?: string; json_schema?: { name?: string; schema?: Record<string, unknown> } } | undefined;
    if (rf?.type === "json_schema") chat.responseFormat = { type: "json_schema", schema: rf.json_schema?.schema ?? {}, ...(rf.json_schema?.name ? { name: rf.json_schema.name } : {}) };
    else if (rf?.type === "json_object") chat.responseFormat = { type: "json_object" };
  } else {
    chat.stream = body.stream !== false; // Ollama streams unless told not to
    const o = (body.options ?? {}) as Record<string, unknown>;
    set("temperature", num(o.temperature));
    set("maxTokens", num(o.num_predict));
    set("topP", num(o.top_p));
    set("stop", stops(o.stop));
    set("seed", num(o.seed));
    if (body.format === "json") chat.responseFormat = { type: "json_object" };
    else if (body.format && typeof body.format === "object") chat.responseFormat = { type: "json_schema", schema: body.format as Record<string, unknown> };
  }
  return chat;
}

/** Answers with a JSON body and its length. */
export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** Answers with a JSON body, or (`truncate`) sends its headers and half the body, then drops the connection. */
export function sendMaybeTruncated(res: ServerResponse, entry: RequestLogEntry, status: number, value: unknown, truncate: boolean): void {
  const text = JSON.stringify(value);
  if (!truncate) return sendJson(res, status, value);
  entry.outcome = "truncated";
  res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) });
  res.write(text.slice(0, Math.floor(text.length / 2)));
  setTimeout(() => res.socket?.destroy(), 5);
}

/** A streamed reply's pieces: four characters each. */
export function splitPieces(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += 4) out.push(text.slice(i, i + 4));
  return out;
}

/** Unix seconds, as the providers' `created` fields. */
export function now(): number {
  return Math.floor(Date.now() / 1000);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Waits `ms`; resolves true early if the client went away. */
export function sleepUnlessClosed(ms: number, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      res.off("close", onClose);
      resolve(false);
    }, ms);
    const onClose = (): void => {
      clearTimeout(t);
      resolve(true);
    };
    res.once("close", onClose);
  });
}

/** One part of a multipart/form-data body. */
export interface MultipartPart {
  name: string;
  filename?: string;
  data: Buffer;
}

export function parseMultipart(raw: Buffer, boundary: string): MultipartPart[] {
  const parts: MultipartPart[] = [];
  const delim = Buffer.from(`--${boundary}`);
  let pos = raw.indexOf(delim);
  while (pos >= 0) {
    const start = pos + delim.length;
    if (raw.slice(start, start + 2).toString() === "--") break;
    const next = raw.indexOf(delim, start);
    if (next < 0) break;
    const part = raw.slice(start + 2, next - 2); // skip CRLF after the delimiter and before the next
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd >= 0) {
      const headers = part.slice(0, headerEnd).toString("utf8");
      const name = /name="([^"]*)"/.exec(headers)?.[1] ?? "";
      const filename = /filename="([^"]*)"/.exec(headers)?.[1];
      parts.push({ name, ...(filename !== undefined ? { filename } : {}), data: part.slice(headerEnd + 4) });
    }
    pos = next;
  }
  return parts;
}
