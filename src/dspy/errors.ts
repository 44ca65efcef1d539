/**
 * Errors of the program layer, with DSPy's messages.
 */
import type { Signature } from "./signature.js";

/**
 * An adapter could not read the signature's output fields from an LM reply
 * (dspy/utils/exceptions.py `AdapterParseError`). The message is DSPy's, byte for byte.
 */
export class AdapterParseError extends Error {
  constructor(
    /** `ChatAdapter` or `JSONAdapter`. */
    readonly adapterName: string,
    readonly signature: Signature,
    /** The LM reply that failed to parse. */
    readonly lmResponse: string,
    /** Extra context (e.g. which field failed), or undefined. */
    readonly detail?: string,
    /** The fields that were read, when the failure is a missing field. */
    readonly parsedResult?: Record<string, unknown>,
  ) {
    let message = detail ? `${detail}\n\n` : "";
    message +=
      `Adapter ${adapterName} failed to parse the LM response. \n\n` +
      `LM Response: ${lmResponse} \n\n` +
      `Expected to find output fields in the LM response: [${signature.outputNames.join(", ")}] \n\n`;
    if (parsedResult !== undefined) {
      message += `Actual output fields parsed from the LM response: [${Object.keys(parsedResult).join(", ")}] \n\n`;
    }
    super(message);
    this.name = "AdapterParseError";
  }
}

/** A predictor was called with no LM: neither `predictor.lm` nor the call's `lm` option was set. */
export class NoLMError extends Error {
  constructor(predictorDescription: string) {
    super(
      `No LM for ${predictorDescription}: set \`predictor.lm\` (or \`module.setLM(lm)\`), or pass \`{ lm }\` in the call options.`,
    );
    this.name = "NoLMError";
  }
}

/** Evaluate stopped because the number of failed examples reached `maxErrors` (DSPy's message). */
export class EvaluationCancelledError extends Error {
  constructor(
    /** The errors raised by the failed examples, in the order they happened. */
    readonly errors: unknown[],
  ) {
    super("Execution cancelled due to errors or interruption.");
    this.name = "EvaluationCancelledError";
  }
}
