/**
 * The dashboard's API over a small collected dataset and runs made from it: what each route returns,
 * and that bad input — unknown ids, paths outside the roots, malformed parameters and bodies — is a
 * 4xx with a message that says what was wrong, after which the server keeps serving.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../testing/paths.js";
import type { DatasetDetail, EncodingsResponse, EpisodeDetail, EpisodeSummary, ExampleView, Page, PlayState, RunDetail, RunRow } from "./api-types.js";
import type { StepRecord } from "./datasets.js";
import { redactSecrets } from "./redact.js";
import { startDashboard, type RunningDashboard } from "./server.js";
import { collectFixture, expertPlayAgent, makeRunInfo } from "./test-fixtures.js";
import { MinigridAgent } from "../agent/index.js";
import { PlaySession } from "../agent/play-session.js";
import type { ActionIndex } from "../minigrid/constants.js";

/** A degraded run's outcome fields (issue 13): status, the failed calls per role, the closing message. */
const DEGRADED = {
  status: "degraded",
  outcome_message: "the student's calls failed beyond the 5% share",
  failures: [
    { role: "student", model: "openai/gpt-4o-mini", calls: 20, failed: 3, reasons: { "HTTP 429": 3 } },
    { role: "assessor", model: "groq/llama-3.3-70b-versatile", calls: 5, failed: 1, reasons: { timeout: 1 } },
  ],
};
import { lm } from "../lm/index.js";
import { LLMTestServer } from "../testing/llm-test-server.js";

interface Reply {
  status: number;
  type: string;
  text: string;
  json: any;
}

