/** The four text encodings of a step (src/encoding), for the episode page's panel. */
import { encode } from "../encoding/index.js";
import type { EncodingType, EncodingsResponse } from "./api-types.js";
import { ENCODING_TYPES } from "./api-types.js";
import type { StepRecord } from "./datasets.js";

export function encodingsOf(rec: StepRecord, view: "agent" | "full"): EncodingsResponse {
  const encodings: Partial<Record<EncodingType, string>> = {};
  for (const type of ENCODING_TYPES) {
    try {
      encodings[type] = encode(rec, { type, view });
    } catch (e) {
      encodings[type] = `error: ${(e as Error).message}`;
    }
  }
  const raw = view === "agent" ? encodings.ascii! : encode(rec, { type: "ascii", view: "agent" });
  return { view, available: true, reason: null, encodings, raw };
}
