/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core, over a small dataset
 * collected with the expert and two run records made from it. Screenshots go to
 * .test-output/screenshots/ (GRIDTUNE_DOCS_SCREENSHOTS=1 also refreshes docs/images/).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../testing/paths.js";
import { evaluationLines } from "../pipeline/report.js";
import type { RunInfo } from "../pipeline/run-info.js";
import type { StepRecord } from "./datasets.js";
import { DEFAULT_STATIC_DIR, startDashboard, type RunningDashboard } from "./server.js";
import { collectFixture, expertPlayAgent, makeRunInfo } from "./test-fixtures.js";

const CHROMIUM = process.env.GRIDTUNE_CHROMIUM ?? "/usr/bin/chromium";
const SHOTS = join(repoRoot, ".test-output", "screenshots");
const DOCS = join(repoRoot, "docs", "images");
const ACTIONS = ["left", "right", "forward", "pickup", "drop", "toggle", "done"];
const PHRASES = ["turn left", "turn right", "move forward", "pick up", "drop", "toggle", "done"];
/** The width the layout is checked at (issue 14: a 1400 px screen). */
const WIDTH = 1400;
/** Long model ids, as real providers name them, for the runs table's layout. */
const LONG_STUDENT = "ollama/hf.co/bartowski/Llama-3.2-3B-Instruct-GGUF:Q4_K_M";
const LONG_TEACHER = "groq/meta-llama/llama-4-scout-17b-16e-instruct";
/** A degraded run's outcome fields, as the pipeline writes them (issue 13). */
const DEGRADED = {
  status: "degraded",
  outcome_message: "The assessor's calls failed beyond the 5% share (3 of 12): 2 × HTTP 429 rate limit, 1 × timeout. Resume with --resume.",
  failures: [
    { role: "assessor", model: "groq/deepseek-r1-distill-llama-70b", calls: 12, failed: 3, reasons: { "429 rate limit": 2, timeout: 1 } },
    { role: "student", model: LONG_STUDENT, calls: 40, failed: 1, reasons: { "connection reset": 1 } },
  ],
};

const skip = !existsSync(CHROMIUM) ? `Chromium not found at ${CHROMIUM} (apt-get install chromium; .ci/run does): browser tests skipped` : false;
if (skip) console.log(`# ${skip}`);

type PW = typeof import("playwright-core");
// What the page.evaluate callbacks use of the browser (this file compiles without the DOM lib).
interface BrowserEl {
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { width: number; height: number };
  complete: boolean;
  naturalWidth: number;
  width: number;
  height: number;
}
declare const document: { querySelectorAll(selector: string): Iterable<BrowserEl> & ArrayLike<BrowserEl>; querySelector(selector: string): BrowserEl | null };
type BrowserContext = import("playwright-core").BrowserContext;
type Page = import("playwright-core").Page;

