/**
 * The Baby Language on hand-built rooms: what each instruction says, which objects a description
 * picks, and when an instruction succeeds or fails.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Actions, type ActionIndex } from "../constants.js";
import { makeEnv } from "../registry.js";
import { BabyAIBot } from "./bot.js";
import { Ball, Box, Door, Key, type WorldObj } from "../world-object.js";
import { RoomGridLevel } from "./roomgrid-level.js";
import {
  AfterInstr,
  AndInstr,
  BeforeInstr,
  GoToInstr,
  ObjDesc,
  OpenInstr,
  PickupInstr,
  PutNextInstr,
  actionClauses,
  type Instr,
} from "./verifier.js";

const { left, right, forward, pickup, drop, toggle, done } = Actions;

/**
 * One 7×7 room (5×5 inside, cells 1..5), or two side by side with `cols: 2`. The agent starts at
 * (3, 3) facing right; `build` puts objects in and returns the instruction.
 */
class Sandbox extends RoomGridLevel {
  constructor(
    private readonly build: (env: Sandbox) => Instr,
    cols = 1,
    doneActions = false,
  ) {
    super({ roomSize: 7, numRows: 1, numCols: cols, doneActions });
  }
  protected genMission(): void {
    this.agentPos = [3, 3];
    this.agentDir = 0;
    this.instrs = this.build(this);
  }
  put<T extends WorldObj>(obj: T, x: number, y: number): T {
    this.putObj(obj, x, y);
    return obj;
  }
}

function sandbox(build: (env: Sandbox) => Instr, cols = 1, doneActions = false): Sandbox {
  const env = new Sandbox(build, cols, doneActions);
  env.reset({ seed: 0 });
  return env;
}

/** Step through the actions; the results, one per step. */
function play(env: Sandbox, actions: ActionIndex[]) {
  return actions.map((a) => env.step(a));
}

const success = (steps: number, maxSteps: number) => 1 - 0.9 * (steps / maxSteps);

test("descriptions read 'the' for one match and 'a' for several, with colour and location words", () => {
  const env = sandbox((e) => {
    e.put(new Ball("red"), 5, 3);
    e.put(new Key("blue"), 1, 1);
    e.put(new Key("yellow"), 1, 5);
    return new GoToInstr(new ObjDesc("ball", "red"));
  });
  assert.equal(env.mission, "go to the red ball");
  assert.equal(new ObjDesc("key").surface(env), "a key");
  assert.equal(new ObjDesc("key", "yellow").surface(env), "the yellow key");
  assert.equal(new ObjDesc("ball", null, "front").surface(env), "the ball in front of you");
  assert.equal(new ObjDesc("key", null, "behind").surface(env), "a key behind you");
  assert.equal(new ObjDesc("key", null, "left").surface(env), "the key on your left");
  assert.equal(new ObjDesc("key", "yellow", "right").surface(env), "the yellow key on your right");
  assert.equal(new ObjDesc(null, "red").surface(env), "the red object");
  // Untyped descriptions match walls too (they are grey), exactly as in Python.
  assert.equal(new ObjDesc(null, "grey").surface(env), "a grey object");
  assert.throws(() => new ObjDesc("key", "red").surface(env), /no object matching/);
});

test("locations are relative to the agent's cell and direction, and only in its room", () => {
  // Agent at (3, 3) facing right: front is +x, right is +y (down), left is −y, behind is −x.
  const env = sandbox((e) => {
    e.put(new Ball("red"), 5, 3);
    e.put(new Ball("green"), 1, 3);
    e.put(new Ball("blue"), 3, 1);
    e.put(new Ball("grey"), 3, 5);
    e.put(new Ball("yellow"), 5, 5);
    e.put(new Ball("purple"), 9, 3); // in the other room
    return new GoToInstr(new ObjDesc("ball", "red"));
  }, 2);
  const colours = (loc: "left" | "right" | "front" | "behind") =>
    new ObjDesc("ball", null, loc).findMatchingObjs(env)[0].map((o) => o.color);
  assert.deepEqual(colours("front"), ["red", "yellow"]);
  assert.deepEqual(colours("behind"), ["green"]);
  assert.deepEqual(colours("left"), ["blue"]);
  assert.deepEqual(colours("right"), ["grey", "yellow"]);
  // Matches come column by column (x, then y), as Python scans the grid.
  assert.deepEqual(new ObjDesc("ball").findMatchingObjs(env)[1], [[1, 3], [3, 1], [3, 5], [5, 3], [5, 5], [9, 3]]);
});

