import { test } from "node:test";
import assert from "node:assert/strict";
import { listEnvIds, makeEnv } from "../minigrid/registry.js";
import type { MiniGridEnv } from "../minigrid/minigrid-env.js";
import { Expert, envFamily } from "./expert.js";
import { SearchBudgetError, TIE_BREAK, search } from "./search.js";
import { GridModel } from "./grid-model.js";
import { ruleFor } from "./rules.js";
import { SUBGOAL_PATTERN } from "./subgoal.js";
import { bruteForce, bruteKey } from "./brute-force.test-util.js";

/** Run one episode with the expert from the env's current (just reset) state. */
function runEpisode(env: MiniGridEnv, expert: Expert, each?: (d: ReturnType<Expert["act"]>) => void) {
  let length = 0;
  for (;;) {
    const d = expert.act(env);
    each?.(d);
    const r = env.step(d.action);
    length++;
    if (r.terminated || r.truncated) return { length, success: r.terminated && r.reward > 0 };
  }
}

// One small instance per family: the brute force explores every reachable state.
const SMALL: [string, number[]][] = [
  ["MiniGrid-Empty-Random-6x6-v0", [0, 1]],
  ["MiniGrid-DoorKey-5x5-v0", [0, 1, 2]],
  ["MiniGrid-DoorKey-6x6-v0", [3]],
  ["MiniGrid-LavaGapS5-v0", [0, 1]],
  ["MiniGrid-LavaCrossingS9N1-v0", [0]],
  ["MiniGrid-SimpleCrossingS9N1-v0", [0]],
  ["MiniGrid-DistShift1-v0", [0]],
  ["MiniGrid-FourRooms-v0", [0]],
  ["MiniGrid-Fetch-5x5-N2-v0", [0, 1]],
  ["MiniGrid-GoToDoor-5x5-v0", [0, 1]],
  ["MiniGrid-GoToObject-6x6-N2-v0", [0]],
  ["MiniGrid-PutNear-6x6-N2-v0", [0, 1]],
  ["MiniGrid-RedBlueDoors-6x6-v0", [0]],
  ["MiniGrid-MemoryS7-v0", [0, 1]],
  ["MiniGrid-MultiRoom-N2-S4-v0", [0, 1]],
  ["MiniGrid-KeyCorridorS3R1-v0", [0, 1]],
  ["MiniGrid-Unlock-v0", [0]],
  ["MiniGrid-UnlockPickup-v0", [0]],
  ["MiniGrid-ObstructedMaze-1Dl-v0", [0]],
];

for (const [id, seeds] of SMALL) {
  test(`${id}: the expert's optimal sets equal an independent brute-force search's, at every step, and episodes have the optimal length`, (t) => {
    if (!listEnvIds().includes(id)) return t.skip(`${id} is not registered yet`);
    const env = makeEnv(id);
    const expert = new Expert();
    for (const seed of seeds) {
      env.reset({ seed });
      let bf;
      try {
        bf = bruteForce(env, 60_000);
      } catch {
        return t.skip(`${id} seed ${seed}: too many states for the brute force`);
      }
      const dStart = bf.distance(env)!;
      const { length, success } = runEpisode(env, expert, (d) => {
        assert.deepEqual(d.optimalActions, bf.optimalSet(env), `${id} seed ${seed} step ${env.stepCount} (${bruteKey(env).slice(0, 12)}…)`);
        assert.equal(d.optimalExact, true);
        assert.equal(d.action, TIE_BREAK.find((a) => d.optimalActions.includes(a)), "the tie-break picks the first optimal action in TIE_BREAK order");
        assert.match(d.subgoal, SUBGOAL_PATTERN);
      });
      assert.equal(success, true, `${id} seed ${seed} succeeds`);
      assert.equal(length, dStart, `${id} seed ${seed}: the episode takes d(s0) = ${dStart} steps`);
    }
    assert.equal(expert.mismatches, 0);
  });
}

// Every registered deterministic MiniGrid id: the fast model agrees with the reference model that
// steps cloned envs through the real step(), and the expert succeeds in the optimal number of steps.
test("every deterministic MiniGrid family: GridModel decisions equal EnvModel decisions (seeds 0–1, small ids)", () => {
  const perFamily = new Map<string, string>();
  for (const id of listEnvIds("MiniGrid-")) {
    const env = makeEnv(id);
    const fam = envFamily(env);
    if (fam === "DynamicObstacles" || fam === "Playground") continue;
    // The smallest id of each family keeps the reference model affordable.
    const prev = perFamily.get(fam);
    if (!prev || env.width * env.height < makeEnv(prev).width * makeEnv(prev).height) perFamily.set(fam, id);
  }
  // LockedRoom's smallest id is 19×19 with six doors: too large for the reference model here.
  perFamily.delete("LockedRoom");
  assert.ok(perFamily.size >= 2);
  for (const id of perFamily.values()) {
    const a = makeEnv(id);
    const b = makeEnv(id);
    const fast = new Expert({ model: "grid" });
    const ref = new Expert({ model: "env", maxNodes: 30_000 });
    for (const seed of [0, 1]) {
      a.reset({ seed });
      b.reset({ seed });
      for (;;) {
        const df = fast.act(a);
        let dr;
        try {
          dr = ref.act(b);
        } catch (e) {
          if (e instanceof SearchBudgetError) break; // the reference search is too large here
          throw e;
        }
        if (ref.planner !== "env") break;
        assert.deepEqual(df, dr, `${id} seed ${seed} step ${a.stepCount}`);
        const ra = a.step(df.action);
        const rb = b.step(dr.action);
        assert.deepEqual([ra.reward, ra.terminated, ra.truncated], [rb.reward, rb.terminated, rb.truncated]);
        if (ra.terminated || ra.truncated) {
          assert.ok(ra.reward > 0, `${id} seed ${seed} succeeds`);
          break;
        }
      }
    }
    assert.equal(fast.mismatches + ref.mismatches, 0, id);
  }
});

