/** Versions a dataset manifest records. */

/** The Farama Minigrid release the engine ports, seed for seed. */
export const MINIGRID_VERSION = "3.1.0";

/** gridtune's own version (src/util/version.ts). */
export { GRIDTUNE_VERSION } from "../util/version.js";
