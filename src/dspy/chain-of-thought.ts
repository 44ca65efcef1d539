/**
 * ChainOfThought (dspy/predict/chain_of_thought.py): a Predict whose signature gains a `reasoning`
 * output field, first among the outputs, so the LM reasons before it answers.
 *
 * The field is DSPy's: type `str`, description `${reasoning}` (no description), prefix `Reasoning:`;
 * the instructions are unchanged. The inner predictor is the property `predict`, so a ChainOfThought
 * held as `act` is the predictor path `act.predict`.
 */
import type { Example, Prediction } from "./example.js";
import { type CallOptions, type Inputs, Module } from "./module.js";
import { Predict, type PredictCallOptions, type PredictOptions } from "./predict.js";
import { type FieldOptions, OutputField, type Signature, ensureSignature } from "./signature.js";

/** Options of {@link ChainOfThought}: those of {@link Predict} and the reasoning field. */
export interface ChainOfThoughtOptions extends PredictOptions {
  /** A different reasoning field (DSPy's `rationale_field`); defaults to `${reasoning}`, `str`. */
  rationaleField?: FieldOptions;
}

/**
 * DSPy's ChainOfThought: a {@link Predict} whose signature gains a `reasoning` output before the others;
 * the inner predictor is `predict`.
 */
export class ChainOfThought extends Module {
  readonly predict: Predict;

  constructor(signature: string | Signature, options: ChainOfThoughtOptions = {}) {
    super();
    const { rationaleField, ...predictOptions } = options;
    const extended = ensureSignature(signature).prepend(
      "reasoning",
      OutputField({ desc: "${reasoning}", type: "str", ...(rationaleField ?? {}) }),
    );
    this.predict = new Predict(extended, predictOptions);
  }

  /** The extended signature (with `reasoning`). */
  get signature(): Signature {
    return this.predict.signature;
  }

  override call(inputs: Inputs | Example, options: PredictCallOptions = {}): Promise<Prediction> {
    return this.predict.call(inputs, options);
  }

  forward(inputs: Inputs, options: CallOptions = {}): Promise<Prediction> {
    return this.predict.call(inputs, options);
  }
}