test("instructions read as Python's: go to, pick up, open, put next to, and, then, after you", () => {
  const env = sandbox((e) => {
    e.put(new Ball("red"), 5, 3);
    e.put(new Key("blue"), 1, 1);
    e.put(new Box("green"), 1, 5);
    return new GoToInstr(new ObjDesc("ball", "red"));
  });
  const ball = () => new ObjDesc("ball", "red");
  const key = () => new ObjDesc("key", "blue");
  const box = () => new ObjDesc("box");
  assert.equal(new PickupInstr(key()).surface(env), "pick up the blue key");
  assert.equal(new PutNextInstr(ball(), box()).surface(env), "put the red ball next to the box");
  assert.equal(new AndInstr(new GoToInstr(ball()), new PickupInstr(key())).surface(env), "go to the red ball and pick up the blue key");
  assert.equal(
    new BeforeInstr(new PickupInstr(key()), new PutNextInstr(key(), box())).surface(env),
    "pick up the blue key, then put the blue key next to the box",
  );
  assert.equal(
    new AfterInstr(new AndInstr(new GoToInstr(box()), new GoToInstr(ball())), new PickupInstr(key())).surface(env),
    "go to the box and go to the red ball after you pick up the blue key",
  );
  const seq = new AfterInstr(new GoToInstr(ball()), new AndInstr(new PickupInstr(key()), new GoToInstr(box())));
  assert.deepEqual(actionClauses(seq).map((c) => c.constructor.name), ["GoToInstr", "PickupInstr", "GoToInstr"]);
});

test("go to: succeeds as soon as the agent faces a matching object, paying 1 − 0.9·steps/max_steps", () => {
  const env = sandbox((e) => {
    e.put(new Ball("red"), 5, 3);
    return new GoToInstr(new ObjDesc("ball", "red"));
  });
  assert.equal(env.maxSteps, 49); // one navigation × 7² × one room
  const [first] = play(env, [forward]);
  assert.equal(first!.terminated, true);
  assert.equal(first!.reward, success(1, 49));
});

test("pick up: the target while holding nothing succeeds; a wrong object continues, or fails when strict", () => {
  const build = (strict: boolean) => (e: Sandbox) => {
    e.put(new Key("blue"), 4, 3);
    e.put(new Ball("red"), 3, 4);
    return new PickupInstr(new ObjDesc("ball", "red"), strict);
  };
  // Facing the key: picking it up is not the task.
  let env = sandbox(build(false));
  let r = play(env, [pickup]);
  assert.equal(r[0]!.terminated, false);
  assert.equal(env.carrying?.type, "key");
  env = sandbox(build(true));
  r = play(env, [pickup]);
  assert.deepEqual([r[0]!.terminated, r[0]!.reward], [true, 0]);
  // Turning to the ball and picking it up succeeds.
  env = sandbox(build(false));
  r = play(env, [right, pickup]);
  assert.deepEqual([r[0]!.terminated, r[1]!.terminated, r[1]!.reward], [false, true, success(2, 49)]);
});

test("open: toggling the described door open succeeds; another door fails in strict mode", () => {
  let env = sandbox((e) => {
    const [door] = e.addDoor(0, 0, 0, "red", false);
    // Stand in front of the door, facing it.
    e.agentPos = [door.curPos![0] - 1, door.curPos![1]];
    return new OpenInstr(new ObjDesc("door", "red"));
  }, 2);
  assert.equal(env.mission, "open the red door");
  let r = play(env, [toggle]);
  assert.deepEqual([r[0]!.terminated, r[0]!.reward], [true, success(1, 98)]);
  // A blue door is described but the red one is opened.
  env = sandbox((e) => {
    e.addDoor(0, 0, 0, "red", false);
    e.put(new Door("blue"), 3, 0);
    const red = e.grid.cells.find((c) => c instanceof Door && c.color === "red")!;
    e.agentPos = [red.curPos![0] - 1, red.curPos![1]];
    return new OpenInstr(new ObjDesc("door", "blue"), true);
  }, 2);
  r = play(env, [toggle]);
  assert.deepEqual([r[0]!.terminated, r[0]!.reward], [true, 0]);
});

