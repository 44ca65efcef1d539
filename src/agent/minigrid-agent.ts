/**
 * MinigridAgent: the trained LLM agent. One ChainOfThought predictor named `act` (state path
 * `act.predict`), input `observation`, output `primitive_action` (one of the seven action phrases) or
 * `subgoal`: `(await agent.forward({observation})).get("primitive_action")`.
 *
 * ```ts
 * const agent = await MinigridAgent.load("saved_llm_models/finetuned_….json");   // LM from the file
 * const pred = await agent.forward({ observation });                               // a Prediction
 * const advice = await agent.advise(env);                                          // {action, hint, reasoning}
 * ```
 *
 * Saved files are DSPy program state (Python's `MinigridAgent().load(path)` reads them) with gridtune's
 * settings in `metadata.gridtune` (hint type, encoding, view, models), which Python ignores.
 */
import { existsSync, readFileSync } from "node:fs";
import { ChainOfThought, Module, DEPENDENCY_VERSIONS, checkPredictorState, type CallOptions, type Inputs, type LMState, type Prediction } from "../dspy/index.js";
import type { LM } from "../lm/types.js";
import type { MiniGridEnv } from "../minigrid/minigrid-env.js";
import { writeFileAtomic, writeFileExclusive } from "../util/atomic-write.js";
import { UserError } from "../util/errors.js";
import { ENCODING_TYPES, HINT_TYPES, VIEW_TYPES, parseAction, subgoalAction, type EncodingType, type HintType, type ViewType } from "./actions.js";
import { observationText, stepFromEnv } from "./observation.js";
import { LMRuntime, type RuntimeLMOptions } from "../lm/runtime.js";
import { ManagedLM } from "../lm/lm.js";
import { formatHistory, type AgentMemory, type HistoryStep } from "./history.js";
import { OUTPUT_FIELD, agentSignature } from "./signature.js";

/**
 * How an agent reads and answers: its hint type, the encoding of its observation text, and the view
 * encoded.
 */
export interface AgentSettings {
  hintType: HintType;
  encodingType: EncodingType;
  view: ViewType;
  /** Past steps the agent sees (its memory, the `history` input); 0, the default, is the single-step agent. */
  history?: number;
}

/** What `metadata.gridtune` holds in a saved agent. */
export interface SavedAgentMeta {
  format: "gridtune-agent/1";
  hint_type: HintType;
  encoding_type: EncodingType;
  view: ViewType;
  /** The agent's memory K (absent: 0). */
  history?: number;
  student_model?: string;
  teacher_model?: string;
  [k: string]: unknown;
}

/** One decision: the action index (null when the answer names none), the hint text and the reasoning. */
export interface AgentAdvice {
  action: number | null;
  hint: string | null;
  reasoning: string | null;
  /** The observation text the agent read. */
  observation: string;
  prediction: Prediction;
}

/** Options of {@link MinigridAgent.load}: another LM, the runtime that builds the file's LM, a warning callback. */
export interface LoadAgentOptions {
  /** Use this LM instead of the one the file names. */
  lm?: LM;
  /** The LM runtime the file's LM is made by (its servers, limits, usage meter); default a new one. */
  runtime?: LMRuntime;
  /** Settings for the file's LM (concurrency, sampling defaults). */
  lmOptions?: Omit<RuntimeLMOptions, "role">;
  /** Check that the file's model is served before returning (what `play` and `serve --model-path` do); default false. */
  preflight?: boolean;
  signal?: AbortSignal;
  onWarning?: (message: string) => void;
  /** The memory K to run with (default: the saved one); an agent saved without memory cannot get one, nor lose it. */
  history?: number;
}

/**
 * The trained LLM agent (the original tool's `MinigridAgent`): one ChainOfThought predictor `act` that
 * reads `observation` and answers `primitive_action` or `subgoal`. Load one with `await
 * MinigridAgent.load(path)`; ask it with `forward({ observation })` or `advise(env)`.
 */
