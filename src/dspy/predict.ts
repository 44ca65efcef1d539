/**
 * Predict (dspy/predict/predict.py): one signature, its demos and LM config, called through an adapter.
 *
 * The LM is chosen per call: the predictor's own `lm` if set, else the call's `options.lm` (DSPy:
 * predictor LM, then `settings.lm`), or `options.overrideLM` above both (DSPy's `lm=` call kwarg).
 * Each call appends `{predictor, inputs, prediction}` to `options.trace` when one is given — the
 * explicit version of DSPy's `settings.trace`, which optimizers collect.
 *
 * State (`dumpState`/`loadState`) is DSPy's: `{traces, train, demos, signature, lm}`.
 */
import type { LM, Usage } from "../lm/types.js";
import type { PredictorConfig } from "./adapters/base.js";
import { ChatAdapter } from "./adapters/chat.js";
import { NoLMError } from "./errors.js";
import { type ExampleLike, Example, Prediction, toExample } from "./example.js";
import { toJsonable } from "./field-types.js";
import { type CallOptions, type Inputs, Module, PARAMETER } from "./module.js";
import { type Signature, ensureSignature } from "./signature.js";
import { type LMState, type LoadStateOptions, type PredictorState, checkPredictorState, dumpLMState, sanitizeLMState } from "./state.js";

/** Options for one predictor call, beyond the shared {@link CallOptions}. */
export interface PredictCallOptions extends CallOptions {
  /** Use this LM even if the predictor has its own (DSPy's `lm=` call argument). */
  overrideLM?: LM;
  /** Demos for this call instead of `predictor.demos`. */
  demos?: readonly ExampleLike[];
  /** LM settings for this call, over `predictor.config`. */
  config?: PredictorConfig;
  /** A signature for this call instead of `predictor.signature`. */
  signature?: Signature;
}

/** Options when building a predictor. */
export interface PredictOptions {
  /** LM settings sent on every call (temperature, maxTokens, …). */
  config?: PredictorConfig;
  /** The predictor's own LM. */
  lm?: LM | null;
  /** Initial demos. */
  demos?: readonly ExampleLike[];
}

function addUsage(total: Usage | undefined, u: Usage | undefined): Usage | undefined {
  if (!u) return total;
  if (!total) return { ...u };
  return {
    promptTokens: total.promptTokens + u.promptTokens,
    completionTokens: total.completionTokens + u.completionTokens,
    totalTokens: total.totalTokens + u.totalTokens,
  };
}

/**
 * DSPy's Predict: one LM call for a signature, through an adapter, with few-shot demos; the basic
 * predictor every program is built of.
 */
export class Predict extends Module {
  signature: Signature;
  /** Few-shot demos: records with input and output fields (extra keys such as `augmented` are kept). */
  demos: Example[];
  /** LM settings sent on every call. */
  config: PredictorConfig;
  /** Saved with the state, as in DSPy (unused by gridtune). */
  traces: unknown[] = [];
  /** Saved with the state, as in DSPy (unused by gridtune). */
  train: unknown[] = [];
  private _lm: LM | null = null;
  private _unresolvedLMState: LMState | null = null;

  constructor(signature: string | Signature, options: PredictOptions = {}) {
    super();
    this.signature = ensureSignature(signature);
    this.config = { ...(options.config ?? {}) };
    this.demos = (options.demos ?? []).map(toExample);
    this.lm = options.lm ?? null;
  }

  /** Marks predictors for {@link Module.namedParameters}. */
  get [PARAMETER](): true {
    return true;
  }

  /** The predictor's own LM (wins over the call's `lm`); null to use the call's. */
  get lm(): LM | null {
    return this._lm;
  }

  set lm(lm: LM | null) {
    this._lm = lm;
    this._unresolvedLMState = null;
  }

  /** An LM state loaded from a file that no resolver turned into an LM; written back on save. */
  get unresolvedLMState(): LMState | null {
    return this._unresolvedLMState;
  }

  /** Clears demos, LM and the saved traces (DSPy's `reset`). */
  reset(): void {
    this.lm = null;
    this.traces = [];
    this.train = [];
    this.demos = [];
  }

  /** Calls the LM through the adapter and returns the prediction. */
  override call(inputs: Inputs | Example, options: PredictCallOptions = {}): Promise<Prediction> {
    return this.forward(inputs instanceof Example ? inputs.toDict() : inputs, options);
  }

  async forward(inputs: Inputs, options: PredictCallOptions = {}): Promise<Prediction> {
    const signature = options.signature ?? this.signature;
    const demos = options.demos ?? this.demos;
    const config = { ...this.config, ...(options.config ?? {}) };
    const lm = options.overrideLM ?? this.lm ?? options.lm;
    if (!lm) throw new NoLMError(`Predict(${signature.signature})`);
    const adapter = options.adapter ?? new ChatAdapter();
    const context: { role?: CallOptions["role"]; signal?: AbortSignal } = {};
    if (options.role !== undefined) context.role = options.role;
    if (options.signal !== undefined) context.signal = options.signal;
    const result = await adapter.call(lm, config, signature, demos, inputs, context);
    const prediction = Prediction.fromCompletions(result.completions);
    prediction.lmUsage = result.lmResults.reduce<Usage | undefined>((t, r) => addUsage(t, r.usage), undefined);
    options.trace?.push({ predictor: this, inputs: { ...inputs }, prediction });
    return prediction;
  }

  /** DSPy's predictor state: `{traces, train, demos, signature, lm}`. */
  override dumpState(): PredictorState {
    return {
      traces: [...this.traces],
      train: [...this.train],
      demos: this.demos.map((d) => toJsonable(d.toDict()) as Record<string, unknown>),
      signature: this.signature.dumpState(),
      lm: this.lm ? dumpLMState(this.lm) : this._unresolvedLMState,
    };
  }

  /**
   * Applies a predictor state: demos (as Examples), traces, train, the signature's instructions and
   * field prefixes/descriptions (by position, as DSPy does) and the LM — built by
   * `options.resolveLM`, or kept as unresolved state when there is no resolver.
   */
  override loadState(state: PredictorState, options: LoadStateOptions = {}): void {
    if (!state || typeof state !== "object" || !state.signature) throw new Error("not a predictor state: missing `signature`");
    checkPredictorState(state, "the predictor state");
    if ("extended_signature" in state) throw new Error("Loading extended_signature is no longer supported in DSPy 2.6+");
    this.traces = [...(state.traces ?? [])];
    this.train = [...(state.train ?? [])];
    this.demos = (state.demos ?? []).map((d) => new Example(d));
    this.signature = this.signature.loadState(state.signature);
    const lmState = state.lm ? sanitizeLMState(state.lm, options.allowUnsafeLMState ?? false) : null;
    if (lmState && options.resolveLM) {
      this.lm = options.resolveLM(lmState);
    } else {
      this.lm = null;
      this._unresolvedLMState = lmState;
    }
  }

  override toString(): string {
    return `Predict(${this.signature.signature})`;
  }
}