/** A raw HTTP request (the path is sent as given, no URL normalisation). */
function raw(base: string, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path, headers: { ...(body ? { "content-type": "application/json" } : {}), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown = null;
        try {
          json = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"] ?? ""), text, json });
      });
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

describe("dashboard API", () => {
  let dir: string;
  let dash: RunningDashboard;
  let bare: RunningDashboard;
  let steps: StepRecord[];
  const errors: string[] = [];
  const get = (path: string, headers?: Record<string, string>) => raw(dash.url, "GET", path, undefined, headers);
  const post = (path: string, body: unknown) => raw(dash.url, "POST", path, typeof body === "string" ? body : JSON.stringify(body));

  async function expectError(r: Promise<Reply>, status: number, message: RegExp): Promise<void> {
    const res = await r;
    assert.equal(res.status, status, `status of ${res.text}`);
    assert.match(res.type, /application\/json/);
    assert.match(String(res.json?.error), message);
    assert.doesNotMatch(res.text, /\n\s+at /, "no stack trace");
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "gridtune-api-"));
    ({ steps } = await collectFixture(join(dir, "datasets", "small"), { envIds: ["MiniGrid-DoorKey-5x5-v0", "MiniGrid-Empty-5x5-v0"], seeds: [1], episodes: 2 }));
    // A second dataset whose manifest lacks category counts: they are counted from steps.jsonl.
    const { steps: s2 } = await collectFixture(join(dir, "datasets", "nested", "no_counts"), { envIds: ["MiniGrid-Empty-5x5-v0"], seeds: [5], episodes: 1 });
    writeFileSync(join(dir, "datasets", "nested", "no_counts", "manifest.json"), JSON.stringify({ format: "gridtune-dataset/1", options: { api_key: "sk-abcdefghijklmnopqrstuvwx" } }));
    assert.ok(s2.length > 0);
    // Something outside the roots, and a symlink pointing at it from inside.
    mkdirSync(join(dir, "outside"));
    writeFileSync(join(dir, "outside", "leak_info.json"), JSON.stringify(makeRunInfo(steps, { modelName: "leak", datasetPath: "small", createdAt: "2025-01-01T00:00:00Z", student: "s", wrongEvery: 2 })));
    const runs = join(dir, "runs");
    mkdirSync(join(runs, "sweep"), { recursive: true });
    symlinkSync(join(dir, "outside", "leak_info.json"), join(runs, "leak_info.json"));
    symlinkSync(join(dir, "outside"), join(runs, "outside_dir"));
    const a = makeRunInfo(steps, { modelName: "alpha", datasetPath: join(dir, "datasets", "small"), createdAt: "2025-03-01T10:00:00Z", student: "ollama/llama3.1:70b", wrongEvery: 4 });
    // Secrets a foreign record might carry: they must never reach the browser.
    const secretful = {
      ...a,
      config: { ...a.config, api_key: "gsk_SECRETSECRETSECRETSECRET", base_url: "https://user:hunter2@llm.example.com/v1" },
      program: { ...a.program, instructions: "use the key Bearer abcdefghijklmnopqrstuvwxyz0123 wisely" },
    };
    writeFileSync(join(runs, "alpha_info.json"), JSON.stringify(secretful));
    writeFileSync(join(runs, "alpha.json"), "{}");
    const b = makeRunInfo(steps, { modelName: "beta", datasetPath: "small", createdAt: "2025-03-02T10:00:00Z", student: "ollama/llama3.2:3b", wrongEvery: 2 });
    writeFileSync(join(runs, "sweep", "beta_info.json"), JSON.stringify(b));
    const c = makeRunInfo(steps, { modelName: "gamma", datasetPath: "/elsewhere/gone", createdAt: "2025-02-01T10:00:00Z", student: "openai/gpt-4o-mini", wrongEvery: 3 });
    writeFileSync(join(runs, "gamma_info.json"), JSON.stringify({ ...c, ...DEGRADED }));
    writeFileSync(join(runs, "broken_info.json"), "{ not json");
    writeFileSync(join(runs, "other_format_info.json"), JSON.stringify({ format: "something/9" }));
    dash = await startDashboard({ host: "127.0.0.1", port: 0, runsDir: runs, datasetsDir: join(dir, "datasets"), agent: expertPlayAgent(), log: (l) => errors.push(l) });
    bare = await startDashboard({ host: "127.0.0.1", port: 0, runsDir: null, datasetsDir: null, log: (l) => errors.push(l) });
  });

  after(async () => {
    await dash?.close();
    await bare?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("info: directories, the agent, whether encodings are available — and no secrets or environment", async () => {
    const r = await get("/api/info");
    assert.equal(r.status, 200);
    assert.equal(r.json.agent.name, "expert (test agent)");
    assert.equal(typeof r.json.encodings_available, "boolean");
    assert.match(r.json.runs_dir, /runs$/);
    assert.doesNotMatch(r.text, /API_KEY|GROQ|OPENAI/i);
  });

  test("datasets: discovered under the root (nested too), with counts per env and per category", async () => {
    const r = await get("/api/datasets");
    assert.equal(r.status, 200);
    const list = (r.json as Page<DatasetDetail>).items;
    assert.deepEqual(list.map((d) => d.id).sort(), ["nested/no_counts", "small"]);
    const small = list.find((d) => d.id === "small")!;
    assert.equal(small.episodes, 4);
    assert.equal(small.steps, steps.length);
    assert.equal(small.per_env["MiniGrid-Empty-5x5-v0"]!.episodes, 2);
    const cats: Record<string, number> = {};
    for (const s of steps) cats[String(s.action)] = (cats[String(s.action)] ?? 0) + 1;
    assert.deepEqual(Object.fromEntries(Object.entries(small.per_category).filter(([, v]) => v > 0)), cats);
    // Counted from steps.jsonl when the manifest has no counts; options redacted.
    const nc = await get("/api/datasets/nested%2Fno_counts");
    assert.equal(nc.status, 200);
    assert.ok((nc.json as DatasetDetail).per_category["2"]! > 0);
    assert.equal((nc.json as DatasetDetail).options.api_key, "[redacted]");
  });

  test("episodes: paged and filtered; an episode's steps without their bulky arrays; pictures and encodings per step", async () => {
    const p = (await get("/api/datasets/small/episodes?offset=1&limit=2")).json as Page<EpisodeSummary>;
    assert.equal(p.total, 4);
    assert.deepEqual(p.items.map((e) => e.index), [1, 2]);
    const f = (await get("/api/datasets/small/episodes?env=MiniGrid-Empty-5x5-v0&success=true")).json as Page<EpisodeSummary>;
    assert.equal(f.total, 2);
    assert.ok(f.items.every((e) => e.env_id === "MiniGrid-Empty-5x5-v0"));

    const e = (await get("/api/datasets/small/episodes/1")).json as EpisodeDetail;
    const want = steps.filter((s) => s.env_id === "MiniGrid-DoorKey-5x5-v0" && s.episode === 1);
    assert.deepEqual(e.steps.map((s) => s.action), want.map((s) => s.action));
    assert.deepEqual(e.steps.map((s) => s.subgoal), want.map((s) => s.subgoal));
    assert.equal((e.steps[0] as unknown as Record<string, unknown>).grid, undefined);

    const svg = await get("/api/datasets/small/episodes/1/steps/2/render.svg?view=full");
    assert.equal(svg.status, 200);
    assert.match(svg.type, /image\/svg\+xml/);
    assert.equal((svg.text.match(/class="agent"/g) ?? []).length, 1);
    assert.match(svg.text, /viewBox="0 0 5 5"/);
    const agentView = await get("/api/datasets/small/episodes/1/steps/2/render.svg?view=agent");
    assert.match(agentView.text, /viewBox="0 0 7 7"/);
    const png = await new Promise<Buffer>((resolve, reject) => {
      const u = new URL(dash.url);
      request({ host: u.hostname, port: u.port, path: "/api/datasets/small/episodes/1/steps/2/render.png?tile=8" }, (res) => {
        const c: Buffer[] = [];
        res.on("data", (d: Buffer) => c.push(d));
        res.on("end", () => resolve(Buffer.concat(c)));
      })
        .on("error", reject)
        .end();
    });
    assert.equal(png.subarray(1, 4).toString(), "PNG");
    assert.equal(png.readUInt32BE(16), 40, "5 cells × 8 px wide");

    const enc = (await get("/api/datasets/small/episodes/1/steps/0/encodings?view=agent")).json as EncodingsResponse;
    assert.match(enc.raw, /\^\^/);
    if (enc.available) assert.deepEqual(Object.keys(enc.encodings).sort(), ["ascii", "natural", "relative", "tuples"]);
    else assert.match(enc.reason!, /src\/encoding/);
  });

  test("runs: every _info.json under the root, sortable; unreadable ones listed with the reason; symlinks out of the root ignored", async () => {
    const r = (await get("/api/runs?sort=accuracy&order=desc")).json as Page<RunRow>;
    const ids = r.items.map((x) => x.id);
    assert.deepEqual(ids.slice(0, 3), ["alpha", "gamma", "sweep/beta"], "by accuracy, best first");
    assert.ok(ids.includes("broken") && ids.includes("other_format"));
    assert.ok(!ids.some((i) => i.includes("leak")), "a symlink out of the root is not followed");
    assert.match(r.items.find((x) => x.id === "broken")!.error!, /not valid JSON/);
    assert.match(r.items.find((x) => x.id === "other_format")!.error!, /expected 'gridtune-run\/1'/);
    const byDate = (await get("/api/runs?sort=created_at&order=asc&limit=2")).json as Page<RunRow>;
    assert.deepEqual(byDate.items.map((x) => x.id), ["gamma", "alpha"]);
    assert.equal(byDate.total, 5);
    const q = (await get("/api/runs?q=3.2:3b")).json as Page<RunRow>;
    assert.deepEqual(q.items.map((x) => x.id), ["sweep/beta"]);
    // The run outcome: the status, its message and the failed calls summed over the roles.
    const gamma = r.items.find((x) => x.id === "gamma")!;
    assert.deepEqual([gamma.status, gamma.outcome_message, gamma.failed_calls], ["degraded", "the student's calls failed beyond the 5% share", 4]);
    const alpha = r.items.find((x) => x.id === "alpha")!;
    assert.deepEqual([alpha.status, alpha.outcome_message, alpha.failed_calls], ["completed", null, null], "a record without the outcome fields");
    assert.deepEqual(((await get("/api/runs?q=degraded")).json as Page<RunRow>).items.map((x) => x.id), ["gamma"], "the filter finds runs by status");
    const byStatus = (await get("/api/runs?sort=status&order=asc")).json as Page<RunRow>;
    assert.deepEqual(byStatus.items.filter((x) => x.status !== null).map((x) => x.status), ["completed", "completed", "degraded"]);
    const detail = (await get("/api/runs/gamma")).json as RunDetail;
    assert.deepEqual(detail.info.failures, DEGRADED.failures, "the run page gets the failures table as recorded");
  });

  test("a run: the record without secrets, its dataset found under --datasets, failures filtered, observations drawn", async () => {
    const r = await get("/api/runs/alpha");
    assert.equal(r.status, 200);
    for (const secret of ["gsk_SECRET", "hunter2", "abcdefghijklmnopqrstuvwxyz0123"]) assert.ok(!r.text.includes(secret), `${secret} leaked`);
    const d = r.json as RunDetail;
    assert.equal((d.info.config as Record<string, unknown>).api_key, "[redacted]");
    assert.equal((d.info.config as Record<string, unknown>).base_url, "https://[redacted]@llm.example.com/v1");
    assert.equal(d.dataset_id, "small");
    assert.equal(d.info.examples, undefined, "examples are paged separately");
    const listed = await get("/api/runs");
    assert.ok(!listed.text.includes("gsk_SECRET"));

    const all = (await get("/api/runs/alpha/examples?limit=200")).json as Page<ExampleView>;
    assert.equal(all.total, steps.length);
    const fails = (await get("/api/runs/alpha/examples?filter=failures&limit=200")).json as Page<ExampleView>;
    assert.equal(fails.total, d.failures_total);
    assert.ok(fails.items.length > 0 && fails.items.every((e) => e.score < 1));
    const wrong = (await get("/api/runs/alpha/examples?verdict=wrong&category=2")).json as Page<ExampleView>;
    assert.ok(wrong.items.every((e) => e.verdict === "wrong" && e.ground_truth_action === 2));

    const ex = fails.items[0]!;
    const eps = ((await get("/api/datasets/small/episodes")).json as Page<EpisodeSummary>).items;
    assert.deepEqual(eps[ex.episode_index!], { ...eps[ex.episode_index!]!, env_id: ex.env_id, seed: ex.seed, episode: ex.episode }, "episode_index points at the example's episode");
    const pic = await get(`/api/runs/alpha/examples/${ex.index}/render.svg`);
    assert.equal(pic.status, 200);
    assert.match(pic.text, /^<svg/);
    // The nested run names its dataset by directory name; found too.
    assert.equal(((await get("/api/runs/sweep%2Fbeta")).json as RunDetail).dataset_id, "small");
    // A run whose dataset is not under --datasets: examples listed, not renderable, the picture a clear 404.
    const g = (await get("/api/runs/gamma/examples?limit=1")).json as Page<ExampleView>;
    assert.equal(g.items[0]!.renderable, false);
    await expectError(get("/api/runs/gamma/examples/0/render.svg"), 404, /not under --datasets/);
  });

  test("play: a session steps by action index, the agent advises, the end is final", async () => {
    const s = (await post("/api/play", { env_id: "MiniGrid-Empty-5x5-v0", seed: 3 })).json as PlayState;
    assert.equal(s.step, 0);
    assert.match(s.mission, /green goal/);
    let st = s;
    // The terminal's play session on the same env and seed: the web session must advise as it does.
    const terminal = new PlaySession({ env: "MiniGrid-Empty-5x5-v0", seed: 3 });
    for (let k = 0; k < 20 && !st.terminated; k++) {
      const d = terminal.expertHint()!;
      assert.deepEqual(st.expert, { action: d.action, optimal_actions: d.optimalActions, optimal_exact: d.optimalExact, subgoal: d.subgoal }, `the expert's advice at step ${k}`);
      assert.equal(st.expert_error, null);
      const advice = (await post(`/api/play/${s.id}/agent`, {})).json as { action: number; reasoning: string };
      assert.ok(advice.action >= 0 && advice.action <= 6);
      assert.match(advice.reasoning, /subgoal/);
      assert.ok(st.expert!.optimal_actions.includes(advice.action as ActionIndex));
      st = (await post(`/api/play/${s.id}/step`, { action: advice.action })).json as PlayState;
      terminal.act(advice.action as ActionIndex);
      assert.equal(st.return, terminal.totalReward);
    }
    assert.ok(st.terminated && st.return > 0, "the expert agent reaches the goal");
    assert.equal(st.expert, null, "no advice once the episode is over");
    await expectError(post(`/api/play/${s.id}/step`, { action: 2 }), 409, /episode is over/);
    const pic = await get(`/api/play/${s.id}/render.svg?view=agent`);
    assert.match(pic.text, /viewBox="0 0 7 7"/);
  });

  test("bad input: unknown run or dataset, paths outside the roots, malformed parameters and bodies — 4xx with a clear message", async () => {
    // Unknown ids.
    await expectError(get("/api/runs/nope"), 404, /unknown run 'nope'/);
    await expectError(get("/api/runs/broken"), 422, /broken_info\.json is not valid JSON/);
    await expectError(get("/api/datasets/nope"), 404, /unknown dataset 'nope'/);
    await expectError(get("/api/datasets/nope/episodes"), 404, /unknown dataset/);
    await expectError(get("/api/datasets/small/episodes/99"), 404, /has 4 episodes; there is no episode 99/);
    await expectError(get("/api/datasets/small/episodes/0/steps/999/render.svg"), 404, /no step 999/);
    await expectError(get("/api/runs/alpha/examples/99999/render.svg"), 404, /no example 99999/);
    await expectError(post("/api/play/not-a-session/step", { action: 1 }), 404, /unknown play session/);
    await expectError(post("/api/play", { env_id: "MiniGrid-DorKey-5x5-v0" }), 404, /closest ids: MiniGrid-DoorKey-5x5-v0/);
    // Paths outside the roots.
    await expectError(get("/api/datasets/..%2F..%2Fetc"), 400, /not a path inside the datasets directory/);
    await expectError(get("/api/datasets/.."), 400, /not a path inside/);
    await expectError(get("/api/runs/%2Fetc%2Fpasswd"), 400, /not a path inside the runs directory/);
    await expectError(get("/api/runs/..%2Foutside%2Fleak"), 400, /not a path inside/);
    await expectError(get("/api/runs/leak"), 404, /unknown run 'leak'/);
    await expectError(get("/api/runs/outside_dir%2Fleak"), 404, /unknown run/);
    await expectError(get("/api/runs/sweep%5C..%5Calpha"), 400, /not a path inside/);
    for (const p of ["/../../package.json", "/%2e%2e/%2e%2e/package.json", "/assets/..%2f..%2f..%2fpackage.json", "/..%5c..%5cpackage.json"]) {
      const r = await get(p);
      assert.ok(r.status === 404 || r.status === 400, `${p} → ${r.status}`);
      assert.doesNotMatch(r.text, /"name": "gridtune"/);
    }
    // Malformed query parameters.
    await expectError(get("/api/runs?limit=abc"), 400, /'limit' must be an integer from 1 to 1000, got 'abc'/);
    await expectError(get("/api/runs?limit=0"), 400, /'limit' must be an integer/);
    await expectError(get("/api/runs?offset=-1"), 400, /'offset' must be an integer/);
    await expectError(get("/api/runs?sort=bogus"), 400, /'sort' must be one of created_at, model_name/);
    await expectError(get("/api/runs?order=sideways"), 400, /'order' must be one of asc, desc/);
    await expectError(get("/api/runs/alpha/examples?filter=mine"), 400, /'filter' must be one of all, failures/);
    await expectError(get("/api/runs/alpha/examples?category=9"), 400, /'category' must be an integer from 0 to 6/);
    await expectError(get("/api/runs/alpha/examples?verdict=great"), 400, /'verdict' must be one of/);
    await expectError(get("/api/datasets/small/episodes?success=maybe"), 400, /'success' must be one of any, true, false/);
    await expectError(get("/api/datasets/small/episodes/first"), 400, /episode index must be a non-negative integer, got 'first'/);
    await expectError(get("/api/datasets/small/episodes/0/steps/1.5/render.svg"), 400, /step must be a non-negative integer/);
    await expectError(get("/api/datasets/small/episodes/0/steps/0/render.svg?view=sideways"), 400, /'view' must be one of full, agent/);
    await expectError(get("/api/datasets/small/episodes/0/steps/0/render.png?tile=100000"), 400, /'tile' must be an integer from 4 to 128/);
    await expectError(get("/api/datasets/small/episodes/0/steps/0/render.gif"), 404, /use render\.svg or render\.png/);
    await expectError(get("/api/runs/%E0%A4%A"), 400, /malformed URL encoding/);
    await expectError(get("/api/nothing/here"), 404, /no such API route: GET \/api\/nothing\/here/);
    await expectError(raw(dash.url, "DELETE", "/api/runs/alpha"), 405, /DELETE is not allowed/);
    // Malformed bodies.
    await expectError(post("/api/play", "{ nope"), 400, /not valid JSON/);
    await expectError(post("/api/play", "[1,2]"), 400, /must be a JSON object/);
    await expectError(post("/api/play", { seed: 1 }), 400, /'env_id' must be a registered env id/);
    await expectError(post("/api/play", { env_id: "MiniGrid-Empty-5x5-v0", seed: -4 }), 400, /'seed' must be a non-negative integer/);
    const s = (await post("/api/play", { env_id: "MiniGrid-Empty-5x5-v0", seed: 0 })).json as PlayState;
    await expectError(post(`/api/play/${s.id}/step`, { action: 9 }), 400, /'action' must be an integer 0–6/);
    await expectError(post(`/api/play/${s.id}/step`, { action: "forward" }), 400, /'action' must be an integer 0–6/);
    await expectError(post(`/api/play/${s.id}/step`, "x".repeat(70_000)), 413, /larger than/);
    // Requests addressed to another host name (DNS rebinding) are refused on a loopback server.
    await expectError(get("/api/info", { host: "evil.example.com" }), 403, /answers only requests to localhost/);
    // No roots: a clear message, not a crash.
    await expectError(raw(bare.url, "GET", "/api/runs/x"), 404, /start gridtune serve with --runs DIR/);
    await expectError(raw(bare.url, "GET", "/api/datasets/x"), 404, /start gridtune serve with --datasets DIR/);
    await expectError(raw(bare.url, "POST", "/api/play/x/agent", "{}"), 404, /no agent is loaded: start gridtune serve with --model-path/);
    assert.deepEqual(((await raw(bare.url, "GET", "/api/runs")).json as Page<RunRow>).items, []);
    // …and the server still serves.
    assert.equal((await get("/api/info")).status, 200);
    assert.equal((await get("/api/runs/alpha")).status, 200);
    assert.deepEqual(errors, [], "no 5xx was logged");
  });

  test("a corrupt steps.jsonl line is a 422 naming the line; the rest of the dataset still works", async () => {
    const d = join(dir, "datasets", "corrupt");
    await collectFixture(d, { envIds: ["MiniGrid-Empty-5x5-v0"], seeds: [9], episodes: 1 });
    appendFileSync(join(d, "steps.jsonl"), '{"env_id":"MiniGrid-Empty-5x5-v0","seed":9,"episode":0,"step":99,"broken\n');
    await expectError(get("/api/datasets/corrupt/episodes/0"), 422, /steps\.jsonl line \d+ is not valid JSON/);
    assert.equal((await get("/api/datasets/small/episodes/0")).status, 200);
    rmSync(d, { recursive: true });
  });

  test("large datasets stay fast: 20 000 steps are indexed once, then an episode loads from its byte range", async () => {
    const d = join(dir, "datasets", "big");
    mkdirSync(d);
    const base = steps[0]!;
    const eps: string[] = [];
    const lines: string[] = [];
    for (let e = 0; e < 1000; e++) {
      eps.push(JSON.stringify({ env_id: base.env_id, seed: 1000 + e, episode: 0, length: 20, success: true, return: 0.9 }));
      for (let t = 0; t < 20; t++) lines.push(JSON.stringify({ ...base, seed: 1000 + e, step: t, action: t % 7 }));
    }
    writeFileSync(join(d, "manifest.json"), JSON.stringify({ format: "gridtune-dataset/1", options: {} }));
    writeFileSync(join(d, "episodes.jsonl"), eps.join("\n") + "\n");
    writeFileSync(join(d, "steps.jsonl"), lines.join("\n") + "\n");
    let t0 = performance.now();
    const page = (await get("/api/datasets/big/episodes?offset=990&limit=50")).json as Page<EpisodeSummary>;
    assert.equal(page.total, 1000);
    assert.equal(page.items.length, 10);
    const first = await get("/api/datasets/big/episodes/777");
    const indexMs = performance.now() - t0;
    assert.equal((first.json as EpisodeDetail).steps.length, 20);
    assert.equal((first.json as EpisodeDetail).seed, 1777);
    t0 = performance.now();
    for (const i of [3, 500, 999]) assert.equal(((await get(`/api/datasets/big/episodes/${i}`)).json as EpisodeDetail).steps.length, 20);
    const loadMs = (performance.now() - t0) / 3;
    assert.ok(indexMs < 5000, `first episode (with indexing) took ${indexMs.toFixed(0)} ms`);
    assert.ok(loadMs < 100, `an indexed episode took ${loadMs.toFixed(1)} ms`);
    const detail = (await get("/api/datasets/big")).json as DatasetDetail;
    assert.equal(detail.per_category["6"], 2000);
  });
});

