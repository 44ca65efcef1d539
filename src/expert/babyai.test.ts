import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeEnv } from "../minigrid/registry.js";
import type { ActionIndex } from "../minigrid/constants.js";
import { collectDataset } from "../dataset/collect.js";
import type { EpisodeRecord, Manifest, StepRecord } from "../dataset/record.js";
import { BABYAI_SUBGOAL_PATTERN, BabyAIExpert, isBabyAI } from "./babyai.js";
import { bruteForce } from "./brute-force.test-util.js";
import { AndInstr, BeforeInstr, GoToInstr, ObjDesc, PickupInstr, type DescType, type Instr } from "../minigrid/babyai/verifier.js";
import type { WorldObj } from "../minigrid/world-object.js";

const scratch = mkdtempSync(join(tmpdir(), "gridtune-babyai-test-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));

const ENVS = ["BabyAI-GoToLocal-v0", "BabyAI-PickupLoc-v0", "BabyAI-PutNextLocalS5N3-v0"];
const dir = join(scratch, "babyai");
const t0 = performance.now();
const collected = collectDataset({ envIds: ENVS, seeds: [0, 1, 2], episodes: 3, out: dir });
const seconds = (performance.now() - t0) / 1000;

function readLines<T>(path: string): T[] {
  return readFileSync(path, "utf8").trim().split("\n").map((l) => JSON.parse(l) as T);
}

test("BabyAI collection: bot episodes succeed, subgoals in the grammar, exact sets contain the bot's action where it is optimal", () => {
  assert.ok(seconds < 20, `collection took ${seconds} s`);
  const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
  assert.ok(m.babyai, "the manifest has a babyai section");
  const episodes = readLines<EpisodeRecord>(join(dir, "episodes.jsonl"));
  const steps = readLines<StepRecord & { bot_optimal: boolean }>(join(dir, "steps.jsonl"));
  assert.equal(episodes.length + m.babyai!.skipped.length, ENVS.length * 9);
  for (const e of episodes) {
    assert.equal(e.success, true, `${e.env_id} ${e.seed}/${e.episode}`);
    assert.equal(e.planner, "bot");
  }
  let exact = 0;
  for (const s of steps) {
    assert.ok(s.subgoal.length > 0);
    assert.match(s.subgoal, BABYAI_SUBGOAL_PATTERN);
    if (s.optimal_exact) {
      exact++;
      assert.equal(s.optimal_actions.includes(s.action), s.bot_optimal);
    } else {
      assert.deepEqual(s.optimal_actions, [s.action]);
    }
  }
  assert.ok(exact > steps.length / 2, `${exact} of ${steps.length} steps exact`);
  for (const id of ENVS) assert.equal(m.babyai!.per_env[id]!.model_mismatches, 0);
  assert.equal(collected.manifest.counts.episodes, episodes.length);
});

test("BabyAI collection: replaying the records through the engine reproduces states and outcomes", () => {
  const steps = readLines<StepRecord>(join(dir, "steps.jsonl"));
  const episodes = readLines<EpisodeRecord>(join(dir, "episodes.jsonl"));
  for (const id of ENVS) {
    const env = makeEnv(id);
    for (const seed of [0, 1, 2]) {
      for (let ep = 0; ep < 3; ep++) {
        let obs = (ep === 0 ? env.reset({ seed }) : env.reset()).obs;
        const mine = steps.filter((s) => s.env_id === id && s.seed === seed && s.episode === ep);
        const rec = episodes.find((e) => e.env_id === id && e.seed === seed && e.episode === ep);
        if (!rec) continue; // skipped (BotError)
        assert.equal(mine.length, rec.length);
        for (const s of mine) {
          assert.equal(obs.mission, s.mission);
          assert.deepEqual([env.agentPos[0], env.agentPos[1], env.agentDir], [...s.agent_pos, s.agent_dir]);
          assert.deepEqual(Array.from(env.grid.encode()), s.grid);
          const r = env.step(s.action);
          assert.deepEqual([r.reward, r.terminated, r.truncated], [s.reward, s.terminated, s.truncated]);
          obs = r.obs;
        }
      }
    }
  }
});

test("BabyAI exact optimal sets equal an independent brute-force search's (small instances of go to, pick up, put next, pick up then go to)", (t) => {
  let checked = 0;
  // Pick up and put next search through states where the agent carries something: their heuristics
  // count the drops and pickups still needed, which these small rooms check against the brute force.
  // A sequence's states also differ by which clause is done (the brute force keys on the verifier's
  // progress too); the bot drops what it picked up, so its episodes visit both kinds.
  const instances: [string, Record<string, unknown>, number[]][] = [
    ["BabyAI-GoToObjS4-v0", {}, [0, 1, 2, 3]],
    ["BabyAI-GoToLocalS5N2-v0", {}, [0, 1, 2, 3]],
    ["BabyAI-MixedTrainLocal-v0/pickup", { roomSize: 5, numDists: 1 }, [0, 1, 2, 3]],
    ["BabyAI-MixedTrainLocal-v0/putnext", { roomSize: 5, numDists: 0 }, [0, 1, 2, 3]],
    ["BabyAI-MixedTrainLocal-v0/pick_up_seq_go_to", { roomSize: 5, numDists: 0 }, [0, 1]],
  ];
  for (const [id, options, seeds] of instances) {
    const env = makeEnv(id, options);
    if (!isBabyAI(env)) throw new Error("not a BabyAI level");
    const expert = new BabyAIExpert();
    for (const seed of seeds) {
      env.reset({ seed });
      let bf;
      try {
        bf = bruteForce(env, 15_000);
      } catch {
        continue;
      }
      expert.begin(env);
      for (;;) {
        const d = expert.act(env);
        if (d.optimalExact) {
          assert.deepEqual(d.optimalActions, bf.optimalSet(env), `${id} seed ${seed} step ${env.stepCount}`);
          checked++;
        }
        const r = env.step(d.action as ActionIndex);
        expert.observe(env, r);
        if (r.terminated || r.truncated) break;
      }
    }
  }
  if (checked === 0) return t.skip("every instance was too large for the brute force");
  assert.ok(checked > 0);
  t.diagnostic(`${checked} exact steps checked`);
});

test("BabyAI exact optimal sets of 'and' and nested sequences equal the brute force's (instructions set by hand)", (t) => {
  let checked = 0;
  let episodes = 0;
  const desc = (o: WorldObj) => new ObjDesc(o.type as DescType, o.color);
  const trees: [string, (o: WorldObj[]) => Instr][] = [
    ["and", (o) => new AndInstr(new GoToInstr(desc(o[0]!)), new GoToInstr(desc(o[1]!)))],
    ["pick up and go to, then go to", (o) => new BeforeInstr(new AndInstr(new PickupInstr(desc(o[0]!)), new GoToInstr(desc(o[1]!))), new GoToInstr(desc(o[0]!)))],
  ];
  for (const [name, make] of trees) {
    // Two objects in a 3×3 room: small enough for the brute force.
    const env = makeEnv("BabyAI-MixedTrainLocal-v0/putnext", { roomSize: 5, numDists: 0 });
    if (!isBabyAI(env)) throw new Error("not a BabyAI level");
    env.reset({ seed: 0 });
    const instrs = make(env.roomGrid[0]![0]!.objs);
    instrs.resetVerifier(env);
    env.instrs = instrs;
    let bf;
    try {
      bf = bruteForce(env, 15_000);
    } catch {
      continue;
    }
    const expert = new BabyAIExpert();
    expert.begin(env);
    episodes++;
    for (;;) {
      const d = expert.act(env);
      assert.ok(d.optimalExact, `${name}: step ${env.stepCount} not exact`);
      assert.deepEqual(d.optimalActions, bf.optimalSet(env), `${name} step ${env.stepCount}`);
      checked++;
      const r = env.step(d.action as ActionIndex);
      expert.observe(env, r);
      if (r.terminated || r.truncated) {
        assert.ok(r.reward > 0, `${name}: the bot succeeds`);
        break;
      }
    }
  }
  if (episodes === 0) return t.skip("every instance was too large for the brute force");
  t.diagnostic(`${checked} exact steps checked over ${episodes} episodes`);
});

test("balrogTask classifies the five BALROG BabyAI mission kinds", async () => {
  const { balrogTask } = await import("../dataset/presets.js");
  const { BALROG_TASKS } = await import("../minigrid/babyai/balrog.js");
  const cases: [string, string | null][] = [
    ["go to the red ball", "goto"],
    ["pick up a blue key", "pickup"],
    ["open the yellow door", "open"],
    ["put the green box next to the purple ball", "putnext"],
    ["pick up the blue box, then go to the red ball", "pick_up_seq_go_to"],
    ["go to the red ball after you pick up the blue box", "pick_up_seq_go_to"],
    ["go to the red ball and pick up a key", null],
  ];
  for (const [m, want] of cases) assert.equal(balrogTask(m), want, m);
  assert.deepEqual(new Set(cases.map((c) => c[1]).filter((x) => x !== null)), new Set(BALROG_TASKS));
});

test("with done actions (the level's `doneActions`) the expert follows the bot to `done` and claims no exact optimal set", () => {
  const env = makeEnv("BabyAI-GoToObj-v0", { doneActions: true });
  if (!isBabyAI(env)) throw new Error("not a BabyAI level");
  env.reset({ seed: 3 });
  const expert = new BabyAIExpert();
  expert.begin(env);
  let last: ActionIndex | null = null;
  let reward = 0;
  for (let t = 0; t < env.maxSteps; t++) {
    const d = expert.act(env);
    // The exact model mirrors the verifier without done actions, so it must not be used here.
    assert.equal(d.optimalExact, false, `step ${t}`);
    last = d.action as ActionIndex;
    const r = env.step(last);
    expert.observe(env, r);
    reward = r.reward;
    if (r.terminated || r.truncated) break;
  }
  assert.equal(last, 6, "the episode ends with done");
  assert.ok(reward > 0, "and succeeds");
});
