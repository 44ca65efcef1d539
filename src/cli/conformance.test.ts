/** The README's conformance commands, run as written from the repository (fixtures/ in the clone). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../testing/paths.js";

function conformance(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(repoRoot, "dist", "src", "cli", "conformance.js"), ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

for (const [suite, file, cases] of [
  ["minigrid", "fixtures/minigrid/minigrid.json.gz", 380],
  ["babyai", "fixtures/minigrid/babyai.json.gz", 480],
  ["dspy", "fixtures/dspy/chat_adapter.json", 15],
] as const) {
  test(`conformance ${suite} ${file}: every recorded case passes`, () => {
    const r = conformance(suite, file);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, new RegExp(`^${cases} passed, 0 failed$`, "m"));
  });
}

test("conformance: a missing fixture file is named, with exit code 2", () => {
  const r = conformance("minigrid", "fixtures/minigrid/nope.json");
  assert.equal(r.code, 2);
  assert.match(r.err, /fixture file not found: fixtures\/minigrid\/nope\.json/);
});