describe("redactSecrets", () => {
  test("secret-named keys, key-shaped strings and URL credentials are replaced; token counts are not", () => {
    const out = redactSecrets({
      api_key: "abc",
      groq_api_key: "abc",
      apiKey: "abc",
      password: "p",
      prompt_tokens: 12,
      completion_tokens: 3,
      teacher_groq: true,
      note: "key sk-proj-ABCDEFGHIJKLMNOPQRST and gsk_ABCDEFGHIJKLMNOPQRST",
      url: "http://me:pw@host:8080/v1",
      nested: [{ authorization: "Bearer x" }],
    });
    assert.deepEqual(out, {
      api_key: "[redacted]",
      groq_api_key: "[redacted]",
      apiKey: "[redacted]",
      password: "[redacted]",
      prompt_tokens: 12,
      completion_tokens: 3,
      teacher_groq: true,
      note: "key [redacted] and [redacted]",
      url: "http://[redacted]@host:8080/v1",
      nested: [{ authorization: "[redacted]" }],
    });
  });
});

describe("gridtune serve", () => {
  const bin = join(repoRoot, "dist", "src", "cli", "main.js");

  test("starts on a free port on loopback, serves the API, stops on SIGTERM", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gridtune-serve-"));
    try {
      const child = spawn(process.execPath, [bin, "serve", "--port", "0", "--runs", dir, "--datasets", dir], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      const url = await new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 20_000);
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /gridtune dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) {
            clearTimeout(t);
            resolve(m[1]!);
          }
        });
        child.on("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const r = await raw(url, "GET", "/api/info");
      assert.equal(r.status, 200);
      assert.equal(r.json.agent, null);
      const code = await new Promise<number | null>((resolve) => {
        child.removeAllListeners("exit");
        child.on("exit", (c) => resolve(c));
        child.kill("SIGTERM");
      });
      assert.equal(code, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("--model-path: Play's hints come from a saved MinigridAgent and its LM (here the LLM test server); LM failures are a 502", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gridtune-serve-agent-"));
    const llm = await LLMTestServer.start({
      models: ["tiny-agent"],
      replies: [{ reply: "[[ ## reasoning ## ]]\nThe yellow key is right in front of me, so I take it.\n\n[[ ## primitive_action ## ]]\npick up\n\n[[ ## completed ## ]]" }],
    });
    let child: ReturnType<typeof spawn> | null = null;
    try {
      const program = join(dir, "doorkey_agent.json");
      new MinigridAgent({ hintType: "action", encodingType: "ascii", view: "agent" }, lm("ollama/tiny-agent", { baseUrl: llm.ollamaHost, cache: false })).save(program);
      const env = { ...process.env, OLLAMA_HOST: llm.ollamaHost, GRIDTUNE_NO_CACHE: "1", GRIDTUNE_CACHE_DIR: join(dir, "cache") };
      child = spawn(process.execPath, [bin, "serve", "--port", "0", "--runs", dir, "--datasets", dir, "--model-path", program], { stdio: ["ignore", "pipe", "pipe"], env });
      let out = "";
      child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
      const url = await new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 30_000);
        child!.stdout!.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /gridtune dashboard: (http:\/\/127\.0\.0\.1:\d+\/)[^]*Ctrl-C/.exec(out);
          if (m) {
            clearTimeout(t);
            resolve(m[1]!);
          }
        });
        child!.on("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      assert.match(out, /agent: +doorkey_agent\.json \(action hints, ascii · agent view/);
      const info = await raw(url, "GET", "/api/info");
      assert.match(info.json.agent.name, /doorkey_agent\.json/);
      const s = (await raw(url, "POST", "/api/play", JSON.stringify({ env_id: "MiniGrid-DoorKey-5x5-v0", seed: 1 }))).json as PlayState;
      const advice = await raw(url, "POST", `/api/play/${s.id}/agent`, "{}");
      assert.equal(advice.status, 200, advice.text);
      assert.equal(advice.json.action, 3);
      assert.equal(advice.json.hint, "pick up");
      assert.match(advice.json.reasoning, /yellow key is right in front/);
      assert.match(advice.json.observation, /use the key to open the door/);
      assert.ok(llm.requests.some((r) => r.chat?.api === "ollama" && r.chat.model === "tiny-agent"), "the agent asked its LM");
      // The LM going away is the agent's failure, reported as such; the server keeps serving.
      await llm.close();
      const failed = await raw(url, "POST", `/api/play/${s.id}/agent`, "{}");
      assert.equal(failed.status, 502, failed.text);
      assert.match(failed.json.error, /the agent could not answer/);
      assert.equal((await raw(url, "GET", "/api/info")).status, 200);
    } finally {
      child?.kill("SIGTERM");
      await llm.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("bad flags name the flag", async () => {
    const run = (...args: string[]) =>
      new Promise<{ code: number | null; err: string }>((resolve) => {
        const c = spawn(process.execPath, [bin, "serve", ...args], { stdio: ["ignore", "ignore", "pipe"] });
        let err = "";
        c.stderr.on("data", (d: Buffer) => (err += d.toString()));
        c.on("exit", (code) => resolve({ code, err }));
      });
    let r = await run("--port", "http");
    assert.equal(r.code, 2);
    assert.match(r.err, /--port must be an integer from 0 to 65535, got 'http'/);
    r = await run("--runs", "/no/such/dir");
    assert.equal(r.code, 2);
    assert.match(r.err, /--runs \/no\/such\/dir: no such directory/);
    r = await run("--model-path", "/no/such/program.json");
    assert.match(r.err, /--model-path \/no\/such\/program\.json: no such file/);
    assert.doesNotMatch(r.err, /\n\s+at /);
  });
});
