/** HTTP plumbing for the dashboard: errors with a status, JSON replies, query and body parsing. */
import type { IncomingMessage, ServerResponse } from "node:http";

/** An error the client caused (4xx) or a condition it should see (e.g. 422): `{error: message}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
  });
  res.end(body);
}

export function sendBytes(res: ServerResponse, contentType: string, data: string | Uint8Array, cache: "no-store" | "immutable" | "short"): void {
  const buf = typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const cacheControl = cache === "immutable" ? "public, max-age=31536000, immutable" : cache === "short" ? "private, max-age=60" : "no-store";
  res.writeHead(200, { "content-type": contentType, "content-length": buf.length, "cache-control": cacheControl });
  res.end(buf);
}

/** An integer query parameter within [min, max]; absent → `def`. */
export function queryInt(q: URLSearchParams, name: string, def: number, min: number, max: number): number {
  const raw = q.get(name);
  if (raw === null || raw === "") return def;
  if (!/^-?\d+$/.test(raw.trim())) throw new HttpError(400, `query parameter '${name}' must be an integer from ${min} to ${max}, got '${raw}'`);
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new HttpError(400, `query parameter '${name}' must be an integer from ${min} to ${max}, got '${raw}'`);
  return n;
}

/** A query parameter that must be one of `values`; absent → `def`. */
export function queryEnum<T extends string>(q: URLSearchParams, name: string, values: readonly T[], def: T): T {
  const raw = q.get(name);
  if (raw === null || raw === "") return def;
  if (!(values as readonly string[]).includes(raw)) {
    throw new HttpError(400, `query parameter '${name}' must be one of ${values.join(", ")}; got '${raw}'`);
  }
  return raw as T;
}

/** An optional free-text query parameter, length-limited. */
export function queryText(q: URLSearchParams, name: string, maxLength = 200): string | null {
  const raw = q.get(name);
  if (raw === null || raw === "") return null;
  if (raw.length > maxLength) throw new HttpError(400, `query parameter '${name}' is longer than ${maxLength} characters`);
  return raw;
}

/** An integer path segment (an index) within [0, max]. */
export function pathIndex(segment: string, what: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(segment)) throw new HttpError(400, `${what} must be a non-negative integer, got '${segment}'`);
  const n = Number(segment);
  if (!Number.isSafeInteger(n) || n > max) throw new HttpError(400, `${what} must be a non-negative integer, got '${segment}'`);
  return n;
}

const MAX_BODY_BYTES = 64 * 1024;

/** The request body parsed as a JSON object (an empty body is `{}`). */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, "request body is not valid JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new HttpError(400, "request body must be a JSON object");
  return value as Record<string, unknown>;
}