test("the same state always yields the same decision and subgoal, whoever reached it", () => {
  const env = makeEnv("MiniGrid-DoorKey-8x8-v0");
  const seen = new Map<string, string>();
  for (const seed of [0, 1, 2, 3]) {
    for (const ex of [new Expert(), new Expert()]) {
      env.reset({ seed });
      runEpisode(env, ex, (d) => {
        const k = `${seed}|${bruteKey(env)}`;
        const v = JSON.stringify(d);
        if (seen.has(k)) assert.equal(v, seen.get(k));
        seen.set(k, v);
      });
    }
  }
});

test("DoorKey-8x8 seed 0: subgoals follow the plan — the key, then the door, then the goal", () => {
  const env = makeEnv("MiniGrid-DoorKey-8x8-v0");
  env.reset({ seed: 0 });
  const subgoals: string[] = [];
  runEpisode(env, new Expert(), (d) => {
    if (subgoals[subgoals.length - 1] !== d.subgoal) subgoals.push(d.subgoal);
  });
  assert.deepEqual(subgoals, ["pick up the yellow key", "open the yellow door", "go to the green goal"]);
});

test("the expert succeeds on seeds 0–19 of every deterministic MiniGrid id of moderate size (exact records)", () => {
  const heavy = /ObstructedMaze-(2|1Q|Full)|KeyCorridorS[456]|LockedRoom|DoorKey-16|BlockedUnlock/;
  for (const id of listEnvIds("MiniGrid-")) {
    const env = makeEnv(id);
    const fam = envFamily(env);
    if (fam === "DynamicObstacles" || fam === "Playground" || heavy.test(id)) continue;
    const ex = new Expert();
    for (let seed = 0; seed < 20; seed++) {
      env.reset({ seed });
      let exact = true;
      const r = runEpisode(env, ex, (d) => (exact &&= d.optimalExact));
      assert.ok(r.success, `${id} seed ${seed}`);
      assert.ok(exact, `${id} seed ${seed} exact`);
    }
    assert.equal(ex.mismatches, 0, id);
  }
});

test("Dynamic-Obstacles: the replanning expert reaches the goal without walking into a ball (seeds 0–29), marked approximate", (t) => {
  if (!listEnvIds().includes("MiniGrid-Dynamic-Obstacles-8x8-v0")) return t.skip("not registered yet");
  for (const id of ["MiniGrid-Dynamic-Obstacles-6x6-v0", "MiniGrid-Dynamic-Obstacles-8x8-v0"]) {
    const env = makeEnv(id);
    const ex = new Expert();
    for (let seed = 0; seed < 30; seed++) {
      env.reset({ seed });
      const r = runEpisode(env, ex, (d) => {
        assert.equal(d.optimalExact, false);
        assert.ok(d.optimalActions.every((a) => a <= 2));
        if (d.optimalActions.length > 0) assert.ok(d.optimalActions.includes(d.action));
      });
      assert.ok(r.success, `${id} seed ${seed}`);
    }
    assert.equal(ex.planner, "dynamic");
  }
});

test("Playground has no task: the expert answers done with an empty optimal set", (t) => {
  if (!listEnvIds().includes("MiniGrid-Playground-v0")) return t.skip("not registered yet");
  const env = makeEnv("MiniGrid-Playground-v0");
  env.reset({ seed: 0 });
  const d = new Expert().act(env);
  assert.deepEqual([d.action, d.optimalActions, d.subgoal], [6, [], ""]);
});

test("weighted A* (the fallback past the state budget) gives a valid plan: following it succeeds, in at least d* steps", () => {
  const env = makeEnv("MiniGrid-KeyCorridorS3R3-v0");
  for (let seed = 0; seed < 5; seed++) {
    env.reset({ seed });
    const model = new GridModel(env, ruleFor("KeyCorridor", "")!);
    const exact = search(model, { horizon: env.maxSteps });
    const approx = search(model, { horizon: env.maxSteps, weight: 4 });
    assert.ok(approx.dStar! >= exact.dStar!);
    let steps = 0;
    for (;;) {
      const node = approx.node(model.stateOf(env)!)!;
      assert.ok(approx.isOptimalAt(node, steps));
      const r = env.step(approx.chosen(node));
      steps++;
      if (r.terminated || r.truncated) {
        assert.ok(r.reward > 0);
        break;
      }
    }
    assert.equal(steps, approx.dStar);
  }
});
