import { test } from "node:test";
import assert from "node:assert/strict";
import { listEnvIds, makeEnv } from "../minigrid/registry.js";
import type { MiniGridEnv } from "../minigrid/minigrid-env.js";
import type { StepRecord } from "../dataset/record.js";
import { Expert } from "../expert/expert.js";
import { decodeAscii, decodeTuples, encode, ENCODING_TYPES } from "./index.js";

/** Step records of a few expert episodes (doors opened, keys carried, boxes, lava, see-through walls). */
function records(id: string, seeds: number[]): StepRecord[] {
  const env: MiniGridEnv = makeEnv(id);
  const ex = new Expert();
  const out: StepRecord[] = [];
  for (const seed of seeds) {
    let obs = env.reset({ seed }).obs;
    for (;;) {
      const d = ex.act(env);
      const rec: StepRecord = {
        env_id: id, seed, episode: 0, step: env.stepCount, mission: obs.mission, width: env.width, height: env.height,
        agent_pos: [env.agentPos[0], env.agentPos[1]], agent_dir: env.agentDir,
        carrying: env.carrying ? [env.carrying.type, env.carrying.color] : null,
        image: Array.from(obs.image), grid: Array.from(env.grid.encode()),
        action: d.action, optimal_actions: d.optimalActions, optimal_exact: d.optimalExact, subgoal: d.subgoal, reward: 0, terminated: false, truncated: false,
      };
      out.push(rec);
      const r = env.step(d.action);
      obs = r.obs;
      if (r.terminated || r.truncated) break;
    }
  }
  return out;
}

const IDS = ["MiniGrid-DoorKey-8x8-v0", "MiniGrid-UnlockPickup-v0", "MiniGrid-LavaGapS7-v0", "MiniGrid-Fetch-6x6-N2-v0", "MiniGrid-ObstructedMaze-1Dlh-v0", "MiniGrid-Empty-8x8-v0"].filter((id) => listEnvIds().includes(id));
const RECS = IDS.flatMap((id) => records(id, [0, 1]));

test("ascii is lossless: decoding gives back the agent's view and the full grid, direction, mission and what is carried", () => {
  assert.ok(RECS.length > 100);
  for (const r of RECS) {
    const a = decodeAscii(encode(r, { type: "ascii" }));
    assert.deepEqual(a.cells, r.image, `${r.env_id} step ${r.step}`);
    assert.deepEqual([a.direction, a.mission, a.carrying], [r.agent_dir, r.mission, r.carrying]);
    const f = decodeAscii(encode(r, { type: "ascii", view: "full" }));
    assert.deepEqual([f.cells, f.width, f.height, f.agentPos], [r.grid, r.width, r.height, r.agent_pos], `${r.env_id} step ${r.step}`);
    assert.equal(f.direction, r.agent_dir);
  }
});

test("tuples are lossless: decoding gives back the numbers", () => {
  for (const r of RECS) {
    const a = decodeTuples(encode(r, { type: "tuples" }));
    assert.deepEqual([a.cells, a.direction, a.mission], [r.image, r.agent_dir, r.mission]);
    const f = decodeTuples(encode(r, { type: "tuples", view: "full" }));
    assert.deepEqual([f.cells, f.agentPos, f.width, f.height], [r.grid, r.agent_pos, r.width, r.height]);
    assert.equal(a.carrying === null, r.carrying === null);
  }
});

test("an Observation encodes like its record in the agent view (the carried object is read off the view)", () => {
  const env = makeEnv("MiniGrid-DoorKey-5x5-v0");
  const { obs } = env.reset({ seed: 0 });
  for (const type of ENCODING_TYPES) assert.ok(encode(obs, { type }).startsWith(`Mission: ${obs.mission}`));
  assert.throws(() => encode(obs, { type: "ascii", view: "full" }), /full view needs grid/);
  assert.throws(() => encode(obs, { type: "json" as never }), /unknown encoding/);
});

test("natural follows BabyAI-Text: the carried object, walls straight ahead/left/right, objects by offset, door states", () => {
  const r = RECS.find((x) => x.env_id === "MiniGrid-DoorKey-8x8-v0" && x.carrying !== null)!;
  const text = encode(r, { type: "natural" });
  assert.match(text, /^Mission: use the key to open the door and then get to the goal\nYou carry a yellow key\n/);
  for (const line of text.split("\n").slice(1)) {
    assert.match(line, /^You (carry a \w+ \w+|see (a wall|a \w+ \w+|an open \w+ door|a (locked|closed) \w+ door|lava) \d+ steps? (forward|left|right|backward)( and \d+ steps? (forward|backward))?)$/, line);
  }
  const withDoor = RECS.map((x) => encode(x, { type: "natural" })).find((t) => /locked yellow door/.test(t));
  assert.ok(withDoor, "some DoorKey view shows the locked door");
});

test("relative lists cells in agent-centred (right, forward) coordinates; the full view includes what is behind", () => {
  const r = RECS.find((x) => x.env_id === "MiniGrid-Empty-8x8-v0" && x.step === 0)!;
  // Empty-8x8 starts at (1, 1) facing right: the goal at (6, 6) is 5 right of forward… i.e. forward 5, right 5.
  assert.match(encode(r, { type: "relative", view: "full" }), /- a green goal: \(5, 5\)/);
  assert.match(encode(r, { type: "relative", view: "full" }), /\(0, -1\)/, "the wall behind");
  assert.doesNotMatch(encode(r, { type: "relative" }), /\(\d+, -\d+\)/, "the agent view sees nothing behind");
});
