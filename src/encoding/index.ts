/**
 * Observation → text for the LLM agent: `encode(recordOrObs, {type, view})`. Four encodings, each for
 * the agent's view (default) or the full grid; every one starts with the mission. See
 * docs/encodings.md for an example of each. Encodings are computed from step records, never stored.
 */
import { encodeAscii } from "./ascii.js";
import { encodeBalrog } from "./balrog.js";
import { EncodingError, ENCODING_TYPES, toInput, type Encodable, type EncodingType, type EncodingView } from "./input.js";
import { encodeNatural } from "./natural.js";
import { encodeRelative } from "./relative.js";
import { encodeTuples } from "./tuples.js";

/** Options of {@link encode}: the encoding type and the view (`agent`, the default, or `full`). */
export interface EncodeOptions {
  type: EncodingType;
  view?: EncodingView;
}

/**
 * Writes an observation or a dataset step as text for the LLM in one of the encodings, for the agent's
 * view or the full grid (which needs a step record); every encoding starts with the mission.
 */
export function encode(input: Encodable, opts: EncodeOptions): string {
  const view = opts.view ?? "agent";
  if (view !== "agent" && view !== "full") throw new EncodingError(`unknown view '${String(view)}': use "agent" or "full"`);
  const inp = toInput(input);
  switch (opts.type) {
    case "ascii":
      return encodeAscii(inp, view);
    case "natural":
      return encodeNatural(inp, view);
    case "tuples":
      return encodeTuples(inp, view);
    case "relative":
      return encodeRelative(inp, view);
    case "balrog":
      return encodeBalrog(inp, view);
    default:
      throw new EncodingError(`unknown encoding '${String(opts.type)}': use one of ${ENCODING_TYPES.join(", ")}`);
  }
}

export { decodeAscii, ASCII_LEGEND, ASCII_GLYPHS } from "./ascii.js";
export { decodeTuples } from "./tuples.js";
export { babyaiTextDescriptions, babyaiTextObservation } from "./balrog.js";
export { ENCODING_TYPES, EncodingError, toInput, type Encodable, type EncodingInput, type EncodingType, type EncodingView, type StepState } from "./input.js";
