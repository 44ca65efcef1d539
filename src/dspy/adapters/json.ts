/**
 * JSONAdapter (dspy/adapters/json_adapter.py): inputs as `[[ ## name ## ]]` sections, outputs as one
 * JSON object. ChatAdapter retries with it once when a reply cannot be parsed.
 *
 * The system message shows the outputs as an indented JSON skeleton; the last user message asks for
 * ``a JSON object in the following order of fields: `a`, then `b` …``. As DSPy's `JSONAdapter.__call__`
 * does, the request asks the provider for structured output — `responseFormat: json_schema` with
 * DSPy's strict `DSPyProgramOutputs` schema — when the LM enforces schemas
 * (`supportsStructuredOutput`), and retries once in JSON mode (`json_object`) when that reply cannot
 * be parsed; an LM without schemas is asked for JSON mode; an LM that declares
 * `supportsResponseFormat: false` (DSPy: `response_format` not in the provider's parameters) is sent
 * no response format at all.
 *
 * Parsing reads the reply with json_repair, or failing that the first balanced `{…}` in it, keeps the
 * output fields and converts each to its type.
 *
 * A ChatAdapter parse failure therefore costs DSPy's calls: two (JSON mode or no format) or three
 * (structured output, then JSON mode). Difference from DSPy: a field value that does not convert
 * raises {@link AdapterParseError} rather than pydantic's ValidationError.
 */
import type { ChatOptions, LM } from "../../lm/types.js";
import { AdapterParseError } from "../errors.js";
import { fieldPlaceholder, floatHint, structuredOutputSchema, toJsonable, typeName } from "../field-types.js";
import { jsonRepairLoads } from "../json-repair.js";
import { pyJsonDumps, pyStrip } from "../pycompat.js";
import type { Signature, SignatureField } from "../signature.js";
import { ChatAdapter } from "./chat.js";
import { type FieldValues, parsedOutputFields } from "./base.js";

/** An LM that may say it takes no response format at all (DSPy: `response_format` not among the provider's parameters). */
export interface ResponseFormatCapability {
  /** False when the provider accepts no `responseFormat` (default: it accepts one). */
  readonly supportsResponseFormat?: boolean;
}

/** How JSONAdapter asks `lm` for JSON (DSPy's `_json_adapter_call_common`). */
export function responseMode(lm: LM): "structured" | "json_object" | "none" {
  if ((lm as LM & ResponseFormatCapability).supportsResponseFormat === false) return "none";
  return lm.supportsStructuredOutput ? "structured" : "json_object";
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** The first balanced `{…}` in the text (the recursive regex `\{(?:[^{}]|(?R))*\}`), or null. */
export function firstBalancedObject(text: string): string | null {
  for (let start = text.indexOf("{"); start >= 0; start = text.indexOf("{", start + 1)) {
    let depth = 0;
    for (let i = start; i < text.length; i++) {
      if (text[i] === "{") depth++;
      else if (text[i] === "}" && --depth === 0) return text.slice(start, i + 1);
    }
  }
  return null;
}

/**
 * DSPy's JSONAdapter: asks for the output fields as one JSON object (with a JSON schema when the LM
 * supports structured output).
 */
export class JSONAdapter extends ChatAdapter {
  override readonly name: string = "JSONAdapter";

  protected override isJsonAdapter(): boolean {
    return true;
  }

  /**
   * DSPy's `JSONAdapter.__call__`: a JSON schema via structured output where the provider enforces
   * one, then — when that reply cannot be parsed — JSON mode; JSON mode alone otherwise; no response
   * format where the provider takes none.
   */
  protected override requestOptions(lm: LM, signature: Signature): Partial<ChatOptions>[] {
    const jsonMode: Partial<ChatOptions> = { responseFormat: { type: "json_object" } };
    switch (responseMode(lm)) {
      case "none":
        return [{}];
      case "json_object":
        return [jsonMode];
      case "structured":
        return [{ responseFormat: { type: "json_schema", name: "DSPyProgramOutputs", schema: structuredOutputSchema(signature.outputFields) } }, jsonMode];
    }
  }

  override formatFieldStructure(signature: Signature): string {
    const parts = [
      "All interactions will be structured in the following way, with the appropriate values filled in.",
      "Inputs will have the following structure:",
      this.formatFieldWithValue(signature.inputFields.map((f) => [f, fieldPlaceholder(f.name, f.type, true)])),
      "Outputs will be a JSON object with the following fields.",
      this.formatJsonObject(signature.outputFields.map((f) => [f, fieldPlaceholder(f.name, f.type, false)])),
    ];
    return pyStrip(parts.join("\n\n"));
  }

  override userMessageOutputRequirements(signature: Signature): string {
    const typeInfo = (f: SignatureField) => (f.type !== "str" ? ` (must be formatted as a valid Python ${typeName(f.type)})` : "");
    return (
      "Respond with a JSON object in the following order of fields: " +
      signature.outputFields.map((f) => `\`${f.name}\`${typeInfo(f)}`).join(", then ") +
      "."
    );
  }

  override formatAssistantMessageContent(signature: Signature, outputs: FieldValues, missingFieldMessage?: string): string {
    return this.formatJsonObject(
      signature.outputFields.map((f) => [f, f.name in outputs && outputs[f.name] !== undefined ? outputs[f.name] : missingFieldMessage]),
    );
  }

  /** `json.dumps({name: value, …}, indent=2, ensure_ascii=False)`. */
  formatJsonObject(fieldsWithValues: ReadonlyArray<readonly [SignatureField, unknown]>): string {
    const obj: Record<string, unknown> = {};
    const keys: Record<string, ReturnType<typeof floatHint>> = {};
    for (const [f, v] of fieldsWithValues) {
      obj[f.name] = toJsonable(v ?? null);
      keys[f.name] = floatHint(f.type);
    }
    return pyJsonDumps(obj, 2, { keys });
  }

  override parse(signature: Signature, completion: string): Record<string, unknown> {
    let text = completion;
    let parsed = jsonRepairLoads(text);
    if (!isPlainObject(parsed)) {
      const match = firstBalancedObject(text);
      if (match !== null) {
        text = match;
        parsed = jsonRepairLoads(text);
      }
    }
    if (!isPlainObject(parsed)) {
      throw new AdapterParseError("JSONAdapter", signature, text, "LM response cannot be serialized to a JSON object.");
    }
    const found: [SignatureField, unknown][] = [];
    for (const [k, v] of Object.entries(parsed)) {
      const field = signature.outputFields.find((f) => f.name === k);
      if (field) found.push([field, v]);
    }
    return parsedOutputFields("JSONAdapter", signature, text, found, (v) => (typeof v === "string" ? v : JSON.stringify(v)));
  }
}