describe("dashboard in Chromium", { skip, timeout: 240_000 }, () => {
  let dir: string;
  let dash: RunningDashboard;
  let ctx: BrowserContext;
  let page: Page;
  let steps: StepRecord[];
  let runA: RunInfo;
  let runB: RunInfo;
  let runC: RunInfo;
  const pageErrors: string[] = [];

  const url = (hash: string) => `${dash.url}#${hash}`;

  /** A full-page screenshot; `docs` also writes the top `height` pixels to docs/images/ when asked to. */
  async function shot(name: string, docs?: { file: string; height: number }): Promise<void> {
    mkdirSync(SHOTS, { recursive: true });
    // Pictures show the loaded page, never a "Loading…" placeholder.
    await page.waitForFunction(() => document.querySelectorAll(".loading").length === 0, undefined, { timeout: 10_000 });
    // Scrolled to the top, so the sticky header sits at the top of a full-page picture.
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    if (docs && process.env.GRIDTUNE_DOCS_SCREENSHOTS === "1") {
      mkdirSync(DOCS, { recursive: true });
      const height = Math.min(docs.height, await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollHeight: number } } }).document.documentElement.scrollHeight));
      await page.screenshot({ path: join(DOCS, docs.file), fullPage: true, clip: { x: 0, y: 0, width: WIDTH, height } });
    }
  }

  /** Wait until the locator's text matches. */
  async function textOf(selector: string, re: RegExp, timeout = 10_000): Promise<string> {
    const loc = page.locator(selector).first();
    const end = Date.now() + timeout;
    let last = "";
    while (Date.now() < end) {
      last = (await loc.textContent({ timeout }).catch(() => "")) ?? "";
      if (re.test(last)) return last;
      await page.waitForTimeout(50);
    }
    assert.fail(`${selector}: expected text matching ${re}, got ${JSON.stringify(last)}`);
  }

  /** Every <img> matching the selector has loaded a picture. */
  async function imagesLoaded(selector: string): Promise<number> {
    await page.waitForFunction(
      (sel) => {
        const imgs = [...document.querySelectorAll(sel)];
        return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0);
      },
      selector,
      { timeout: 10_000 },
    );
    return page.locator(selector).count();
  }

  /**
   * For each grid row (`.grid-row`) in the element whose text matches `re`, how many screen lines it
   * takes (1 = not wrapped): the line boxes of the inline span.
   */
  async function gridRowLines(selector: string, re: RegExp): Promise<number[]> {
    return page.evaluate(
      ([sel, source, flags]) => {
        type Row = { textContent: string; getClientRects(): ArrayLike<{ top: number }> };
        const g = globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<Row> } };
        const pattern = new RegExp(source, flags);
        return Array.from(g.document.querySelectorAll(`${sel} .grid-row`))
          .filter((row) => pattern.test(row.textContent))
          .map((row) => new Set(Array.from(row.getClientRects(), (r) => Math.round(r.top))).size);
      },
      [selector, re.source, re.flags] as const,
    );
  }

  before(async () => {
    assert.ok(existsSync(join(DEFAULT_STATIC_DIR, "index.html")), `the front end is not built (${DEFAULT_STATIC_DIR}); run \`npm run build\``);
    dir = mkdtempSync(join(tmpdir(), "gridtune-web-"));
    ({ steps } = await collectFixture(join(dir, "datasets", "dataset_small"), { envIds: ["MiniGrid-DoorKey-5x5-v0", "MiniGrid-Empty-5x5-v0"], seeds: [1, 2], episodes: 2 }));
    const runs = join(dir, "runs");
    mkdirSync(runs, { recursive: true });
    runA = makeRunInfo(steps, { modelName: "doorkey_llama70b", datasetPath: join(dir, "datasets", "dataset_small"), createdAt: "2025-03-01T10:00:00Z", student: "ollama/llama3.1:70b", wrongEvery: 6 });
    runB = makeRunInfo(steps, { modelName: "doorkey_llama3b", datasetPath: "dataset_small", createdAt: "2025-03-02T09:30:00Z", student: "ollama/llama3.2:3b", wrongEvery: 3, encoding: "natural", hint: "action", costPerCall: 0.0001 });
    writeFileSync(join(runs, "doorkey_llama70b_info.json"), JSON.stringify(runA));
    writeFileSync(join(runs, "doorkey_llama3b_info.json"), JSON.stringify(runB));
    runC = makeRunInfo(steps, { modelName: "degraded_scout", datasetPath: "dataset_small", createdAt: "2025-02-20T08:00:00Z", student: LONG_STUDENT, teacher: LONG_TEACHER, wrongEvery: 2 });
    writeFileSync(join(runs, "degraded_scout_info.json"), JSON.stringify({ ...runC, ...DEGRADED }));
    dash = await startDashboard({ host: "127.0.0.1", port: 0, runsDir: runs, datasetsDir: join(dir, "datasets"), agent: expertPlayAgent() });
    const pw: PW = await import("playwright-core");
    ctx = await pw.chromium.launchPersistentContext(join(dir, "chromium-profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      viewport: { width: WIDTH, height: 900 },
      deviceScaleFactor: 1,
      offline: false,
    });
    page = ctx.pages()[0] ?? (await ctx.newPage());
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(m.text());
    });
    // Nothing may come from the network but the dashboard itself (no CDN).
    await ctx.route("**/*", (route) => {
      const u = route.request().url();
      if (u.startsWith(dash.url) || u.startsWith("data:")) return route.continue();
      pageErrors.push(`request outside the dashboard: ${u}`);
      return route.abort();
    });
  });

  after(async () => {
    await ctx?.close();
    await dash?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("datasets: the list, counts per env and per category (charts), paged episodes", async () => {
    await page.goto(url("/datasets"));
    const row = page.locator("[data-testid=dataset-list] tbody tr", { hasText: "dataset_small" });
    await row.waitFor();
    const cells = (await row.locator("td").allTextContents()).map((s) => s.trim());
    assert.equal(cells[4], "8", "episodes");
    assert.equal(cells[5], String(steps.length), "steps");
    assert.match(cells[2]!, /MiniGrid-DoorKey-5x5-v0 4/);
    const forward = steps.filter((s) => s.action === 2).length;
    assert.match((await row.locator(".catbar").getAttribute("aria-label")) ?? "", new RegExp(`2 forward ${forward}\\b`));
    // Every category is named with its count beside the bar, the small ones too (their segment is too thin for a label).
    const counts = new Map<number, number>();
    for (const st of steps) counts.set(st.action, (counts.get(st.action) ?? 0) + 1);
    assert.ok([...counts.values()].some((v) => v / steps.length < 0.12), "the fixture has a small category");
    for (const [a, v] of counts) {
      const item = row.locator(`[data-testid=catbar-legend] [data-category="${a}"]`);
      assert.equal((await item.textContent())?.trim(), `${ACTIONS[a]} ${v}`);
      assert.ok(await item.isVisible(), `legend item ${ACTIONS[a]} is visible`);
      const box = (await item.boundingBox())!;
      assert.ok(box.x >= 0 && box.x + box.width <= WIDTH, `legend item ${ACTIONS[a]} is on screen`);
    }
    await shot("datasets");

    await row.locator("a").click();
    await page.locator("[data-testid=per-env] tbody tr").first().waitFor();
    const envRows = await page.locator("[data-testid=per-env] tbody tr").allTextContents();
    const doorkeySteps = steps.filter((s) => s.env_id === "MiniGrid-DoorKey-5x5-v0").length;
    assert.ok(envRows.some((t) => t.includes("MiniGrid-DoorKey-5x5-v0") && t.includes("4") && t.includes(String(doorkeySteps))), envRows.join(" | "));
    const label = (await page.locator("[data-testid=chart-per-category] canvas").getAttribute("aria-label")) ?? "";
    assert.match(label, new RegExp(`2 forward ${forward}\\b`), label);
    assert.ok(await page.locator("[data-testid=chart-per-category] canvas").evaluate((c: BrowserEl) => c.width > 100 && c.height > 100), "the category chart is drawn");
    const epRows = page.locator("[data-testid=episodes] tbody tr");
    assert.equal(await epRows.count(), 8);
    await page.selectOption("[data-testid=episodes] select[aria-label=env]", "MiniGrid-Empty-5x5-v0");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=episodes] tbody tr").length === 4);
    assert.match((await epRows.first().textContent()) ?? "", /MiniGrid-Empty-5x5-v0/);
    await page.selectOption("[data-testid=episodes] select[aria-label=env]", "");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=episodes] tbody tr").length === 8);
    await shot("dataset");
  });

  test("episode player: steps through an episode showing the ground truth, the optimal set and the subgoal", async () => {
    const ep = steps.filter((s) => s.env_id === "MiniGrid-DoorKey-5x5-v0" && s.seed === 2 && s.episode === 0);
    await page.goto(url("/datasets/dataset_small/episodes/2"));
    await textOf("[data-testid=step-counter]", new RegExp(`^step 0 \\(1 of ${ep.length}\\)$`));
    assert.equal(await imagesLoaded("[data-testid=episode-player] img[data-testid=full-view], [data-testid=agent-view]"), 2);
    const fullSize = await page.locator("img[data-testid=full-view]").evaluate((i: BrowserEl) => i.getBoundingClientRect().width);
    assert.ok(fullSize >= 400, `the grid is drawn large (${fullSize}px)`);
    for (let k = 0; k < ep.length; k++) {
      const s = ep[k]!;
      await textOf("[data-testid=step-counter]", new RegExp(`^step ${s.step} \\(${k + 1} of ${ep.length}\\)$`));
      assert.equal((await page.locator("[data-testid=ground-truth]").textContent())?.trim(), PHRASES[s.action], `ground truth at step ${k}`);
      assert.equal((await page.locator("[data-testid=subgoal]").textContent())?.trim(), s.subgoal || "—", `subgoal at step ${k}`);
      const optimal = await page.locator("[data-testid=step-info] [data-testid=optimal-set] .chip:not(.dim)").allTextContents();
      assert.deepEqual(optimal, s.optimal_actions.map((a) => ACTIONS[a]), `optimal set at step ${k}`);
      await page.waitForURL(new RegExp(`step=${s.step}$`), { timeout: 5000 });
      if (k === 3) await shot("episode-player", { file: "episode-player.png", height: 1700 });
      if (k < ep.length - 1) {
        if (k % 2 === 0) await page.keyboard.press("ArrowRight");
        else await page.getByRole("button", { name: "next step" }).click();
      }
    }
    // The picture follows the step: the agent view of the last step is that step's.
    assert.match((await page.locator("img[data-testid=agent-view]").getAttribute("src")) ?? "", new RegExp(`/steps/${ep.at(-1)!.step}/render.svg\\?view=agent`));
    await page.keyboard.press("Home");
    await textOf("[data-testid=step-counter]", /\(1 of /);
    // The encodings panel: the four encodings once src/encoding exists, the raw view until then.
    const enc = page.locator("[data-testid=encodings]");
    await enc.locator("pre").first().waitFor();
    if (await page.locator("[data-testid=encodings-unavailable]").count()) {
      assert.match((await enc.locator("[data-testid=encoding-raw] pre").textContent()) ?? "", /\^\^/);
    } else {
      for (const t of ["ascii", "natural", "tuples", "relative"]) assert.ok(((await enc.locator(`[data-testid=encoding-${t}] pre`).textContent()) ?? "").length > 0, t);
      // The tuples keep their 7×7 shape at 1400 px: each grid row of seven tuples is drawn on one line.
      const rows = await gridRowLines("[data-testid=encoding-tuples] pre", /^(\(\d+, \d+, \d+\) ?){7}$/);
      assert.equal(rows.length, 7, `seven grid rows in the tuples encoding, got ${JSON.stringify(rows)}`);
      assert.deepEqual(rows, [1, 1, 1, 1, 1, 1, 1], "each tuples row on one line (no wrap)");
      const asciiRows = await gridRowLines("[data-testid=encoding-ascii] pre", /^(\S\S ){6}\S\S$/);
      assert.deepEqual(asciiRows, [1, 1, 1, 1, 1, 1, 1], "each ascii row on one line");
      await shot("episode-player-1400");
    }
  });

  test("runs: a sortable table of every _info.json", async () => {
    await page.goto(url("/runs"));
    const rows = page.locator("[data-testid=runs-table] tbody tr");
    await rows.first().waitFor();
    assert.equal(await rows.count(), 3);
    // Newest first by default.
    assert.deepEqual(await rows.evaluateAll((trs) => trs.map((t) => t.getAttribute("data-run"))), ["doorkey_llama3b", "doorkey_llama70b", "degraded_scout"]);
    const a = page.locator("tr[data-run=doorkey_llama70b]");
    assert.equal((await a.locator("[data-col=accuracy]").textContent())?.trim(), `${(runA.results.accuracy * 100).toFixed(1)}%`);
    assert.equal((await a.locator("[data-col=student]").textContent())?.trim(), "ollama/llama3.1:70b");
    assert.equal((await a.locator("[data-col=calls]").textContent())?.trim(), String(runA.usage.total.calls));
    assert.match((await a.locator("[data-col=exact]").textContent()) ?? "", new RegExp(`^${runA.results.exact} \\(`));
    // Sort by accuracy: best first, then ascending on a second click.
    await page.locator("button[data-sort=accuracy]").click();
    await page.waitForFunction(() => document.querySelector("[data-testid=runs-table] tbody tr")?.getAttribute("data-run") === "doorkey_llama70b");
    await page.locator("button[data-sort=accuracy]").click();
    const lowest = [runA, runB, runC].sort((x, y) => x.results.accuracy - y.results.accuracy)[0]!.model_name;
    await page.waitForFunction((id) => document.querySelector("[data-testid=runs-table] tbody tr")?.getAttribute("data-run") === id, lowest);
    await shot("runs");
  });

  test("runs at 1400 px: no horizontal scrolling, model ids on one line, the status of every run", async () => {
    await page.goto(url("/runs"));
    await page.locator("tr[data-run=degraded_scout]").waitFor();
    const fit = await page.locator("[data-testid=run-list] .table-scroll").evaluate((el: BrowserEl & { scrollWidth: number; clientWidth: number }) => [el.scrollWidth, el.clientWidth]);
    assert.ok(fit[0]! <= fit[1]!, `the runs table fits its card at ${WIDTH} px (scroll width ${fit[0]} > ${fit[1]})`);
    const pageFit = await page.evaluate(() => {
      const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
      return [d.scrollWidth, d.clientWidth];
    });
    assert.ok(pageFit[0]! <= pageFit[1]!, `the page does not scroll sideways (${pageFit[0]} > ${pageFit[1]})`);
    // Every model id is one line high, and the full id is its tooltip.
    const lineHeight = await page.locator("tr[data-run=doorkey_llama70b] [data-col=created_at]").evaluate((td: BrowserEl) => td.getBoundingClientRect().height);
    for (const [col, id] of [["student", LONG_STUDENT], ["teacher", LONG_TEACHER]] as const) {
      const cell = page.locator(`tr[data-run=degraded_scout] [data-col=${col}] .model-id`);
      assert.equal(await cell.getAttribute("title"), id, `${col} tooltip`);
      const h = await cell.evaluate((el: BrowserEl) => el.getBoundingClientRect().height);
      assert.ok(h < 24, `the ${col} id stays on one line (${h}px high)`);
    }
    for (const run of ["doorkey_llama70b", "doorkey_llama3b", "degraded_scout"]) {
      const h = await page.locator(`tr[data-run=${run}]`).evaluate((tr: BrowserEl) => tr.getBoundingClientRect().height);
      assert.ok(h <= lineHeight + 1, `row ${run} is one line high (${h}px vs ${lineHeight}px)`);
    }
    // The status: completed in green; degraded in the warning colour, its row marked, the message as the tooltip.
    const badge = (run: string) => page.locator(`tr[data-run=${run}] [data-col=status] [data-testid=run-status]`);
    assert.equal((await badge("doorkey_llama70b").textContent())?.trim(), "completed");
    assert.equal((await badge("degraded_scout").textContent())?.trim(), "⚠ degraded");
    assert.equal(await page.locator("tr[data-run=degraded_scout]").getAttribute("data-status"), "degraded");
    assert.match((await badge("degraded_scout").getAttribute("title")) ?? "", /beyond the 5% share.*4 failed LM calls/);
    const colour = (run: string) => badge(run).evaluate((el: BrowserEl) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor);
    assert.equal(await colour("doorkey_llama70b"), "rgb(30, 158, 74)");
    assert.equal(await colour("degraded_scout"), "rgb(194, 106, 0)", "degraded is amber, not the success green");
    await shot("runs-1400");
  });

  test("run page of a degraded run: the outcome banner in warning colours and the failures table", async () => {
    await page.goto(url("/runs/degraded_scout"));
    const banner = page.locator("[data-testid=run-outcome]");
    await banner.waitFor();
    assert.equal(await banner.getAttribute("data-status"), "degraded");
    assert.match((await banner.getAttribute("class")) ?? "", /\bwarning\b/);
    assert.match((await banner.textContent()) ?? "", /Degraded run/);
    assert.equal((await page.locator("[data-testid=outcome-message]").textContent())?.trim(), DEGRADED.outcome_message);
    assert.equal((await page.locator("h1 [data-testid=run-status]").textContent())?.trim(), "⚠ degraded");
    for (const f of DEGRADED.failures) {
      const cells = (await page.locator(`[data-testid=failures-table] tr[data-role=${f.role}] td`).allTextContents()).map((t) => t.trim());
      assert.equal(cells[1], f.model);
      assert.equal(cells[2], String(f.calls));
      assert.match(cells[3]!, new RegExp(`^${f.failed} \\(${Math.round((100 * f.failed) / f.calls)}%\\)$`));
      for (const [reason, n] of Object.entries(f.reasons)) assert.ok(cells[4]!.includes(`${reason} ×${n}`), `${f.role}: ${reason} in ${cells[4]}`);
    }
    // Nothing on the page says success.
    assert.doesNotMatch((await page.locator("[data-testid=run-page]").textContent()) ?? "", /success!|completed successfully/i);
    await shot("run-degraded");
    // A completed run has no banner.
    await page.goto(url("/runs/doorkey_llama70b"));
    await page.locator("[data-testid=score-stats]").waitFor();
    assert.equal(await page.locator("[data-testid=run-outcome]").count(), 0);
    assert.equal((await page.locator("h1 [data-testid=run-status]").textContent())?.trim(), "completed");
    // Side by side, each run says its status; the degraded one brings its banner.
    await page.goto(url("/compare/degraded_scout/doorkey_llama70b"));
    await page.locator("[data-testid=compare-run-a] [data-testid=run-status]").waitFor();
    assert.equal((await page.locator("[data-testid=compare-run-a] [data-testid=run-status]").textContent())?.trim(), "⚠ degraded");
    assert.equal((await page.locator("[data-testid=compare-run-b] [data-testid=run-status]").textContent())?.trim(), "completed");
    assert.equal(await page.locator("[data-testid=compare-run-a] [data-testid=run-outcome]").getAttribute("data-status"), "degraded");
    assert.equal(await page.locator("[data-testid=compare-run-b] [data-testid=run-outcome]").count(), 0);
    await shot("compare-degraded");
  });

  test("AI-assessed reasonable: the console report and the dashboard give the same count of the same answers", async () => {
    for (const run of [runA, runB, runC]) {
      const line = evaluationLines({ ...run.results, examples: run.examples }, "action").find((l) => l.includes("AI-Assessed Reasonable"))!;
      const m = /AI-Assessed Reasonable: (\d\.\d{3}) \((\d+)\/(\d+)\)/.exec(line);
      assert.ok(m, line);
      const [, rate, count, of] = m;
      // The denominator is the answers neither exact nor optimal, which the assessor judges.
      assert.equal(Number(of), run.results.n - run.results.exact - run.results.optimal_alternatives);
      await page.goto(url(`/runs/${run.model_name}`));
      await textOf("[data-testid=stat-ai-reasonable] .stat-value", new RegExp(`^${count}$`));
      assert.equal((await page.locator("[data-testid=stat-ai-reasonable] .stat-sub").textContent())?.trim(), `${Math.round(Number(rate) * 100)}% of the ${of} not exact or optimal`);
      await page.goto(url("/runs"));
      await textOf(`tr[data-run=${run.model_name}] [data-col=ai_reasonable]`, new RegExp(`^${count}/${of} \\(${Math.round(Number(rate) * 100)}%\\)$`));
    }
  });

  test("run page: scores, per-category chart, confusion matrix, usage, program, and the failures filter", async () => {
    await page.goto(url("/runs/doorkey_llama70b"));
    await textOf("[data-testid=stat-accuracy]", new RegExp(`${(runA.results.accuracy * 100).toFixed(1)}%`));
    // Confusion matrix: every non-zero cell as in the record.
    for (let t = 0; t < 7; t++) {
      for (let p = 0; p < 8; p++) {
        const v = runA.results.confusion[t]![p]!;
        if (v === 0) continue;
        assert.equal((await page.locator(`[data-testid=confusion] td[data-cell="${t},${p}"]`).textContent())?.trim(), String(v), `confusion[${t}][${p}]`);
      }
    }
    const chartLabel = (await page.locator("[data-testid=chart-per-category] canvas").getAttribute("aria-label")) ?? "";
    assert.match(chartLabel, new RegExp(`2 forward ${Math.round(runA.results.per_category["2"]!.accuracy * 100)}%`));
    for (const role of ["teacher", "student", "assessor", "total"]) {
      const row = page.locator(`[data-testid=usage-table] tr[data-role=${role}]`);
      assert.equal((await row.locator("td").nth(1).textContent())?.trim(), String((role === "total" ? runA.usage.total : runA.usage.by_role[role]!).calls), `${role} calls`);
    }
    assert.match((await page.locator("[data-testid=instructions]").textContent()) ?? "", /You control an agent/);
    assert.equal(await page.locator("[data-testid=program] details.demo").count(), runA.program.demos.length);

    const examples = page.locator("[data-testid=example-list] [data-testid=example]");
    await examples.first().waitFor();
    assert.equal(await examples.count(), 10);
    await imagesLoaded("[data-testid=example-list] .ex-image img");
    const first = runA.examples[0]!;
    assert.equal((await examples.first().locator("[data-testid=ground-truth]").textContent())?.trim(), PHRASES[first.ground_truth_action]);
    await shot("run", { file: "run-page.png", height: 1230 });

    const failures = runA.examples.filter((e) => e.score < 1);
    await page.locator("[data-testid=filter-failures]").click();
    await page.waitForFunction(
      (n) => {
        const els = [...document.querySelectorAll("[data-testid=example-list] [data-testid=example]")];
        return els.length === n && els.every((e) => e.getAttribute("data-verdict") !== "exact" && e.getAttribute("data-verdict") !== "optimal");
      },
      Math.min(10, failures.length),
    );
    const verdicts = await examples.evaluateAll((els) => els.map((e) => e.getAttribute("data-verdict")));
    assert.deepEqual(verdicts, failures.slice(0, 10).map((e) => e.verdict));
    assert.match((await page.locator("[data-testid=examples] [data-testid=pager], [data-testid=examples] .pager").first().textContent()) ?? "", new RegExp(`${failures.length}`));
    // A wrong one shows the prediction against the ground truth and the assessor's verdict.
    const wrong = page.locator("[data-testid=example][data-verdict=wrong]").first();
    const w = failures.find((e) => e.verdict === "wrong")!;
    assert.equal((await wrong.locator("[data-testid=prediction]").textContent())?.trim(), PHRASES[w.prediction_action!]);
    assert.match((await wrong.textContent()) ?? "", /assessor's verdict/);
    await page.locator("[data-testid=examples] select[aria-label=verdict]").selectOption("reasonable");
    await page.waitForFunction(() => [...document.querySelectorAll("[data-testid=example-list] [data-testid=example]")].every((e) => e.getAttribute("data-verdict") === "reasonable"));
    await page.locator("[data-testid=examples] select[aria-label=verdict]").selectOption("");
    await page.waitForFunction(() => [...document.querySelectorAll("[data-testid=example-list] [data-testid=example]")].some((e) => e.getAttribute("data-verdict") === "wrong"));
    await shot("run-failures");
    // From an example to its step in the episode player.
    await wrong.locator("a", { hasText: "open in the episode player" }).click();
    await textOf("[data-testid=step-counter]", new RegExp(`^step ${w.step} \\(`));
    assert.equal((await page.locator("[data-testid=ground-truth]").textContent())?.trim(), PHRASES[w.ground_truth_action]);
  });

  test("two runs side by side", async () => {
    await page.goto(url("/runs"));
    await page.locator("tr[data-run=doorkey_llama70b] input[type=checkbox]").check();
    await page.locator("tr[data-run=doorkey_llama3b] input[type=checkbox]").check();
    await page.locator("[data-testid=compare-picked]").click();
    await page.locator("[data-testid=compare-page]").waitFor();
    assert.match(page.url(), /#\/compare\/doorkey_llama70b\/doorkey_llama3b$/);
    await textOf("[data-testid=compare-run-a] [data-testid=stat-accuracy]", new RegExp(`${(runA.results.accuracy * 100).toFixed(1)}%`));
    await textOf("[data-testid=compare-run-b] [data-testid=stat-accuracy]", new RegExp(`${(runB.results.accuracy * 100).toFixed(1)}%`));
    const diff = await page.locator("[data-testid=config-diff] tr.differs th").allTextContents();
    assert.ok(diff.includes("student") && diff.includes("encoding") && !diff.includes("teacher"), diff.join(","));
    const label = (await page.locator("[data-testid=chart-per-category] canvas").getAttribute("aria-label")) ?? "";
    assert.match(label, /doorkey_llama70b: .*; doorkey_llama3b: /);
    await page.locator("[data-testid=differing] tbody tr").first().waitFor();
    assert.ok((await page.locator("[data-testid=differing] tbody tr").count()) > 0);
    await shot("compare");
  });

  test("play: keyboard steps, the agent's hint and reasoning at each step, and the agent playing an episode", async () => {
    await page.goto(url("/play?env=MiniGrid-DoorKey-5x5-v0&seed=1"));
    await textOf("[data-testid=play-mission]", /use the key to open the door/);
    await imagesLoaded("img[data-testid=play-full-view], img[data-testid=play-agent-view]");
    // The expert-backed test agent advises the first step of seed 1: pick up the key.
    await textOf("[data-testid=agent-hint]", /pick up/);
    assert.match((await page.locator("[data-testid=agent-reasoning]").textContent()) ?? "", /subgoal is to pick up the yellow key/);
    // The expert's advice, as the terminal's play prints it: the optimal set and the subgoal.
    assert.deepEqual(await page.locator("[data-testid=expert-hint] .chip:not(.dim)").allTextContents(), ["pickup"]);
    assert.match((await page.locator("[data-testid=expert-subgoal]").textContent()) ?? "", /pick up the yellow key/);
    await page.keyboard.press("ArrowLeft");
    await textOf("[data-testid=play-state] h2", /^Step 1 \//);
    await page.keyboard.press("ArrowRight");
    await textOf("[data-testid=play-state] h2", /^Step 2 \//);
    assert.deepEqual(await page.locator("[data-testid=play-history] .chip").allTextContents(), ["left", "right"]);
    await textOf("[data-testid=agent-hint]", /pick up/);
    // After a turn away and back the expert still says pick up; one turn away, it says turn back.
    assert.deepEqual(await page.locator("[data-testid=expert-hint] .chip:not(.dim)").allTextContents(), ["pickup"]);
    await page.keyboard.press("ArrowRight");
    await textOf("[data-testid=play-state] h2", /^Step 3 \//);
    await page.waitForFunction(() => [...document.querySelectorAll("[data-testid=expert-hint] .chip")].filter((c) => !(c.getAttribute("class") ?? "").includes("dim")).map((c) => (c as unknown as { textContent: string }).textContent).join() === "left");
    await page.keyboard.press("ArrowLeft");
    await textOf("[data-testid=play-state] h2", /^Step 4 \//);
    await textOf("[data-testid=agent-hint]", /pick up/);
    await shot("play", { file: "play.png", height: 1100 });
    await page.locator("[data-testid=autoplay]").click();
    await textOf("[data-testid=play-outcome]", /Success!/, 30_000);
    assert.match((await page.locator("[data-testid=play-reward]").textContent()) ?? "", /return 0\.\d+/);
    await shot("play-agent-won");
    // A new episode with another env from the form.
    await page.locator("input[aria-label='env id']").fill("MiniGrid-Empty-5x5-v0");
    await page.locator("input[aria-label=seed]").fill("7");
    await page.locator("[data-testid=new-episode]").click();
    await textOf("[data-testid=play-mission]", /get to the green goal square/);
    await textOf("[data-testid=play-state] h2", /^Step 0 \//);
  });

  test("play opened directly: the first hint is asked for when the server info arrives after the session", async () => {
    const fresh = await ctx.newPage();
    fresh.on("pageerror", (e) => pageErrors.push(String(e)));
    let infoServed = false;
    // The server info (which names the agent) answers only after the play session exists.
    await fresh.route((u) => u.pathname === "/api/info", async (route) => {
      await new Promise((r) => setTimeout(r, 800));
      infoServed = true;
      await route.continue();
    });
    try {
      await fresh.goto(url("/play?env=MiniGrid-DoorKey-5x5-v0&seed=1"));
      await fresh.locator("[data-testid=play-mission]").waitFor();
      assert.equal(infoServed, false, "the session is on screen before the info arrives");
      // The expert needs no agent: its advice is there at once.
      assert.deepEqual(await fresh.locator("[data-testid=expert-hint] .chip:not(.dim)").allTextContents(), ["pickup"]);
      await fresh.locator("[data-testid=agent-hint] [data-action='3']").waitFor({ timeout: 10_000 });
      assert.equal((await fresh.locator("[data-testid=agent-hint]").textContent())?.trim(), "pick up");
      assert.equal(await fresh.locator("[data-testid=take-hint]").isEnabled(), true, "Take the hint is live before any move");
      assert.equal(await fresh.locator("[data-testid=play-state] h2").textContent(), "Step 0 / 250");
      await fresh.locator("[data-testid=take-hint]").click();
      await fresh.locator("[data-testid=play-history] .chip").first().waitFor();
      assert.deepEqual(await fresh.locator("[data-testid=play-history] .chip").allTextContents(), ["pickup"]);
    } finally {
      await fresh.close();
    }
  });

  test("datasets opened directly: a quick answer never shows 'Loading…', a slow one does", async () => {
    const fresh = await ctx.newPage();
    fresh.on("pageerror", (e) => pageErrors.push(String(e)));
    let delay = 250;
    await fresh.route((u) => u.pathname === "/api/datasets", async (route) => {
      await new Promise((r) => setTimeout(r, delay));
      await route.continue();
    });
    try {
      await fresh.goto(url("/datasets"));
      // While the list is on its way, the placeholder is in the page but not drawn.
      const loading = fresh.locator(".loading");
      await loading.waitFor({ state: "attached" });
      assert.equal(await loading.isVisible(), false, "no 'Loading datasets…' flash for a quick answer");
      await fresh.locator("[data-testid=dataset-list] tbody tr").first().waitFor();
      assert.doesNotMatch((await fresh.locator("main").textContent()) ?? "", /Loading/);
      delay = 1500;
      await fresh.reload();
      await fresh.locator(".loading").waitFor({ state: "visible", timeout: 1400 });
      assert.match((await fresh.locator(".loading").textContent()) ?? "", /Loading datasets…/);
      await fresh.locator("[data-testid=dataset-list] tbody tr").first().waitFor();
    } finally {
      await fresh.close();
    }
  });

  test("no page error and no request outside the dashboard", () => {
    assert.deepEqual(pageErrors, []);
  });
});
