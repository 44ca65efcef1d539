/** `--envs` presets and parsing: the balrog-babyai preset and BALROG's level. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../testing/paths.js";
import { UserError } from "../util/errors.js";
import { collect } from "./collect.js";
import { balrogTask, parseSeeds, presetName, resolveEnvs } from "./presets.js";
import { BALROG_TASKS } from "../minigrid/babyai/balrog.js";
import type { EpisodeRecord, StepRecord } from "./record.js";

function lines<T>(path: string): T[] {
  return readFileSync(path, "utf8").trim().split("\n").map((l) => JSON.parse(l) as T);
}

const scratch = mkdtempSync(join(tmpdir(), "gridtune-presets-test-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));

test("balrog-babyai resolves to one BabyAI-MixedTrainLocal-v0 id per BALROG task", () => {
  assert.deepEqual(resolveEnvs("balrog-babyai"), [
    "BabyAI-MixedTrainLocal-v0/goto",
    "BabyAI-MixedTrainLocal-v0/pickup",
    "BabyAI-MixedTrainLocal-v0/open",
    "BabyAI-MixedTrainLocal-v0/putnext",
    "BabyAI-MixedTrainLocal-v0/pick_up_seq_go_to",
  ]);
  assert.deepEqual(resolveEnvs("BabyAI-MixedTrainLocal-v0/open,MiniGrid-Empty-5x5-v0"), ["BabyAI-MixedTrainLocal-v0/open", "MiniGrid-Empty-5x5-v0"]);
  assert.equal(presetName("balrog-babyai"), "balrog-babyai");
  assert.equal(presetName("BabyAI-MixedTrainLocal-v0/goto"), "MixedTrainLocal-goto");
  assert.equal(presetName("MiniGrid-DoorKey-8x8-v0"), "DoorKey-8x8");
});

test("the bare BabyAI-MixedTrainLocal-v0 is refused: its task is unseeded, so a dataset could not be reproduced", () => {
  assert.throws(
    () => resolveEnvs("MiniGrid-Empty-5x5-v0,BabyAI-MixedTrainLocal-v0"),
    (e: unknown) =>
      e instanceof UserError &&
      /draws its task at random/.test(e.message) &&
      e.message.includes("BabyAI-MixedTrainLocal-v0/pick_up_seq_go_to") &&
      e.message.includes("balrog-babyai"),
  );
});

test("collect --envs balrog-babyai --seeds 0-1 --episodes 1: the bot solves every episode, each mission of its own task", async () => {
  const out = join(scratch, "balrog");
  const envIds = resolveEnvs("balrog-babyai");
  const r = await collect({ envIds, seeds: parseSeeds("0-1"), episodes: 1, out, envsSpec: "balrog-babyai", seedsSpec: "0-1" });
  assert.equal(r.manifest.counts.episodes, 10);
  assert.equal(r.manifest.counts.successes, 10);
  const episodes = lines<EpisodeRecord>(join(out, "episodes.jsonl"));
  assert.deepEqual(new Set(episodes.map((e) => e.env_id)), new Set(envIds));
  const steps = lines<StepRecord>(join(out, "steps.jsonl"));
  assert.ok(steps.length > 0);
  for (const s of steps) {
    const task = s.env_id.split("/")[1];
    assert.ok((BALROG_TASKS as readonly (string | undefined)[]).includes(task), s.env_id);
    assert.equal(balrogTask(s.mission), task, `${s.env_id} seed ${s.seed}: ${s.mission}`);
  }
});

test("the CLI: gridtune collect --envs balrog-babyai writes 10 successful episodes", () => {
  const cli = join(repoRoot, "dist", "src", "cli", "main.js");
  const out = join(scratch, "cli");
  const r = spawnSync(process.execPath, [cli, "collect", "--envs", "balrog-babyai", "--seeds", "0-1", "--episodes", "1", "--quiet", "--out", out], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /10 episodes \(10 successful\)/);
  const bare = spawnSync(process.execPath, [cli, "collect", "--envs", "BabyAI-MixedTrainLocal-v0", "--out", join(scratch, "bare")], { encoding: "utf8" });
  assert.notEqual(bare.status, 0);
  assert.match(bare.stderr, /^error: BabyAI-MixedTrainLocal-v0 draws its task at random/);
});
