/** Every classic MiniGrid family's registrations, in one list. */
import type { EnvRegistration } from "../registration.js";
import { DOORKEY_ENVS } from "./doorkey.js";
import { EMPTY_ENVS } from "./empty.js";

export const MINIGRID_ENVS: EnvRegistration[] = [...DOORKEY_ENVS, ...EMPTY_ENVS];
