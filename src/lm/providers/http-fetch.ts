/**
 * A `fetch` over node:http/https with no timeouts of its own. Node's global fetch (undici) drops a
 * request whose headers take longer than 300 s (`headersTimeout`) and retries nothing — a silent
 * limit under gridtune's own per-request timeout. The SDKs take this fetch instead, so the only
 * timeout is the one the LM runtime sets (GRIDTUNE_TIMEOUT_MS / --timeout), carried by the signal.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

/** `fetch(input, init)` without undici's header and body timeouts; aborts on `init.signal`. */
export async function fetchWithoutTimeouts(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const req = new Request(input, init);
  const signal = init?.signal ?? undefined;
  signal?.throwIfAborted();
  const body = req.body ? Buffer.from(await req.arrayBuffer()) : undefined;
  const url = new URL(req.url);
  const headers: Record<string, string> = {};
  req.headers.forEach((v, k) => (headers[k] = v));
  if (body) headers["content-length"] = String(body.length);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<Response>((resolve, reject) => {
    const r = send(url, { method: req.method, headers }, (res) => {
      const out = new Headers();
      for (const [k, v] of Object.entries(res.headers)) {
        if (Array.isArray(v)) for (const x of v) out.append(k, x);
        else if (v !== undefined) out.set(k, v);
      }
      const status = res.statusCode ?? 500;
      const noBody = req.method === "HEAD" || status === 204 || status === 304;
      if (noBody) res.resume();
      // A body cut short fails as undici's does (TypeError "terminated"), so callers classify it alike.
      const stream = noBody
        ? null
        : new ReadableStream<Uint8Array>({
            start(controller) {
              let done = false;
              res.on("data", (chunk: Buffer) => controller.enqueue(new Uint8Array(chunk)));
              res.on("end", () => {
                done = true;
                controller.close();
              });
              const fail = (e: unknown): void => {
                if (done) return;
                done = true;
                controller.error(signal?.aborted ? abortError(signal.reason) : new TypeError("terminated", { cause: e }));
              };
              res.on("error", fail);
              res.on("aborted", () => fail(Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" })));
              res.on("close", () => {
                if (!res.complete) fail(Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }));
              });
            },
            cancel() {
              res.destroy();
            },
          });
      resolve(new Response(stream, { status, statusText: res.statusMessage ?? "", headers: out }));
    });
    const onAbort = (): void => {
      const reason = signal?.reason ?? new DOMException("This operation was aborted", "AbortError");
      r.destroy(reason instanceof Error ? reason : new Error(String(reason)));
      reject(abortError(reason));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    r.on("close", () => signal?.removeEventListener("abort", onAbort));
    r.on("error", (e) => reject(signal?.aborted ? abortError(signal.reason) : new TypeError("fetch failed", { cause: e })));
    if (body) r.end(body);
    else r.end();
  });
}

function abortError(reason: unknown): Error {
  const e = new DOMException(reason instanceof Error ? reason.message : "This operation was aborted", "AbortError");
  return e as unknown as Error;
}