export class MinigridAgent extends Module {
  readonly act: ChainOfThought;
  readonly hintType: HintType;
  readonly encodingType: EncodingType;
  readonly view: ViewType;
  /** How many past steps the agent sees (the `history` input field exists when > 0). */
  readonly history: number;
  /** Extra `metadata.gridtune` entries written on save (models, run name). */
  meta: Record<string, unknown> = {};

  constructor(settings: Partial<AgentSettings> = {}, lm?: LM | null) {
    super();
    this.hintType = settings.hintType ?? "action";
    this.encodingType = settings.encodingType ?? "ascii";
    this.view = settings.view ?? "agent";
    this.history = settings.history ?? 0;
    if (!Number.isInteger(this.history) || this.history < 0) throw new UserError(`--history must be a whole number ≥ 0, got ${settings.history}`);
    if (!HINT_TYPES.includes(this.hintType)) throw new UserError(`unknown hint type '${this.hintType}'; use ${HINT_TYPES.join(" or ")}`);
    if (!ENCODING_TYPES.includes(this.encodingType)) throw new UserError(`unknown encoding type '${this.encodingType}'; use ${ENCODING_TYPES.join(", ")}`);
    if (!VIEW_TYPES.includes(this.view)) throw new UserError(`unknown view '${this.view}'; use agent or full`);
    this.act = new ChainOfThought(agentSignature(this.hintType, this.history), lm ? { lm } : {});
  }

  /** The output field: `primitive_action` or `subgoal`. */
  get outputField(): "primitive_action" | "subgoal" {
    return OUTPUT_FIELD[this.hintType];
  }

  forward(inputs: Inputs, options: CallOptions = {}): Promise<Prediction> {
    if (this.history === 0) return this.act.call({ observation: inputs["observation"] }, options);
    return this.act.call({ history: inputs["history"] ?? formatHistory([]), observation: inputs["observation"] }, options);
  }

  /** The agent's decision for an observation text, after the given past steps (its last `history` count). */
  async adviseText(observation: string, options: CallOptions = {}, past: readonly HistoryStep[] = []): Promise<AgentAdvice> {
    const inputs: Inputs = this.history > 0 ? { history: formatHistory(past.slice(-this.history)), observation } : { observation };
    const prediction = await this.forward(inputs, options);
    const raw = prediction.get(this.outputField);
    const hint = typeof raw === "string" ? raw : raw === undefined || raw === null ? null : String(raw);
    const action = this.hintType === "action" ? parseAction(hint) : hint ? subgoalAction(hint) : null;
    const reasoning = prediction.get("reasoning");
    return { action, hint, reasoning: typeof reasoning === "string" ? reasoning : null, observation, prediction };
  }

  /**
   * The agent's decision in a live env: encodes the env's state with the agent's encoding and view.
   * With memory, `memory` holds the episode so far; the caller records in it what was done
   * (`memory.recordAdvice(advice)` when the agent's answer was followed).
   */
  async advise(env: MiniGridEnv, options: CallOptions = {}, memory?: AgentMemory): Promise<AgentAdvice> {
    const text = await observationText(stepFromEnv(env), this.encodingType, this.view);
    return this.adviseText(text, options, memory?.steps ?? []);
  }

  /** The settings saved with the program. */
  savedMeta(): SavedAgentMeta {
    return { format: "gridtune-agent/1", hint_type: this.hintType, encoding_type: this.encodingType, view: this.view, ...(this.history > 0 ? { history: this.history } : {}), ...this.meta };
  }

  /** Saves the DSPy state (loadable by Python DSPy) with gridtune's settings in `metadata.gridtune`, atomically. */
  override save(path: string, options: { exclusive?: boolean } = {}): void {
    if (!path.endsWith(".json")) throw new UserError(`an agent is saved as JSON: the path must end in .json, got ${path}`);
    const state = { ...this.dumpState(), metadata: { dependency_versions: { ...DEPENDENCY_VERSIONS }, gridtune: this.savedMeta() } };
    // exclusive: a run's output never replaces an existing file (EEXIST instead).
    (options.exclusive ? writeFileExclusive : writeFileAtomic)(path, JSON.stringify(state, null, 2) + "\n");
  }

