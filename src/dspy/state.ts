/**
 * DSPy's saved-program format (`Module.save("x.json")`, dspy/primitives/base_module.py).
 *
 * The file is one JSON object: a key per predictor path (`act.predict`, or `self` for a bare
 * predictor saved on its own — then the predictor state is the whole object) holding
 * `{traces, train, demos, signature: {instructions, fields: [{prefix, description}]}, lm}`, plus
 * `metadata.dependency_versions` `{python, dspy, cloudpickle}`. Python's `Module.load` reads what
 * gridtune writes and the other way round.
 *
 * An LM is saved as DSPy's `dspy.LM` state (`_dspy_lm_class`, `model`, `model_type`, `cache`,
 * `num_retries`, kwargs, `finetuning_model`, `launch_kwargs`, `train_kwargs`). Loading an LM back
 * needs a resolver from the caller, since LMs are values the application builds.
 */
import { readFileSync } from "node:fs";
import type { LM } from "../lm/types.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import type { SignatureState } from "./signature.js";

/** A saved LM: DSPy's `LM.dump_state()` dict (never holds an API key). */
export type LMState = { model: string } & Record<string, unknown>;

/** One predictor's saved state (DSPy's `Predict.dump_state()`). */
export type PredictorState = {
  traces: unknown[];
  train: unknown[];
  demos: Record<string, unknown>[];
  signature: SignatureState;
  lm: LMState | null;
};

/** A program's saved state: one entry per predictor path (plus `metadata` in a file). */
export type ProgramState = Record<string, unknown>;

/** The versions written to `metadata.dependency_versions` (a DSPy 3.3.1 install; Python only warns on mismatch). */
export const DEPENDENCY_VERSIONS: Readonly<{ python: string; dspy: string; cloudpickle: string }> = Object.freeze({
  python: "3.12",
  dspy: "3.3.1",
  cloudpickle: "3.1",
});

/** LM config keys dropped on load unless explicitly allowed (DSPy's `UNSAFE_LM_STATE_KEYS`). */
export const UNSAFE_LM_STATE_KEYS: readonly string[] = ["api_base", "base_url", "model_list"];

/** An LM that can describe itself for saving; LMs without it are saved with DSPy's defaults. */
export interface StatefulLM extends LM {
  dumpState(): LMState;
}

/** DSPy's class marker for its built-in LM. */
export const DSPY_LM_CLASS = "dspy.clients.lm.LM";

/**
 * The saved form of an LM: its own `dumpState()` when it has one, else what `dspy.LM(model)` dumps
 * with default settings. `api_key` is never written.
 */
export function dumpLMState(lm: LM): LMState {
  const own = (lm as Partial<StatefulLM>).dumpState;
  if (typeof own === "function") {
    const state = { ...own.call(lm) };
    delete state["api_key"];
    return state;
  }
  return {
    _dspy_lm_class: DSPY_LM_CLASS,
    model: lm.model,
    model_type: "chat",
    cache: true,
    num_retries: 3,
    temperature: null,
    max_tokens: null,
    finetuning_model: null,
    launch_kwargs: {},
    train_kwargs: {},
  };
}

/** Drops `api_base`, `base_url` and `model_list` unless `allowUnsafe` (DSPy's `_sanitize_lm_state`). */
export function sanitizeLMState(state: LMState, allowUnsafe: boolean): LMState {
  if (allowUnsafe) return state;
  return Object.fromEntries(Object.entries(state).filter(([k]) => !UNSAFE_LM_STATE_KEYS.includes(k))) as LMState;
}

/** Options for loading saved state. */
export interface LoadStateOptions {
  /**
   * Builds an LM from its saved state. Without it, a saved LM is kept as unresolved state (and
   * written back on the next save) while the predictor uses the call's LM.
   */
  resolveLM?: (state: LMState) => LM | null;
  /** Keep `api_base`, `base_url`, `model_list` from the file (trusted files only). */
  allowUnsafeLMState?: boolean;
  /** Receives warnings such as a dependency-version mismatch. */
  onWarning?: (message: string) => void;
}

