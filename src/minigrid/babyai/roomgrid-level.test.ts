/** The level base: reachability checks, navigation counts, doors, and the reject-and-retry loop. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Ball, Door, Key } from "../world-object.js";
import { NumpyGenerator } from "../rng.js";
import { RejectSampling, RoomGridLevel } from "./roomgrid-level.js";
import { AfterInstr, AndInstr, BeforeInstr, GoToInstr, ObjDesc, OpenInstr, PickupInstr, PutNextInstr } from "./verifier.js";

/** Two 7×7 rooms side by side; `recipe` fills them in and may reject. */
class Rooms extends RoomGridLevel {
  attempts = 0;
  constructor(private readonly recipe: (env: Rooms) => void) {
    super({ roomSize: 7, numRows: 1, numCols: 2 });
  }
  protected genMission(): void {
    this.attempts++;
    this.agentPos = [3, 3];
    this.agentDir = 0;
    this.recipe(this);
    this.instrs ??= new GoToInstr(new ObjDesc("ball"));
  }
}

test("every object must be reachable without moving another; doors, even locked, let the search through", () => {
  const env = new Rooms((e) => {
    e.addDoor(0, 0, 0, "red", true);
    e.putObj(new Ball("red"), 9, 3); // behind the locked door
    e.putObj(new Key("blue"), 1, 1);
  });
  env.reset({ seed: 0 });
  assert.equal(env.checkObjsReachable(), true);
  // Wall the key into its corner with two balls: the balls are reached, the key is not.
  env.grid.set(2, 1, new Ball("green"));
  env.grid.set(1, 2, new Ball("grey"));
  assert.equal(env.checkObjsReachable(false), false);
  assert.throws(() => env.checkObjsReachable(), RejectSampling);
});

test("a rejected level is rebuilt from fresh walls, continuing the same random stream", () => {
  const env = new Rooms((e) => {
    e.addDoor(0, 0, 0); // random side position, colour and lock: draws from the stream
    if (e.attempts < 3) throw new RejectSampling("try again");
    e.putObj(new Ball("red"), 2, 2);
  });
  env.reset({ seed: 0 });
  assert.deepEqual([env.attempts, env.rejections], [3, 2]);
  // Each attempt draws the door's row (1..5), its colour and its lock, from one uninterrupted stream.
  const rng = new NumpyGenerator(0);
  for (let k = 0; k < 3; k++) {
    rng.integers(1, 6);
    rng.integers(0, 6);
    rng.integers(0, 2);
  }
  assert.equal(env.rngSnapshot().state, rng.snapshot().state);
  assert.equal(env.grid.cells.filter((c) => c instanceof Door).length, 1);
});

test("max_steps: put-next needs two navigations, other clauses one, sequences add up", () => {
  const env = new Rooms((e) => e.putObj(new Ball("red"), 2, 2));
  env.reset({ seed: 0 });
  const goTo = () => new GoToInstr(new ObjDesc("ball"));
  assert.equal(env.numNavsNeeded(goTo()), 1);
  assert.equal(env.numNavsNeeded(new PutNextInstr(new ObjDesc("ball"), new ObjDesc("key"))), 2);
  const seq = new BeforeInstr(new AndInstr(goTo(), new PickupInstr(new ObjDesc("ball"))), new PutNextInstr(new ObjDesc("ball"), new ObjDesc("key")));
  assert.equal(env.numNavsNeeded(seq), 4);
  assert.equal(env.numNavsNeeded(new AfterInstr(goTo(), new OpenInstr(new ObjDesc("door")))), 2);
  // One navigation × 7² × 2 rooms.
  assert.equal(env.maxSteps, 98);
});

test("openAllDoors opens every door of the maze", () => {
  const env = new Rooms((e) => {
    e.addDoor(0, 0, 0, "red", false);
    e.putObj(new Ball("red"), 2, 2);
  });
  env.reset({ seed: 0 });
  const door = env.grid.cells.find((c): c is Door => c instanceof Door)!;
  assert.equal(door.isOpen, false);
  env.openAllDoors();
  assert.equal(door.isOpen, true);
});
