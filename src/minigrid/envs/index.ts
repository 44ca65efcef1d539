/** Every classic MiniGrid family's registrations, in one list. */
import type { EnvRegistration } from "../registration.js";
import { BLOCKEDUNLOCKPICKUP_ENVS } from "./blockedunlockpickup.js";
import { KEYCORRIDOR_ENVS } from "./keycorridor.js";
import { OBSTRUCTEDMAZE_ENVS } from "./obstructedmaze.js";
import { OBSTRUCTEDMAZE_V1_ENVS } from "./obstructedmaze_v1.js";
import { UNLOCK_ENVS } from "./unlock.js";
import { UNLOCKPICKUP_ENVS } from "./unlockpickup.js";
import { DOORKEY_ENVS } from "./doorkey.js";
import { EMPTY_ENVS } from "./empty.js";
import { FETCH_ENVS } from "./fetch.js";
import { GOTODOOR_ENVS } from "./gotodoor.js";
import { GOTOOBJECT_ENVS } from "./gotoobject.js";
import { LOCKEDROOM_ENVS } from "./lockedroom.js";
import { PLAYGROUND_ENVS } from "./playground.js";
import { PUTNEAR_ENVS } from "./putnear.js";
import { REDBLUEDOORS_ENVS } from "./redbluedoors.js";
import { CROSSING_ENVS } from "./crossing.js";
import { DISTSHIFT_ENVS } from "./distshift.js";
import { DYNAMIC_OBSTACLES_ENVS } from "./dynamicobstacles.js";
import { FOURROOMS_ENVS } from "./fourrooms.js";
import { LAVAGAP_ENVS } from "./lavagap.js";
import { MEMORY_ENVS } from "./memory.js";
import { MULTIROOM_ENVS } from "./multiroom.js";

export const MINIGRID_ENVS: EnvRegistration[] = [
  ...DOORKEY_ENVS,
  ...EMPTY_ENVS,
  ...FETCH_ENVS,
  ...GOTODOOR_ENVS,
  ...GOTOOBJECT_ENVS,
  ...LOCKEDROOM_ENVS,
  ...PLAYGROUND_ENVS,
  ...PUTNEAR_ENVS,
  ...REDBLUEDOORS_ENVS,
  ...BLOCKEDUNLOCKPICKUP_ENVS,
  ...KEYCORRIDOR_ENVS,
  ...OBSTRUCTEDMAZE_ENVS,
  ...OBSTRUCTEDMAZE_V1_ENVS,
  ...UNLOCK_ENVS,
  ...UNLOCKPICKUP_ENVS,
  ...CROSSING_ENVS,
  ...DISTSHIFT_ENVS,
  ...DYNAMIC_OBSTACLES_ENVS,
  ...FOURROOMS_ENVS,
  ...LAVAGAP_ENVS,
  ...MEMORY_ENVS,
  ...MULTIROOM_ENVS,
];
