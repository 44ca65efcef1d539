#!/usr/bin/env node
// Runs every compiled test file under dist/ with Node's own test runner.
// Node 20's `--test` takes no glob, so the files are listed here; extra args filter by substring.
// The tests run with TMPDIR set to a fresh directory of this run's own, so what they leave under the
// OS temp dir is seen (and other runs on the machine cannot blur the count): leftover `gridtune-*`
// entries are listed and fail the run; the directory is removed either way.
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { spawnSync } from "node:child_process";

const root = new URL("../dist/", import.meta.url).pathname;
const filters = process.argv.slice(2);
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith(".test.js")) files.push(p);
  }
})(root);
const chosen = files.filter((f) => filters.length === 0 || filters.some((s) => relative(root, f).includes(s)));
if (chosen.length === 0) {
  console.error(`no test files under dist/ match ${filters.join(", ") || "*.test.js"}; did the build run?`);
  process.exit(1);
}
const runTmp = mkdtempSync(join(tmpdir(), "gridtune-test-run-"));
const r = spawnSync(process.execPath, ["--test", "--test-concurrency=2", ...chosen], {
  stdio: "inherit",
  env: { ...process.env, TMPDIR: runTmp },
});
const left = readdirSync(runTmp);
const ours = left.filter((n) => n.startsWith("gridtune-"));
const others = left.length - ours.length;
rmSync(runTmp, { recursive: true, force: true, maxRetries: 3 });
console.log(
  `temp dir: ${ours.length} gridtune-* entr${ours.length === 1 ? "y" : "ies"} left by the tests` +
    (ours.length > 0 ? ` (${ours.join(", ")}) — each test must remove what it writes (src/testing/temp-dir.ts)` : "") +
    (others > 0 ? `; ${others} other entr${others === 1 ? "y" : "ies"} (from tools the tests run)` : ""),
);
process.exit(r.status === 0 && ours.length > 0 ? 1 : (r.status ?? 1));
