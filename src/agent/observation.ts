/**
 * What the agent reads: the `observation` text, i.e. a step encoded with the run's encoding
 * (ascii, natural, tuples, relative) and view (agent, full) by src/encoding, with the mission included.
 */
import type { MiniGridEnv } from "../minigrid/minigrid-env.js";
import { encode, type StepState } from "../encoding/index.js";
import type { EncodingType, ViewType } from "./actions.js";

/** One step as the dataset stores it (a line of steps.jsonl), or as built from a live env. */
export interface StepLike extends StepState {
  env_id?: string;
  seed?: number;
  episode?: number;
  step?: number;
}

/** The `observation` text of a step: the encoding, with the mission first unless the encoding has it. */
export async function observationText(step: StepLike, type: EncodingType, view: ViewType): Promise<string> {
  return observationTextSync(step, type, view);
}

/** {@link observationText}, synchronously (for callers that record steps as they happen). */
export function observationTextSync(step: StepLike, type: EncodingType, view: ViewType): string {
  const text = encode(step, { type, view });
  if (step.mission && !text.includes(step.mission)) return `Mission: ${step.mission}\n${text}`;
  return text;
}

/** A live env's current state as a step record (what the collector would have written for it). */
export function stepFromEnv(env: MiniGridEnv): StepLike {
  const obs = env.genObs();
  const c = env.carrying;
  return {
    env_id: env.envId,
    step: env.stepCount,
    mission: env.mission,
    width: env.width,
    height: env.height,
    agent_pos: [env.agentPos[0], env.agentPos[1]],
    agent_dir: env.agentDir,
    carrying: c ? [c.type, c.color] : null,
    image: Array.from(obs.image),
    grid: Array.from(env.grid.encode()),
  };
}
