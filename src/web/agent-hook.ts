/**
 * The agent behind Play's hint panel: what `gridtune serve --model-path FILE` loads.
 *
 * The dashboard needs only `PlayAgent`: given the live env (observation, mission and full state are
 * all on it), the action the agent would take, its hint and its reasoning. The agent encodes the
 * observation itself, with the encoding and view it was trained on.
 *
 * `loadPlayAgent` adapts the agent layer's `MinigridAgent` (src/agent): `MinigridAgent.load(path)`
 * reads the saved program and builds its LM from the model the file names (keys and servers from the
 * environment, as for every gridtune command); `advise(env)` answers `{action, hint, reasoning,
 * observation}`. The agent layer is imported on first use, so a dashboard without --model-path never
 * loads the LM stack. Tests and library users can hand `startDashboard` any `PlayAgent` directly.
 */
import type { MiniGridEnv } from "../minigrid/minigrid-env.js";
import { UserError } from "../util/errors.js";
import type { AgentAdvice } from "./api-types.js";
import type { LMRuntime } from "../lm/runtime.js";

/** An agent as the dashboard's Play page uses it: a name and `act(env)`. */
export interface PlayAgent {
  /** Shown in the hint panel (e.g. the program file and its student model). */
  readonly name: string;
  act(env: MiniGridEnv): Promise<AgentAdvice>;
}

/**
 * Load the agent saved at `path` (a program JSON written by the pipeline), its LM made by `runtime`
 * (default a new one); with `preflight`, its model is checked before the dashboard starts.
 */
export async function loadPlayAgent(path: string, options: { runtime?: LMRuntime; preflight?: boolean } = {}): Promise<PlayAgent> {
  const { MinigridAgent } = await import("../agent/index.js");
  const agent = await MinigridAgent.load(path, { ...(options.runtime ? { runtime: options.runtime } : {}), ...(options.preflight ? { preflight: true } : {}) });
  const file = path.split(/[\\/]/).pop() ?? path;
  const model = typeof agent.meta.student_model === "string" ? agent.meta.student_model : null;
  return {
    name: `${file} (${agent.hintType} hints, ${agent.encodingType} · ${agent.view} view${model ? `, ${model}` : ""})`,
    async act(env) {
      let r;
      try {
        r = await agent.advise(env);
      } catch (e) {
        throw new AgentError((e as Error).message);
      }
      return { action: r.action, hint: r.hint, reasoning: r.reasoning, observation: r.observation };
    },
  };
}

/** The agent (or its LM) failed: the server answers 502 with the message. */
export class AgentError extends UserError {
  constructor(message: string) {
    super(`the agent could not answer: ${message}`);
    this.name = "AgentError";
  }
}
