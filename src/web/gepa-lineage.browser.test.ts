/**
 * The run page of a GEPA run in Chromium: the lineage card lists every candidate with its parents,
 * score and Pareto membership, and shows each instruction as a word diff against its parent.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GepaLineage, RunInfo } from "../pipeline/run-info.js";
import { DEFAULT_STATIC_DIR, startDashboard, type RunningDashboard } from "./server.js";
import { collectFixture, makeRunInfo } from "./test-fixtures.js";

const CHROMIUM = process.env.GRIDTUNE_CHROMIUM ?? "/usr/bin/chromium";
const skip = !existsSync(CHROMIUM) ? `Chromium not found at ${CHROMIUM}: browser tests skipped` : false;

const lineage: GepaLineage = {
  candidates: [
    { idx: 0, parents: [], val_score: 0.375, instructions: { "act.predict": "Pick the next action." }, discovered_at_calls: 0 },
    { idx: 1, parents: [0], val_score: 0.625, instructions: { "act.predict": "Pick the next action. Toggle only a door in front." }, discovered_at_calls: 23 },
    { idx: 2, parents: [1], val_score: 0.75, instructions: { "act.predict": "Pick the best next action. Toggle only a door in front." }, discovered_at_calls: 51 },
  ],
  pareto_front: [1, 2],
  best_idx: 2,
  total_metric_calls: 80,
  feedback_metric_calls: 12,
};

describe("GEPA lineage on the run page", { skip, timeout: 120_000 }, () => {
  let dir: string;
  let dash: RunningDashboard;
  let ctx: import("playwright-core").BrowserContext;

  before(async () => {
    assert.ok(existsSync(join(DEFAULT_STATIC_DIR, "index.html")), `the front end is not built (${DEFAULT_STATIC_DIR}); run \`npm run build\``);
    dir = mkdtempSync(join(tmpdir(), "gridtune-gepa-web-"));
    const { steps } = await collectFixture(join(dir, "datasets", "ds"), { envIds: ["MiniGrid-Empty-5x5-v0"], seeds: [1], episodes: 1 });
    const run: RunInfo = makeRunInfo(steps, { modelName: "gepa_run", datasetPath: join(dir, "datasets", "ds"), createdAt: "2025-03-01T10:00:00Z", student: "ollama/llama3.2:3b", wrongEvery: 4 });
    run.optimization = { optimizer: "GEPA", baseline_score: 37.5, best_score: 75, trials: 10, resumed_trials: 0, stopped_by: "completed", instruction_candidates: 3, calls: 90, cost_usd: 0, error: null, gepa: lineage };
    mkdirSync(join(dir, "runs"), { recursive: true });
    writeFileSync(join(dir, "runs", "gepa_run_info.json"), JSON.stringify(run));
    dash = await startDashboard({ host: "127.0.0.1", port: 0, runsDir: join(dir, "runs"), datasetsDir: join(dir, "datasets") });
    const pw = await import("playwright-core");
    ctx = await pw.chromium.launchPersistentContext(join(dir, "profile"), { executablePath: CHROMIUM, headless: true, args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"] });
  });

  after(async () => {
    await ctx?.close();
    await dash?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("candidates, parents, the front, and the instruction diffed against its parent", async () => {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${dash.url}#/runs/gepa_run`);
    await page.locator("[data-testid=gepa-lineage]").waitFor({ timeout: 10_000 });
    assert.equal(await page.locator("[data-testid^=gepa-candidate-]").count(), 3);
    const c1 = (await page.locator("[data-testid=gepa-candidate-1]").textContent()) ?? "";
    assert.match(c1, /from #0/);
    assert.match(c1, /62\.5%/);
    assert.match(c1, /on the Pareto front/);
    assert.doesNotMatch((await page.locator("[data-testid=gepa-candidate-0]").textContent()) ?? "", /Pareto/);
    assert.match((await page.locator("[data-testid=gepa-candidate-2]").textContent()) ?? "", /★/);
    const added = await page.locator("[data-testid=gepa-candidate-2] [data-diff=add]").allTextContents();
    assert.deepEqual(added.map((t) => t.trim()), ["best"]);
    assert.deepEqual(await page.locator("[data-testid=gepa-candidate-1] [data-diff=del]").count(), 0);
    assert.match((await page.locator("[data-testid=gepa-candidate-1] [data-diff=add]").allTextContents()).join(""), /Toggle only a door in front\./);
    assert.match((await page.locator("[data-testid=config]").textContent()) ?? "", /GEPA/);
    assert.deepEqual(errors, []);
  });
});