test("put next to: dropping the carried target beside a fixed object succeeds (max_steps counts two navigations)", () => {
  const env = sandbox((e) => {
    e.put(new Ball("red"), 4, 3);
    e.put(new Key("blue"), 3, 5);
    return new PutNextInstr(new ObjDesc("ball", "red"), new ObjDesc("key", "blue"));
  });
  assert.equal(env.mission, "put the red ball next to the blue key");
  assert.equal(env.maxSteps, 98);
  // Pick the ball up, face down, drop it at (3, 4): next to the key at (3, 5).
  const r = play(env, [pickup, right, drop]);
  assert.deepEqual(r.map((s) => s.terminated), [false, false, true]);
  assert.equal(r[2]!.reward, success(3, 98));
  assert.equal(env.grid.get(3, 4)?.color, "red");
});

test("put next to: dropping it elsewhere continues, and the tracked position follows the object", () => {
  const env = sandbox((e) => {
    e.put(new Ball("red"), 4, 3);
    e.put(new Key("blue"), 1, 1);
    return new PutNextInstr(new ObjDesc("ball", "red"), new ObjDesc("key", "blue"));
  });
  const instr = env.instrs as PutNextInstr;
  const r = play(env, [pickup, right, drop]);
  assert.equal(r[2]!.terminated, false);
  assert.deepEqual(instr.descMove.objPoss, [[3, 4]]);
});

/** Agent (3, 3) facing right; a red ball two cells ahead at (5, 3), a blue key just above at (3, 2). */
function twoTargets(make: (ball: () => GoToInstr, key: () => GoToInstr) => Instr, doneActions = false): Sandbox {
  return sandbox((e) => {
    e.put(new Ball("red"), 5, 3);
    e.put(new Key("blue"), 3, 2);
    return make(
      () => new GoToInstr(new ObjDesc("ball", "red")),
      () => new GoToInstr(new ObjDesc("key", "blue")),
    );
  }, 1, doneActions);
}
// Face the key (step 1), turn back (2), step up to face the ball (3).
const KEY_THEN_BALL: ActionIndex[] = [left, right, forward];

test("before: 'A, then B' needs A first; B is checked on the step that completes A", () => {
  let env = twoTargets((ball, key) => new BeforeInstr(key(), ball()));
  assert.equal(env.mission, "go to the blue key, then go to the red ball");
  assert.equal(env.maxSteps, 98);
  let r = play(env, KEY_THEN_BALL);
  assert.deepEqual(r.map((s) => s.terminated), [false, false, true]);
  // The other order: facing the key first does not count for B.
  env = twoTargets((ball, key) => new BeforeInstr(ball(), key()));
  r = play(env, KEY_THEN_BALL);
  assert.deepEqual(r.map((s) => s.terminated), [false, false, false]);
  // From (4, 3): left to (3, 3), then face up to the key.
  r = play(env, [left, left, forward, right]);
  assert.deepEqual(r.map((s) => s.terminated), [false, false, false, true]);
  assert.equal(r[3]!.reward, success(7, 98));
});

test("after: 'A after you B' needs B first", () => {
  const env = twoTargets((ball, key) => new AfterInstr(ball(), key()));
  assert.equal(env.mission, "go to the red ball after you go to the blue key");
  const r = play(env, KEY_THEN_BALL);
  assert.deepEqual(r.map((s) => s.terminated), [false, false, true]);
});

test("and: both clauses, in either order; the one done first stays done", () => {
  for (const flip of [false, true]) {
    const env = twoTargets((ball, key) => (flip ? new AndInstr(key(), ball()) : new AndInstr(ball(), key())));
    const r = play(env, KEY_THEN_BALL);
    assert.deepEqual(r.map((s) => s.terminated), [false, false, true]);
    assert.equal(r[2]!.reward, success(3, 98));
  }
});

