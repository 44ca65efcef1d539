/**
 * The `balrog` encoding against babyai-text's `info["descriptions"]`, recorded from BALROG's Minigrid
 * fork on held-out seeds of all five BALROG tasks with random actions
 * (src/pipeline/benchmarks/balrog-babyai/fixtures/descriptions.json; README there says how).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../testing/paths.js";
import { makeEnv } from "../minigrid/registry.js";
import { babyaiTextDescriptions, babyaiTextObservation, encode, EncodingError } from "./index.js";

interface DescribedEpisode {
  task: string;
  seed: number;
  mission: string;
  actions: number[];
  descriptions: string[][];
}

const fixture = JSON.parse(readFileSync(join(repoRoot, "src/pipeline/benchmarks/balrog-babyai/fixtures/descriptions.json"), "utf8")) as {
  records: DescribedEpisode[];
};

function viewOf(env: ReturnType<typeof makeEnv>) {
  const obs = env.genObs();
  const c = env.carrying;
  return { image: obs.image, viewSize: 7, carrying: c ? ([c.type, c.color] as [string, string]) : null, mission: obs.mission, direction: obs.direction };
}

test("babyai-text's descriptions, byte for byte, on 40 held-out episodes of the five tasks (num_dists 0)", () => {
  assert.equal(fixture.records.length, 40);
  let steps = 0;
  for (const r of fixture.records) {
    const env = makeEnv(`BabyAI-MixedTrainLocal-v0/${r.task.split("/")[1]}`, { num_dists: 0 });
    env.reset({ seed: r.seed });
    assert.equal(env.mission, r.mission, `${r.task} seed ${r.seed}`);
    for (let t = 0; t < r.descriptions.length; t++) {
      if (t > 0) env.step(r.actions[t - 1]!);
      assert.deepEqual(babyaiTextDescriptions(viewOf(env)), r.descriptions[t], `${r.task} seed ${r.seed} step ${t}`);
      steps++;
    }
  }
  assert.ok(steps > 1000);
});

test("the observation drops 'You see '; encode() puts the mission first and refuses the full view", () => {
  const view = {
    image: new Uint8Array(7 * 7 * 3),
    viewSize: 7,
    carrying: ["key", "blue"] as [string, string],
  };
  // A wall 2 ahead, an open red door 1 right and 1 ahead.
  view.image[(3 * 7 + 4) * 3] = 2;
  view.image.set([4, 0, 0], (4 * 7 + 5) * 3);
  assert.deepEqual(babyaiTextDescriptions(view), ["You carry a blue key", "You see a wall 2 steps forward", "You see a open red door 1 step right and 1 step forward"]);
  assert.equal(babyaiTextObservation(view), "You carry a blue key\na wall 2 steps forward\na open red door 1 step right and 1 step forward");
  const obs = { ...view, mission: "open the red door", direction: 0 };
  assert.equal(encode(obs, { type: "balrog" }), "Mission: open the red door\n" + babyaiTextObservation(view));
  assert.throws(() => encode(obs, { type: "balrog", view: "full" }), EncodingError);
});
