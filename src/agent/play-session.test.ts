/**
 * PlaySession: the library side of `gridtune play`. The agents here run on FakeLM, the in-process
 * scripted LM of src/dspy/testing (no server, no network): one answers with the expert's action for
 * the state it is shown, one gives a subgoal that names no action, one has no replies at all (every call
 * fails).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeLM } from "../dspy/index.js";
import { Expert } from "../expert/expert.js";
import { ACTION_PHRASES } from "../minigrid/constants.js";
import { makeEnv } from "../minigrid/registry.js";
import { MinigridAgent } from "./minigrid-agent.js";
import { EpisodeOverError, PlaySession } from "./play-session.js";

const dir = mkdtempSync(join(tmpdir(), "gridtune-play-session-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

test("with the expert only: following expertHint() solves DoorKey-5x5 seed 3; acting after the end throws; reset starts the next episode", () => {
  const session = new PlaySession({ env: "MiniGrid-DoorKey-5x5-v0", seed: 3 });
  assert.equal(session.episode, 1);
  assert.equal(session.stepCount, 0);
  assert.equal(session.mission, "use the key to open the door and then get to the goal");
  assert.equal(session.lastStep, null);
  assert.equal(session.agent, null);
  assert.equal(session.encoding, "ascii");
  assert.equal(session.view, "agent");
  while (!session.done) {
    const hint = session.expertHint()!;
    assert.ok(hint.optimalActions.includes(hint.action));
    assert.equal(session.expertHint(), hint, "asked twice in one state: the same decision");
    const step = session.act(hint.action);
    assert.equal(step.by, "user");
    assert.equal(step.action, hint.action);
  }
  assert.equal(session.lastStep!.success, true);
  assert.ok(session.totalReward > 0.5);
  assert.equal(session.expertHint(), null);
  // The same number of steps as the expert playing a fresh env with the same seed.
  const env = makeEnv("MiniGrid-DoorKey-5x5-v0");
  env.reset({ seed: 3 });
  const expert = new Expert();
  let steps = 0;
  for (let r = env.step(expert.act(env).action); !(r.terminated || r.truncated); r = env.step(expert.act(env).action)) steps++;
  assert.equal(session.stepCount, steps + 1);
  assert.throws(() => session.act(2), EpisodeOverError);
  session.reset(4);
  assert.equal(session.seed, 4);
  assert.equal(session.episode, 2);
  assert.equal(session.stepCount, 0);
  assert.equal(session.done, false);
  assert.equal(session.totalReward, 0);
  session.reset(); // restart the same seed
  assert.equal(session.seed, 4);
  assert.equal(session.episode, 3);
});

test("with an agent: advise() asks once per state, agentAct() applies the named action, agentPlay() reaches the goal", async () => {
  // The fake agent's LM answers with the expert's action for the live state.
  let session: PlaySession | null = null;
  const expert = new Expert();
  const lm = new FakeLM({ respond: () => ({ reasoning: "the expert's move", primitive_action: ACTION_PHRASES[expert.act(session!.env).action] }) });
  session = new PlaySession({ env: "MiniGrid-Empty-5x5-v0", seed: 1, agent: new MinigridAgent({ encodingType: "natural", view: "full" }, lm) });
  assert.equal(session.encoding, "natural");
  assert.equal(session.view, "full");
  assert.equal(session.advice, null);
  const advice = await session.advise();
  assert.equal(advice!.action, session.expertHint()!.action);
  assert.equal(advice!.reasoning, "the expert's move");
  assert.match(advice!.observation, /get to the green goal square/);
  assert.equal(await session.advise(), advice);
  assert.equal(session.advice, advice);
  assert.equal(lm.callCount, 1, "asked once for one state");
  const step = await session.agentAct();
  assert.deepEqual({ action: step!.action, by: step!.by }, { action: advice!.action, by: "agent" });
  assert.equal(lm.callCount, 1, "agentAct used the advice already given");
  assert.equal(session.advice, null, "the state changed");
  const seen: number[] = [];
  const r = await session.agentPlay({ onStep: (s) => void seen.push(s.action) });
  assert.equal(r.stopped, "done");
  assert.equal(r.steps, seen.length);
  assert.equal(session.lastStep!.success, true);
  assert.equal(session.lastStep!.by, "agent");
  assert.equal(await session.advise(), null, "no advice once the episode is over");
  await assert.rejects(session.agentAct(), EpisodeOverError);
  // An abort stops agentPlay before its next step.
  session.reset();
  await assert.rejects(session.agentPlay({ signal: AbortSignal.abort(new Error("stop")) }), /stop/);
  assert.equal(session.stepCount, 0);
});

test("an agent that names no action, an agent whose LM fails, the observation text, frames and saved pictures", async () => {
  // A subgoal agent whose subgoal ("go to …") maps to no single action.
  const subgoalAgent = new MinigridAgent({ hintType: "subgoal" }, new FakeLM({ fallback: { reasoning: "hmm", subgoal: "go to the red ball" } }));
  const silent = new PlaySession({ env: "BabyAI-GoToObj-v0", seed: 0, agent: subgoalAgent });
  assert.equal(await silent.agentAct(), null);
  assert.equal(silent.stepCount, 0);
  assert.equal(silent.advice!.hint, "go to the red ball");
  assert.deepEqual(await silent.agentPlay(), { steps: 0, stopped: "no-action" });

  const broken = new PlaySession({ env: "BabyAI-GoToObj-v0", seed: 0, agent: new MinigridAgent({}, new FakeLM({})) });
  await assert.rejects(broken.advise());
  assert.ok(broken.adviceError);
  broken.act(1);
  assert.equal(broken.adviceError, null, "an error belongs to the state it happened in");

  const alone = new PlaySession({ env: "MiniGrid-Empty-5x5-v0", seed: 1 });
  await assert.rejects(alone.agentAct(), /no agent/);
  assert.equal(await alone.advise(), null);
  assert.match(await alone.observationText(), /^Mission: get to the green goal square/m);
  assert.match(await alone.observationText("tuples", "full"), /get to the green goal square/);
  assert.equal(alone.ansi().split("\n").length, 5);
  const frame = alone.frame({ tileSize: 8 });
  assert.deepEqual([frame.width, frame.height, frame.rgb.length], [40, 40, 40 * 40 * 3]);
  assert.deepEqual([alone.frame({ view: "agent", tileSize: 8 }).width], [56]);
  alone.act(2);
  assert.equal(alone.imageName(), "play_MiniGrid-Empty-5x5-v0_seed1_step1.png");
  const png = alone.saveImage(join(dir, "pics", alone.imageName()));
  assert.deepEqual([...readFileSync(png).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  assert.match(readFileSync(alone.saveImage(join(dir, "now.svg")), "utf8"), /^<svg/);
  assert.throws(() => alone.saveImage(join(dir, "now.gif")), /\.png or \.svg/);
});
