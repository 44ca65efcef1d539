/**
 * The dashboard server behind `gridtune serve`: a JSON API over the datasets and runs on disk, the
 * live envs of Play, and the built front end (dist/web). Plain node:http, no framework.
 *
 * Safety: it binds to loopback unless told otherwise and then answers only requests addressed to a
 * loopback name (no DNS rebinding); it reads only files found by walking --runs and --datasets (URL
 * ids are looked up, never joined onto paths) and the front end's own folder; every JSON value read
 * from disk is redacted of secrets; bad input is a 4xx `{error}` naming what was wrong, and no error
 * stops the server.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { envRegistration, listEnvIds } from "../minigrid/registry.js";
import type { PlayAgent } from "./agent-hook.js";
import { RUN_SORT_KEYS, type EnvListItem, type EpisodeDetail, type ServerInfo } from "./api-types.js";
import { DatasetStore, stepView } from "./datasets.js";
import { GRIDTUNE_VERSION } from "../util/version.js";
import { encodingsOf } from "./encodings.js";
import { balrogEpisodeFrames, balrogRecordDetail, listBalrogRecords } from "./balrog-runs.js";
import { HttpError, pathIndex, queryEnum, queryInt, queryText, readJsonBody, sendBytes, sendJson } from "./http.js";
import { PlaySessions } from "./play.js";
import { drawEnv, drawStep, type ImageFormat } from "./render-step.js";
import { redactString } from "./redact.js";
import { insideRoot } from "./roots.js";
import { RunStore } from "./runs.js";

/**
 * Options of {@link createDashboard} and {@link startDashboard}: the runs and datasets directories, the
 * agent for Play, the front end, and logging.
 */
export interface DashboardOptions {
  /** The directory of run records (`*_info.json`), or null. */
  runsDir: string | null;
  /** The directory of datasets (or a dataset directory itself), or null. */
  datasetsDir: string | null;
  /** The agent for Play's hint panel (`--model-path`), or null. */
  agent?: PlayAgent | null;
  /** The built front end; defaults to dist/web beside the compiled server. */
  staticDir?: string;
  /** Whether to accept only loopback Host headers (set when bound to loopback). */
  loopbackOnly?: boolean;
  /** Where to report unexpected (5xx) errors; default stderr. */
  log?: (line: string) => void;
}

/** dist/web, from dist/src/web/server.js. */
export const DEFAULT_STATIC_DIR = fileURLToPath(new URL("../../web/", import.meta.url));


const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json; charset=utf-8",
  ".woff2": "font/woff2",
  ".map": "application/json; charset=utf-8",
};

const CSP = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

type Params = string[];
type Handler = (req: IncomingMessage, res: ServerResponse, params: Params, q: URLSearchParams) => Promise<void> | void;

