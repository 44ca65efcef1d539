/** What a family file declares for each registered id: the id, its constructor and its keyword options. */
import type { MiniGridEnv } from "./minigrid-env.js";

/** A registered env id: its family, the options registered with it, and its constructor. */
export interface EnvRegistration {
  /** The Gymnasium id, e.g. `MiniGrid-DoorKey-8x8-v0`. */
  id: string;
  /** The env family (file) it belongs to, e.g. `DoorKey`. */
  family: string;
  /** The options registered with the id (Python's `kwargs`, camel-cased). */
  kwargs: Record<string, unknown>;
  /** Builds the env from the merged options. */
  make: (options: Record<string, unknown>) => MiniGridEnv;
}

/** Declare a family's ids: one constructor, one kwargs object per id. */
export function family<O>(
  name: string,
  ctor: new (options: O) => MiniGridEnv,
  ids: Record<string, O>,
): EnvRegistration[] {
  return Object.entries(ids).map(([id, kwargs]) => ({
    id,
    family: name,
    kwargs: kwargs as Record<string, unknown>,
    make: (options) => new ctor(options as O),
  }));
}