test("a wrong pick-up inside a strict sequence fails the whole instruction", () => {
  const env = sandbox((e) => {
    e.put(new Key("blue"), 4, 3);
    e.put(new Ball("red"), 3, 4);
    return new BeforeInstr(new PickupInstr(new ObjDesc("ball", "red"), true), new GoToInstr(new ObjDesc("key")));
  });
  const r = play(env, [pickup]);
  assert.deepEqual([r[0]!.terminated, r[0]!.reward], [true, 0]);
});

test("PutNext validation rejects instructions that are already satisfied", () => {
  let tries = 0;
  const env = new Sandbox((e) => {
    tries++;
    // First try: the ball already touches the key (rejected); then apart.
    e.put(new Ball("red"), 4, 3);
    e.put(new Key("blue"), tries === 1 ? 4 : 1, tries === 1 ? 4 : 1);
    return new PutNextInstr(new ObjDesc("ball", "red"), new ObjDesc("key", "blue"));
  });
  env.reset({ seed: 0 });
  assert.equal(tries, 2);
  assert.equal(env.rejections, 1);
});

// Python's BABYAI_DONE_ACTIONS, here the level option `doneActions` (`done_actions` through makeEnv).
const goToBall = (doneActions: boolean): Sandbox =>
  sandbox(
    (e) => {
      e.put(new Ball("red"), 5, 3);
      return new GoToInstr(new ObjDesc("ball", "red"));
    },
    1,
    doneActions,
  );

test("done actions off (the default): completing an action succeeds at once and `done` changes nothing", () => {
  assert.equal(goToBall(false).doneActions, false);
  const r = play(goToBall(false), [done, done, forward]);
  assert.deepEqual(r.map((s) => s.terminated), [false, false, true]);
  assert.equal(r[2]!.reward, success(3, 49));
});

test("done actions: an action instruction succeeds only on `done` right after completing it; any other `done` fails", () => {
  // Facing the ball does not end the episode; `done` on the next step does, with the reward of that step.
  const ok = play(goToBall(true), [forward, done]);
  assert.deepEqual(ok.map((s) => s.terminated), [false, true]);
  assert.equal(ok[1]!.reward, success(2, 49));
  // `done` before completing it fails (reward 0).
  const early = play(goToBall(true), [done]);
  assert.deepEqual([early[0]!.terminated, early[0]!.reward], [true, 0]);
  // Completing it, then turning away: the last step no longer matches, so `done` fails.
  const late = play(goToBall(true), [forward, left, done]);
  assert.deepEqual(late.map((s) => s.terminated), [false, false, true]);
  assert.equal(late[2]!.reward, 0);
});

test("done actions: 'and' fails on a `done` that completes neither clause, and succeeds once both were completed by `done`", () => {
  const none = play(twoTargets((ball, key) => new AndInstr(ball(), key()), true), [done]);
  assert.deepEqual([none[0]!.terminated, none[0]!.reward], [true, 0]);
  // `done` facing the key completes that clause only (the ball's fails, so the episode continues);
  // facing the ball later, `done` completes the other.
  const r = play(twoTargets((ball, key) => new AndInstr(ball(), key()), true), [left, done, right, forward, done]);
  assert.deepEqual(r.map((s) => s.terminated), [false, false, false, false, true]);
  assert.equal(r[4]!.reward, success(5, 98));
});

test("done actions through makeEnv: `done_actions: true` reaches the level, and Python's bot ends its episode with `done`", () => {
  for (const doneActions of [false, true]) {
    const env = makeEnv("BabyAI-GoToObj-v0", doneActions ? { done_actions: true } : {}) as RoomGridLevel;
    assert.equal(env.doneActions, doneActions);
    env.reset({ seed: 3 });
    const bot = new BabyAIBot(env);
    const actions: number[] = [];
    let last: number | null = null;
    let result = null;
    while (actions.length < env.maxSteps) {
      last = bot.replan(last);
      actions.push(last);
      result = env.step(last);
      if (result.terminated || result.truncated) break;
    }
    assert.ok(result !== null && result.terminated && result.reward > 0, `the bot solves GoToObj seed 3 (doneActions ${doneActions})`);
    assert.equal(actions.at(-1) === done, doneActions, `the last action is done only with done actions: ${actions.join("")}`);
  }
});