  /**
   * Loads a saved agent: its hint type, encoding and view from `metadata.gridtune` (or, for files
   * without it, from the signature and a sibling `_info.json`), its demos and instructions, and its LM
   * — `options.lm`, else the model the file names (e.g. `ollama/llama3.1:70b`).
   */
  static async load(path: string, options: LoadAgentOptions = {}): Promise<MinigridAgent> {
    if (!existsSync(path)) throw new UserError(`no saved agent at ${path}`);
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    } catch (e) {
      throw new UserError(`${path} is not a saved agent (not JSON: ${(e as Error).message})`);
    }
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new UserError(`${path} is not a saved agent (expected a JSON object)`);
    const meta = ((raw["metadata"] as Record<string, unknown> | undefined)?.["gridtune"] ?? {}) as Partial<SavedAgentMeta>;
    const info = readSiblingInfo(path);
    const predState = (raw["act.predict"] ?? raw["predict.predict"]) as { signature?: { fields?: { prefix?: string }[] }; lm?: LMState | null } | undefined;
    if (!predState) throw new UserError(`${path} has no 'act.predict' predictor state; is it a MinigridAgent saved by gridtune finetune?`);
    try {
      checkPredictorState(predState, raw["act.predict"] !== undefined ? "act.predict" : "predict.predict");
    } catch (e) {
      throw new UserError(`${path}: cannot load the agent: ${(e as Error).message}`);
    }
    const prefixes = (predState.signature?.fields ?? []).map((f) => f.prefix ?? "");
    const hintType: HintType = meta.hint_type ?? info?.hint_type ?? (prefixes.some((p) => /^Subgoal/i.test(p)) ? "subgoal" : "action");
    const savedHistory = typeof meta.history === "number" ? meta.history : prefixes.some((p) => /^History/i.test(p)) ? 1 : 0;
    const history = options.history ?? savedHistory;
    if ((history > 0) !== (savedHistory > 0)) {
      throw new UserError(
        savedHistory > 0
          ? `${path} is an agent with memory (history ${savedHistory}); give --history 1 or more, or omit it`
          : `${path} is a single-step agent (no history input); --history ${history} needs an agent trained with it (gridtune finetune --history ${history})`,
      );
    }
    const agent = new MinigridAgent({
      hintType,
      encodingType: meta.encoding_type ?? info?.encoding_type ?? "ascii",
      view: meta.view ?? info?.view ?? "agent",
      history,
    });
    const { metadata: _m, ...state } = raw;
    if (!("act.predict" in state)) state["act.predict"] = state["predict.predict"];
    try {
      agent.loadState(state, { ...(options.onWarning ? { onWarning: options.onWarning } : {}) });
    } catch (e) {
      throw new UserError(`${path}: cannot load the agent: ${(e as Error).message}`);
    }
    const { format: _f, hint_type: _h, encoding_type: _e, view: _v, history: _k, ...rest } = meta;
    agent.meta = rest;
    const modelId = predState.lm?.model ?? meta.student_model;
    const runtime = options.runtime ?? (options.lm || !modelId ? undefined : new LMRuntime());
    const model = options.lm ?? (modelId && runtime ? runtime.lm(modelId, { ...options.lmOptions, role: "student" }) : undefined);
    if (model) agent.setLM(model);
    if (options.preflight && runtime && model instanceof ManagedLM) {
      await runtime.preflight([{ role: "student", lm: model, flag: `--student-model (${path} names ${model.model})` }], { ...(options.signal ? { signal: options.signal } : {}) });
    }
    return agent;
  }
}

function readSiblingInfo(path: string): { hint_type?: HintType; encoding_type?: EncodingType; view?: ViewType } | undefined {
  const p = path.replace(/\.json$/, "_info.json");
  if (p === path || !existsSync(p)) return undefined;
  try {
    const info = JSON.parse(readFileSync(p, "utf8")) as { config?: { hint_type?: HintType; encoding_type?: EncodingType; view?: ViewType } };
    return info.config;
  } catch {
    return undefined;
  }
}
