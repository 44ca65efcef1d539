/**
 * BabyAI synthesis levels (minigrid/envs/babyai/synth.py): LevelGen with every clause kind.
 * Reward 1 − 0.9 · (step_count / max_steps); max_steps = clauses' navigations × room_size² × rooms.
 *
 * - Synth: single clauses, no locations, unblocking, no implicit unlocking.
 * - SynthLoc: as Synth, with locations.
 * - SynthSeq: as SynthLoc, with "and" and before/after sequences.
 * - MiniBossLevel: everything, in a 2×2 maze of size-5 rooms with 7 distractors (locked room 25%).
 * - BossLevel: everything (LevelGen's defaults).
 * - BossLevelNoUnlock: no locked room, no implicit unlocking.
 */
import { family } from "../registration.js";
import { LevelGen, type LevelGenOptions } from "./levelgen.js";

export class Synth extends LevelGen {
  constructor({ roomSize = 8, numRows = 3, numCols = 3, numDists = 18, ...rest }: LevelGenOptions = {}) {
    super({
      ...rest,
      roomSize,
      numRows,
      numCols,
      numDists,
      instrKinds: ["action"],
      locations: false,
      unblocking: true,
      implicitUnlock: false,
    });
  }
}

export class SynthLoc extends LevelGen {
  constructor(opts: LevelGenOptions = {}) {
    super({ ...opts, instrKinds: ["action"], locations: true, unblocking: true, implicitUnlock: false });
  }
}

export class SynthSeq extends LevelGen {
  constructor(opts: LevelGenOptions = {}) {
    super({ ...opts, locations: true, unblocking: true, implicitUnlock: false });
  }
}

export class MiniBossLevel extends LevelGen {
  constructor(opts: LevelGenOptions = {}) {
    super({ ...opts, numCols: 2, numRows: 2, roomSize: 5, numDists: 7, lockedRoomProb: 0.25 });
  }
}

export class BossLevel extends LevelGen {}

export class BossLevelNoUnlock extends LevelGen {
  constructor(opts: LevelGenOptions = {}) {
    super({ ...opts, lockedRoomProb: 0, implicitUnlock: false });
  }
}

export const SYNTH_ENVS = [
  ...family("Synth", Synth, {
    "BabyAI-Synth-v0": {},
    "BabyAI-SynthS5R2-v0": { roomSize: 5, numRows: 2 },
  }),
  ...family("SynthLoc", SynthLoc, { "BabyAI-SynthLoc-v0": {} }),
  ...family("SynthSeq", SynthSeq, { "BabyAI-SynthSeq-v0": {} }),
  ...family("MiniBossLevel", MiniBossLevel, { "BabyAI-MiniBossLevel-v0": {} }),
  ...family("BossLevel", BossLevel, { "BabyAI-BossLevel-v0": {} }),
  ...family("BossLevelNoUnlock", BossLevelNoUnlock, { "BabyAI-BossLevelNoUnlock-v0": {} }),
];