/** Writes a program state with its metadata, atomically, as orjson's 2-space indented JSON. */
export function writeStateFile(path: string, state: ProgramState): void {
  if (!path.endsWith(".json")) {
    throw new Error(`\`path\` must end with \`.json\` (gridtune saves JSON state only), but received: ${path}`);
  }
  const withMeta = { ...state, metadata: { dependency_versions: { ...DEPENDENCY_VERSIONS } } };
  writeFileAtomic(path, JSON.stringify(withMeta, null, 2) + "\n");
}

/** Reads a saved state file, warning (via `onWarning`) when its dependency versions differ from ours. */
export function readStateFile(path: string, onWarning?: (message: string) => void): ProgramState {
  if (!path.endsWith(".json")) throw new Error(`\`path\` must end with \`.json\`, but received: ${path}`);
  const state = JSON.parse(readFileSync(path, "utf8")) as ProgramState;
  if (state === null || typeof state !== "object" || Array.isArray(state)) throw new Error(`${path}: not a saved program (expected a JSON object)`);
  const meta = state["metadata"] as { dependency_versions?: Record<string, string> } | undefined;
  const saved = meta?.dependency_versions ?? {};
  for (const [key, version] of Object.entries(saved)) {
    const ours = (DEPENDENCY_VERSIONS as Record<string, string>)[key];
    if (ours !== version) {
      onWarning?.(
        `There is a mismatch of ${key} version between saved model and current environment. You saved with \`${key}==${version}\`, but now you have \`${key}==${ours}\`.`,
      );
    }
  }
  const { metadata: _metadata, ...rest } = state;
  return rest;
}

/** What a JSON value is, for error messages ("a string", "null", "a list"). */
function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/**
 * Checks that `state` has the shape of DSPy's predictor state (`{traces, train, demos, signature:
 * {instructions, fields: [{prefix, description}]}, lm}`; the lists and `lm` may be missing) and
 * throws an error naming the first key that is wrong (`act.predict.demos[2] is null, expected an
 * object`) — a hand-edited or truncated file fails here instead of deep inside the loader.
 */
export function checkPredictorState(state: unknown, name: string): asserts state is PredictorState {
  const fail = (where: string, v: unknown, want: string): never => {
    throw new Error(`${where} is ${kindOf(v)}, expected ${want}`);
  };
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObject(state)) fail(name, state, "a predictor state object");
  const s = state as Record<string, unknown>;
  for (const key of ["traces", "train"]) if (s[key] != null && !Array.isArray(s[key])) fail(`${name}.${key}`, s[key], "a list");
  if (s.demos != null) {
    if (!Array.isArray(s.demos)) fail(`${name}.demos`, s.demos, "a list of demo objects");
    (s.demos as unknown[]).forEach((d, i) => isObject(d) || fail(`${name}.demos[${i}]`, d, "an object"));
  }
  const sig = s.signature;
  if (!isObject(sig)) fail(`${name}.signature`, sig, "an object {instructions, fields}");
  const sg = sig as Record<string, unknown>;
  if (sg.instructions != null && typeof sg.instructions !== "string") fail(`${name}.signature.instructions`, sg.instructions, "a string");
  if (!Array.isArray(sg.fields)) fail(`${name}.signature.fields`, sg.fields, "a list of {prefix, description}");
  (sg.fields as unknown[]).forEach((f, i) => {
    if (!isObject(f)) fail(`${name}.signature.fields[${i}]`, f, "an object {prefix, description}");
    const fo = f as Record<string, unknown>;
    for (const key of ["prefix", "description"]) if (fo[key] != null && typeof fo[key] !== "string") fail(`${name}.signature.fields[${i}].${key}`, fo[key], "a string");
  });
  if (s.lm != null) {
    if (!isObject(s.lm)) fail(`${name}.lm`, s.lm, "an object or null");
    if (typeof (s.lm as Record<string, unknown>).model !== "string") fail(`${name}.lm.model`, (s.lm as Record<string, unknown>).model, "a model id string");
  }
}
