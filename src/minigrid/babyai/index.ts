/** BabyAI: the level machinery, the Baby Language, and every registered `BabyAI-*` id. */
import type { EnvRegistration } from "../registration.js";
import { GOTO_ENVS } from "./goto.js";
import { OPEN_ENVS } from "./open.js";
import { OTHER_ENVS } from "./other.js";
import { PICKUP_ENVS } from "./pickup.js";
import { PUTNEXT_ENVS } from "./putnext.js";
import { SYNTH_ENVS } from "./synth.js";
import { UNLOCK_ENVS } from "./unlock.js";

export * from "./verifier.js";
export { RejectSampling, RoomGridLevel, type RoomGridLevelOptions } from "./roomgrid-level.js";
export { LevelGen, type ActionKind, type InstrKind, type LevelGenOptions } from "./levelgen.js";
export * from "./goto.js";
export * from "./open.js";
export * from "./pickup.js";
export * from "./putnext.js";
export * from "./unlock.js";
export * from "./other.js";
export * from "./synth.js";
export * from "./bot.js";
export * from "./balrog.js";

/** Every BabyAI registration (96 ids), in Minigrid's registration order per family file. */
export const BABYAI_ENVS: EnvRegistration[] = [
  ...GOTO_ENVS,
  ...OPEN_ENVS,
  ...PICKUP_ENVS,
  ...PUTNEXT_ENVS,
  ...UNLOCK_ENVS,
  ...OTHER_ENVS,
  ...SYNTH_ENVS,
];
