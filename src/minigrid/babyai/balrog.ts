/**
 * BabyAI-MixedTrainLocal-v0, the level BALROG evaluates its five BabyAI tasks on. It is not part
 * of Minigrid 3.1.0: it comes from babyai-text (flowersteam/Grounding_LLMs_with_online_RL,
 * babyai_text/levels/mixed_seq_levels.py), here on Minigrid 3.1.0's engine.
 *
 * - goto / pickup: one 8×8 room, 9 distractors; go to (pick up) one of them.
 * - putnext: one room, 10 distractors; put one next to another.
 * - pick_up_seq_go_to: one room, 10 distractors; "pick up A, then go to B" or "go to B after you
 *   pick up A".
 * - open: two rooms joined by a locked door (its key in the other room), 8 distractors in the
 *   agent's room; "open the door" or "open the <colour> door".
 *
 * Every try redraws the room walls' door positions, then is redrawn until every object is
 * reachable and the mission avoids "yellow box", "red key", "red door", "green ball" and
 * "grey door" (babyai-text keeps those for its test level).
 *
 * The task: Python draws it in the constructor from an unseeded RNG, so that `gym.make` yields a
 * random task that no seed fixes; BALROG remakes the env until it gets the one it wants. Here
 * the `task` option fixes it (`BabyAI-MixedTrainLocal-v0/goto` etc. register each one); without
 * it the task is drawn once at construction from an unseeded source, and only the episodes of an
 * explicit task are reproducible.
 *
 * Registered ids: BabyAI-MixedTrainLocal-v0 (random task) and BabyAI-MixedTrainLocal-v0/<task>.
 */
import { randomInt } from "node:crypto";
import type { Color } from "../constants.js";
import { Grid } from "../grid.js";
import { family } from "../registration.js";
import type { WorldObj } from "../world-object.js";
import { LevelGen, type ActionKind } from "./levelgen.js";
import type { RoomGridLevelOptions } from "./roomgrid-level.js";
import { AfterInstr, BeforeInstr, GoToInstr, ObjDesc, OpenInstr, PickupInstr, PutNextInstr, type DescType } from "./verifier.js";

/** BALROG's task names, in babyai-text's order. */
export const BALROG_TASKS = ["goto", "pickup", "open", "putnext", "pick_up_seq_go_to"] as const;
/** One of BALROG's five BabyAI tasks. */
export type BalrogTask = (typeof BALROG_TASKS)[number];

/** The level id; `${MIXED_TRAIN_LOCAL_ID}/${task}` fixes the task. */
export const MIXED_TRAIN_LOCAL_ID = "BabyAI-MixedTrainLocal-v0";

/** Mission substrings babyai-text reserves for its test level. */
const EXCLUDED = ["yellow box", "red key", "red door", "green ball", "grey door"];
/** Locked-door colours of the open task (red and grey are excluded). */
const OPEN_DOOR_COLORS: readonly Color[] = ["yellow", "green", "blue", "purple"];

/** Options of {@link MixedTrainLocal}; the task decides the rooms (2×1 for open, else 1×1). */
export interface MixedTrainLocalOptions extends Omit<RoomGridLevelOptions, "numRows" | "numCols"> {
  /** Rows of rooms: accepted only at 1 (the task decides the layout, as in Python). */
  numRows?: number;
  /** Columns of rooms: accepted only at the task's value (2 for open, else 1). */
  numCols?: number;
  /** Distractors (default 8); goto and pickup add 1 more, putnext and the sequence 2. */
  numDists?: number;
  /** The task; drawn at construction, unseeded, when absent. */
  task?: BalrogTask;
}

/** The level; see the file comment. */
export class MixedTrainLocal extends LevelGen {
  /** The task of every episode of this env. */
  readonly task: BalrogTask;

  constructor({ roomSize = 8, numDists = 8, task, numRows, numCols, ...rest }: MixedTrainLocalOptions = {}) {
    if (task !== undefined && !(BALROG_TASKS as readonly unknown[]).includes(task)) {
      throw new RangeError(`${MIXED_TRAIN_LOCAL_ID}: option task must be one of ${BALROG_TASKS.join(", ")}; got ${JSON.stringify(task)}`);
    }
    // Python draws from gymnasium's lazily created, unseeded np_random before any reset.
    const t: BalrogTask = task ?? BALROG_TASKS[randomInt(BALROG_TASKS.length)]!;
    const cols = t === "open" ? 2 : 1;
    if ((numRows ?? 1) !== 1 || (numCols ?? cols) !== cols) {
      throw new RangeError(`${MIXED_TRAIN_LOCAL_ID}: the ${t} task uses 1 row and ${cols} column(s) of rooms; got numRows=${numRows}, numCols=${numCols}`);
    }
    super({
      ...rest,
      roomSize,
      numRows: 1,
      numCols: cols,
      numDists,
      // Python's list holds the one task name ("pick up seq go to" for the sequence); LevelGen's
      // random instructions are not used here, so this only records the clauses involved.
      actionKinds: t === "pick_up_seq_go_to" ? (["pickup", "goto"] satisfies ActionKind[]) : [t],
      instrKinds: ["action", "seq"],
      locations: false,
      unblocking: false,
      implicitUnlock: false,
    });
    this.task = t;
  }

