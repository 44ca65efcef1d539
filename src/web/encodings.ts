/**
 * The four text encodings of a step, from src/encoding when the build has it. The module is looked
 * up at run time so the dashboard builds and runs before the encoding layer lands; until then the
 * panel shows the raw agent view and says why.
 *
 * Expected export (src/encoding/index.ts):
 *   encode(recordOrObs, { type: "ascii" | "natural" | "tuples" | "relative", view: "agent" | "full" }): string
 */
import type { EncodingType, EncodingsResponse } from "./api-types.js";
import { ENCODING_TYPES } from "./api-types.js";
import type { StepRecord } from "./datasets.js";
import { rawViewText } from "./render-step.js";

type EncodeFn = (record: unknown, opts: { type: EncodingType; view: "agent" | "full" }) => string;

let loaded: Promise<{ encode: EncodeFn | null; reason: string | null }> | null = null;

/** Resolve src/encoding once; a missing module or a missing `encode` export is a reason, not an error. */
export function loadEncoder(): Promise<{ encode: EncodeFn | null; reason: string | null }> {
  loaded ??= (async () => {
    const spec = "../encoding/index.js";
    try {
      const mod = (await import(spec)) as { encode?: unknown };
      if (typeof mod.encode !== "function") return { encode: null, reason: "src/encoding does not export encode() yet" };
      return { encode: mod.encode as EncodeFn, reason: null };
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === "ERR_MODULE_NOT_FOUND") return { encode: null, reason: "the text encodings (src/encoding) are not part of this build yet" };
      return { encode: null, reason: `src/encoding failed to load: ${(e as Error).message}` };
    }
  })();
  return loaded;
}

export async function encodingsOf(rec: StepRecord, view: "agent" | "full"): Promise<EncodingsResponse> {
  const { encode, reason } = await loadEncoder();
  const encodings: Partial<Record<EncodingType, string>> = {};
  if (encode) {
    for (const type of ENCODING_TYPES) {
      try {
        const text = encode(rec, { type, view });
        encodings[type] = typeof text === "string" ? text : JSON.stringify(text, null, 1);
      } catch (e) {
        encodings[type] = `error: ${(e as Error).message}`;
      }
    }
  }
  return { view, available: encode !== null, reason, encodings, raw: rawViewText(rec.image) };
}