interface Route {
  method: "GET" | "POST";
  /** Path segments after /api; ':' marks a parameter, '*' a final parameter like 'render.svg'. */
  pattern: string[];
  handler: Handler;
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

function hostName(hostHeader: string | undefined): string {
  if (!hostHeader) return "";
  if (hostHeader.startsWith("[")) return hostHeader.slice(0, hostHeader.indexOf("]") + 1).toLowerCase();
  return hostHeader.split(":")[0]!.toLowerCase();
}

function renderFormat(file: string): ImageFormat {
  if (file === "render.svg") return "svg";
  if (file === "render.png") return "png";
  throw new HttpError(404, `unknown picture '${file}': use render.svg or render.png`);
}

/** The dashboard as a request handler, to mount on a `node:http` server of your own. */
export interface Dashboard {
  /** The request handler (mount it on any node:http server). */
  handle(req: IncomingMessage, res: ServerResponse): void;
}

/** The dashboard's request handler over the runs and datasets on disk, without a server. */
export function createDashboard(opts: DashboardOptions): Dashboard {
  const datasets = new DatasetStore(opts.datasetsDir === null ? null : resolve(opts.datasetsDir));
  const runs = new RunStore(opts.runsDir === null ? null : resolve(opts.runsDir));
  const play = new PlaySessions();
  const agent = opts.agent ?? null;
  const staticDir = resolve(opts.staticDir ?? DEFAULT_STATIC_DIR);
  const log = opts.log ?? ((line: string) => process.stderr.write(line + "\n"));

  const routes: Route[] = [];
  const get = (path: string, handler: Handler) => routes.push({ method: "GET", pattern: path.split("/").filter(Boolean), handler });
  const post = (path: string, handler: Handler) => routes.push({ method: "POST", pattern: path.split("/").filter(Boolean), handler });

  const viewParam = (q: URLSearchParams) => queryEnum(q, "view", ["full", "agent"] as const, "full");
  const tileParam = (q: URLSearchParams) => queryInt(q, "tile", 32, 4, 128);

  get("info", (_req, res) => {
    const info: ServerInfo = {
      version: GRIDTUNE_VERSION,
      runs_dir: runs.root,
      datasets_dir: datasets.root,
      agent: agent ? { name: agent.name } : null,
      encodings_available: true,
    };
    sendJson(res, 200, info);
  });

  get("envs", (_req, res) => {
    const items: EnvListItem[] = listEnvIds().map((id) => ({ id, family: envRegistration(id).family }));
    sendJson(res, 200, items);
  });

  // --- datasets ---

  get("datasets", (_req, res, _p, q) => {
    const offset = queryInt(q, "offset", 0, 0, 1e9);
    const limit = queryInt(q, "limit", 100, 1, 1000);
    const all = datasets.list();
    sendJson(res, 200, { total: all.length, offset, limit, items: all.slice(offset, offset + limit) });
  });

  get("datasets/:", async (_req, res, [id]) => {
    sendJson(res, 200, await datasets.get(id!).detail());
  });

  get("datasets/:/episodes", (_req, res, [id], q) => {
    const offset = queryInt(q, "offset", 0, 0, 1e9);
    const limit = queryInt(q, "limit", 50, 1, 500);
    const env = queryText(q, "env");
    const success = queryEnum(q, "success", ["any", "true", "false"] as const, "any");
    let eps = datasets.get(id!).episodes();
    if (env !== null) eps = eps.filter((e) => e.env_id === env);
    if (success !== "any") eps = eps.filter((e) => e.success === (success === "true"));
    sendJson(res, 200, { total: eps.length, offset, limit, items: eps.slice(offset, offset + limit) });
  });

  get("datasets/:/episodes/:", async (_req, res, [id, n]) => {
    const ds = datasets.get(id!);
    const e = ds.episode(pathIndex(n!, "episode index"));
    const steps = await ds.episodeSteps(e);
    const detail: EpisodeDetail = { ...e, dataset: ds.id, episodes_total: ds.episodes().length, steps: steps.map(stepView) };
    sendJson(res, 200, detail);
  });

  const stepRecord = async (id: string, n: string, s: string) => {
    const ds = datasets.get(id);
    const e = ds.episode(pathIndex(n, "episode index"));
    const stepNo = pathIndex(s, "step");
    const rec = await ds.findStep(e.env_id, e.seed, e.episode, stepNo);
    if (!rec) throw new HttpError(404, `episode ${n} of dataset '${id}' has no step ${stepNo}`);
    return rec;
  };

  get("datasets/:/episodes/:/steps/:/*", async (_req, res, [id, n, s, file], q) => {
    if (file === "encodings") {
      const view = queryEnum(q, "view", ["agent", "full"] as const, "agent");
      sendJson(res, 200, encodingsOf(await stepRecord(id!, n!, s!), view));
      return;
    }
    const format = renderFormat(file!);
    const view = viewParam(q);
    const tile = tileParam(q);
    const pic = drawStep(await stepRecord(id!, n!, s!), view, format, tile);
    sendBytes(res, pic.contentType, pic.data, "short");
  });

  // --- runs ---

  get("runs", (_req, res, _p, q) => {
    const sort = queryEnum(q, "sort", RUN_SORT_KEYS, "created_at");
    const order = queryEnum(q, "order", ["asc", "desc"] as const, "desc");
    const offset = queryInt(q, "offset", 0, 0, 1e9);
    const limit = queryInt(q, "limit", 100, 1, 1000);
    sendJson(res, 200, runs.page(sort, order, offset, limit, queryText(q, "q")));
  });

  // --- BALROG BabyAI benchmark records (gridtune evaluate --benchmark balrog-babyai --out …) ---

  const balrogRoot = (): string => {
    if (!runs.root) throw new HttpError(404, "no runs directory is served (start with --runs DIR)");
    return runs.root;
  };
  get("balrog", (_req, res) => sendJson(res, 200, listBalrogRecords(balrogRoot())));
  get("balrog/:", (_req, res, [id]) => sendJson(res, 200, balrogRecordDetail(balrogRoot(), id!)));
  get("balrog/:/:/:", (_req, res, [id, agentIndex, episode]) => {
    const int = (v: string | undefined, name: string): number => {
      if (!v || !/^\d+$/.test(v)) throw new HttpError(400, `${name} must be a non-negative integer, got '${v ?? ""}'`);
      return Number(v);
    };
    sendJson(res, 200, balrogEpisodeFrames(balrogRoot(), id!, int(agentIndex, "agent"), int(episode, "episode")));
  });

  get("runs/:", (_req, res, [id]) => {
    sendJson(res, 200, runs.detail(id!, datasets));
  });

  get("runs/:/examples", (_req, res, [id], q) => {
    const filter = queryEnum(q, "filter", ["all", "failures"] as const, "all");
    const verdict = q.get("verdict") ? queryEnum(q, "verdict", ["exact", "optimal", "reasonable", "wrong", "error"] as const, "exact") : null;
    const category = q.get("category") ? queryInt(q, "category", 0, 0, 6) : null;
    const offset = queryInt(q, "offset", 0, 0, 1e9);
    const limit = queryInt(q, "limit", 20, 1, 200);
    sendJson(res, 200, runs.examples(id!, datasets, { filter, verdict, category, offset, limit }));
  });

  get("runs/:/examples/:/*", async (_req, res, [id, i, file], q) => {
    const format = renderFormat(file!);
    const view = queryEnum(q, "view", ["agent", "full"] as const, "agent");
    const tile = tileParam(q);
    const { run, example } = runs.example(id!, pathIndex(i!, "example index"));
    const ds = runs.datasetOf(run, datasets);
    if (!ds) throw new HttpError(404, `run '${id}' was made from a dataset that is not under --datasets, so its observations cannot be drawn`);
    const rec = await ds.findStep(String(example.env_id), Number(example.seed), Number(example.episode), Number(example.step));
    if (!rec) throw new HttpError(404, `dataset '${ds.id}' has no step ${String(example.step)} of ${String(example.env_id)} seed ${String(example.seed)} episode ${String(example.episode)}`);
    const pic = drawStep(rec, view, format, tile);
    sendBytes(res, pic.contentType, pic.data, "short");
  });

  // --- play ---

  post("play", async (req, res) => {
    const body = await readJsonBody(req);
    sendJson(res, 201, play.create(body.env_id, body.seed));
  });

  get("play/:", (_req, res, [sid]) => {
    sendJson(res, 200, play.state(sid!));
  });

  post("play/:/step", async (req, res, [sid]) => {
    const body = await readJsonBody(req);
    sendJson(res, 200, await play.exclusive(sid!, async () => play.step(sid!, body.action)));
  });

  post("play/:/agent", async (_req, res, [sid]) => {
    if (!agent) throw new HttpError(404, "no agent is loaded: start gridtune serve with --model-path FILE to see an agent's hints");
    let advice;
    try {
      advice = await play.exclusive(sid!, (s) => agent.act(s.env));
    } catch (e) {
      if (e instanceof HttpError) throw e;
      throw new HttpError(502, redactString(e instanceof Error ? e.message : String(e)));
    }
    sendJson(res, 200, advice);
  });

  get("play/:/*", (_req, res, [sid, file], q) => {
    const format = renderFormat(file!);
    const pic = drawEnv(play.get(sid!).env, viewParam(q), format, tileParam(q));
    sendBytes(res, pic.contentType, pic.data, "no-store");
  });

  // --- dispatch ---

  async function api(req: IncomingMessage, res: ServerResponse, segments: string[], q: URLSearchParams): Promise<void> {
    let methodMismatch = false;
    for (const r of routes) {
      if (r.pattern.length !== segments.length) continue;
      const params: Params = [];
      let ok = true;
      for (let k = 0; k < segments.length; k++) {
        const p = r.pattern[k]!;
        if (p === ":" || p === "*") params.push(segments[k]!);
        else if (p !== segments[k]) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      if (r.method !== req.method && !(r.method === "GET" && req.method === "HEAD")) {
        methodMismatch = true;
        continue;
      }
      await r.handler(req, res, params, q);
      return;
    }
    if (methodMismatch) throw new HttpError(405, `${req.method} is not allowed on /api/${segments.join("/")}`);
    throw new HttpError(404, `no such API route: ${req.method} /api/${segments.join("/")}`);
  }

  function serveStatic(res: ServerResponse, pathname: string): void {
    const rel = pathname === "/" ? "index.html" : pathname.slice(1);
    const file = resolve(staticDir, rel);
    if (!(file === staticDir || file.startsWith(staticDir.endsWith("/") ? staticDir : staticDir + "/")) || !existsSync(file) || !insideRoot(staticDir, file) || !statSync(file).isFile()) {
      if (pathname === "/" || pathname === "/index.html") {
        res.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
        res.end(`The dashboard's front end is not built (no ${join(staticDir, "index.html")}). Run \`npm run build\`.\n`);
        return;
      }
      throw new HttpError(404, `not found: ${pathname}`);
    }
    const type = MIME[extname(file)] ?? "application/octet-stream";
    const headers: Record<string, string> = { "x-content-type-options": "nosniff" };
    if (type.startsWith("text/html")) headers["content-security-policy"] = CSP;
    res.writeHead(200, {
      ...headers,
      "content-type": type,
      "cache-control": rel.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache",
    });
    res.end(readFileSync(file));
  }

  function fail(res: ServerResponse, e: unknown, isApi: boolean, where: string): void {
    const status = e instanceof HttpError ? e.status : 500;
    const message = e instanceof HttpError ? e.message : `internal error: ${(e as Error)?.message ?? String(e)}`;
    if (status >= 500) log(`gridtune serve: ${where}: ${(e as Error)?.stack ?? String(e)}`);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (isApi) sendJson(res, status, { error: message });
    else {
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" });
      res.end(message + "\n");
    }
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const rawUrl = req.url ?? "/";
    const isApi = rawUrl.startsWith("/api/") || rawUrl === "/api";
    const where = `${req.method} ${rawUrl}`;
    (async () => {
      if (opts.loopbackOnly && !LOOPBACK_HOSTS.has(hostName(req.headers.host))) {
        throw new HttpError(403, `this dashboard answers only requests to localhost (Host: ${req.headers.host ?? "none"}); start it with --host to serve other names`);
      }
      const qAt = rawUrl.indexOf("?");
      const rawPath = qAt < 0 ? rawUrl : rawUrl.slice(0, qAt);
      const q = new URLSearchParams(qAt < 0 ? "" : rawUrl.slice(qAt + 1));
      let segments: string[];
      try {
        segments = rawPath.split("/").filter((s) => s !== "").map((s) => decodeURIComponent(s));
      } catch {
        throw new HttpError(400, `malformed URL encoding in ${rawPath}`);
      }
      if (segments.some((s) => s.includes("\0"))) throw new HttpError(400, "NUL byte in URL");
      if (isApi) {
        await api(req, res, segments.slice(1), q);
        return;
      }
      if (req.method !== "GET" && req.method !== "HEAD") throw new HttpError(405, `${req.method} is not allowed here`);
      if (segments.some((s) => s === ".." || s === "." || s.includes("/") || s.includes("\\"))) throw new HttpError(404, `not found: ${rawPath}`);
      serveStatic(res, "/" + segments.join("/"));
    })().catch((e: unknown) => fail(res, e, isApi, where));
  }

  return { handle };
}

/** A started dashboard: its URL, the server, and `close()`. */
export interface RunningDashboard {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * Whether a host name or address is this machine's loopback (so the dashboard accepts only local Host
 * headers).
 */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Start the dashboard on host:port (port 0 picks a free port). */
export function startDashboard(opts: DashboardOptions & { host: string; port: number }): Promise<RunningDashboard> {
  const dash = createDashboard({ loopbackOnly: isLoopback(opts.host), ...opts });
  const server = createServer((req, res) => dash.handle(req, res));
  server.keepAliveTimeout = 5000;
  return new Promise((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      const addr = server.address() as AddressInfo;
      const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
      resolvePromise({
        url: `http://${host}:${addr.port}/`,
        server,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}