  protected override genMission(): void {
    // Python's _rand_elem(action_kinds) over a one-element list: integers(0, 1) draws nothing.
    const task = this.randElem([this.task]);
    let accepted = false;
    let reachable = false;
    while (!accepted || !reachable) {
      this.regenGrid();
      if (task === "open") {
        const doorColor = this.randElem(OPEN_DOOR_COLORS);
        this.addLockedRoom(doorColor); // babyai-text's form: the door takes this colour
        this.connectAll();
        for (let j = 0; j < this.numRows; j++) {
          for (let i = 0; i < this.numCols; i++) {
            if (this.getRoom(i, j) !== this.lockedRoom) this.addDistractors(i, j, this.numDists, false);
          }
        }
        // The agent goes last, outside the locked room.
        for (;;) {
          this.placeAgentInRoom();
          if (this.roomFromPos(this.agentPos[0], this.agentPos[1]) !== this.lockedRoom) break;
        }
        reachable = this.checkObjsReachable(false);
        this.instrs = new OpenInstr(new ObjDesc("door", this.randElem([null, doorColor])));
      } else {
        this.placeAgentInRoom();
        const extra = task === "goto" || task === "pickup" ? 1 : 2;
        const objs = this.addDistractors(null, null, this.numDists + extra, false);
        reachable = this.checkObjsReachable(false);
        if (task === "goto") {
          this.instrs = new GoToInstr(descOf(this.randElem(objs)));
        } else if (task === "pickup") {
          this.instrs = new PickupInstr(descOf(this.randNonDoor(objs)));
        } else {
          const a = this.randNonDoor(objs);
          const b = this.randOther(objs, a);
          if (task === "putnext") {
            this.instrs = new PutNextInstr(descOf(a), descOf(b));
          } else {
            const pickup = new PickupInstr(descOf(a));
            const goTo = new GoToInstr(descOf(b));
            this.instrs = this.randElem(["Before", "After"]) === "Before" ? new BeforeInstr(pickup, goTo) : new AfterInstr(goTo, pickup);
          }
        }
      }
      const surface = this.instrs.surface(this);
      accepted = !EXCLUDED.some((s) => surface.includes(s));
    }
  }

  /**
   * Python's _regen_grid: an empty grid with the room walls, fresh rooms (no doors, objects or
   * lock), door positions redrawn, the agent in the middle room facing right.
   */
  private regenGrid(): void {
    this.grid = new Grid(this.grid.width, this.grid.height);
    for (const row of this.roomGrid) {
      for (const room of row) {
        room.doors = [null, null, null, null];
        room.doorPos = [null, null, null, null];
        room.neighbors = [null, null, null, null];
        room.locked = false;
        room.objs = [];
        this.grid.wallRect(room.top[0], room.top[1], room.size[0], room.size[1]);
      }
    }
    for (let j = 0; j < this.numRows; j++) {
      for (let i = 0; i < this.numCols; i++) {
        const room = this.getRoom(i, j);
        const [xl, yl] = [room.top[0] + 1, room.top[1] + 1];
        const [xm, ym] = [room.top[0] + room.size[0] - 1, room.top[1] + room.size[1] - 1];
        if (i < this.numCols - 1) {
          room.neighbors[0] = this.getRoom(i + 1, j);
          room.doorPos[0] = [xm, this.randInt(yl, ym)];
        }
        if (j < this.numRows - 1) {
          room.neighbors[1] = this.getRoom(i, j + 1);
          room.doorPos[1] = [this.randInt(xl, xm), ym];
        }
        if (i > 0) {
          room.neighbors[2] = this.getRoom(i - 1, j);
          room.doorPos[2] = room.neighbors[2].doorPos[0]!;
        }
        if (j > 0) {
          room.neighbors[3] = this.getRoom(i, j - 1);
          room.doorPos[3] = room.neighbors[3].doorPos[1]!;
        }
      }
    }
    const s = this.roomSize;
    this.agentPos = [(this.numCols >> 1) * (s - 1) + (s >> 1), (this.numRows >> 1) * (s - 1) + (s >> 1)];
    this.agentDir = 0;
  }

  /** A random object that is not a door (redrawn as Python does). */
  private randNonDoor(objs: readonly WorldObj[]): WorldObj {
    let obj = this.randElem(objs);
    while (obj.type === "door") obj = this.randElem(objs);
    return obj;
  }

  /** A second object; it may look like `a` only if another object does too. */
  private randOther(objs: readonly WorldObj[], a: WorldObj): WorldObj {
    let b = this.randElem(objs);
    if (sameLook(a, b)) {
      const [matches] = descOf(a).findMatchingObjs(this);
      if (matches.length < 2) while (sameLook(a, b)) b = this.randElem(objs);
    }
    return b;
  }
}

/** The type-and-colour description of an object. */
function descOf(obj: WorldObj): ObjDesc {
  return new ObjDesc(obj.type as DescType, obj.color);
}

function sameLook(a: WorldObj, b: WorldObj): boolean {
  return a.type === b.type && a.color === b.color;
}

/** One id per task, `BabyAI-MixedTrainLocal-v0/<task>`, in BALROG's order. */
export const BALROG_TASK_IDS: readonly string[] = BALROG_TASKS.map((task) => `${MIXED_TRAIN_LOCAL_ID}/${task}`);

/** The level (random task) and its {@link BALROG_TASK_IDS}. */
export const BALROG_ENVS = family("MixedTrainLocal", MixedTrainLocal, {
  [MIXED_TRAIN_LOCAL_ID]: {},
  ...Object.fromEntries(BALROG_TASKS.map((task, i) => [BALROG_TASK_IDS[i]!, { task }])),
});
