/**
 * ChatAdapter (dspy/adapters/chat_adapter.py): DSPy's default prompt format, byte for byte.
 *
 * Every field sits in its own section under a `[[ ## name ## ]]` header; the reply ends with
 * `[[ ## completed ## ]]`. The system message lists the fields with their Python types and
 * descriptions, shows the structure (with a `# note:` on each non-str output), and states the
 * instructions as the objective. The last user message ends with a reminder of the output fields.
 *
 * Parsing splits the reply at header lines (a line whose stripped text starts with a header), keeps
 * the first section for each output field, ignores text before the first header and unknown
 * headers, converts each value to its field's type, and raises {@link AdapterParseError} with DSPy's
 * message when an output field is missing or does not convert.
 *
 * When a reply cannot be parsed (or formatting fails), the call is retried once with
 * {@link JSONAdapter}, as DSPy's `ChatAdapter.__call__` does; errors raised by the LM itself are not
 * retried.
 */
import type { ChatMessage, LM } from "../../lm/types.js";
import type { AdapterParseError } from "../errors.js";
import type { ExampleLike } from "../example.js";
import { fieldPlaceholder, formatFieldValue, typeName } from "../field-types.js";
import { pyDedent, pySplitlines, pyStrip } from "../pycompat.js";
import type { Signature, SignatureField } from "../signature.js";
import { Adapter, parsedOutputFields, type AdapterCallContext, type AdapterResult, type FieldValues, type PredictorConfig } from "./base.js";

/** Matches a section header at the start of a (stripped) line; `\w` as Python reads it. */
const FIELD_HEADER = /^\[\[ ## ([\p{L}\p{N}_]+) ## \]\]/u;

/** Options of {@link ChatAdapter}. */
export interface ChatAdapterOptions {
  /** Retry once with JSONAdapter when a reply cannot be parsed (DSPy's default: true). */
  useJsonAdapterFallback?: boolean;
}

/** The field list of the system message (`get_field_description_string`). */
export function fieldDescriptionString(fields: readonly SignatureField[]): string {
  const lines = fields.map((f, i) => {
    const desc = f.desc !== `\${${f.name}}` ? f.desc : "";
    return `${i + 1}. \`${f.name}\` (${typeName(f.type)}): ${desc}`;
  });
  return pyStrip(lines.join("\n"));
}

/**
 * DSPy's ChatAdapter: `[[ ## field ## ]]` sections, prompts byte-identical to Python DSPy's; retries with
 * {@link JSONAdapter} when a reply cannot be parsed.
 */
export class ChatAdapter extends Adapter {
  readonly name: string = "ChatAdapter";
  readonly useJsonAdapterFallback: boolean;

  constructor(options: ChatAdapterOptions = {}) {
    super();
    this.useJsonAdapterFallback = options.useJsonAdapterFallback ?? true;
  }

  formatFieldDescription(signature: Signature): string {
    return (
      `Your input fields are:\n${fieldDescriptionString(signature.inputFields)}\n` +
      `Your output fields are:\n${fieldDescriptionString(signature.outputFields)}`
    );
  }

  formatFieldStructure(signature: Signature): string {
    const placeholders = (fields: readonly SignatureField[]) =>
      this.formatFieldWithValue(fields.map((f) => [f, fieldPlaceholder(f.name, f.type, f.kind === "input")]));
    const parts = [
      "All interactions will be structured in the following way, with the appropriate values filled in.",
      placeholders(signature.inputFields),
      placeholders(signature.outputFields),
      "[[ ## completed ## ]]\n",
    ];
    return pyStrip(parts.join("\n\n"));
  }

  formatTaskDescription(signature: Signature): string {
    const instructions = pyDedent(signature.instructions);
    const objective = ["", ...pySplitlines(instructions)].join("\n" + " ".repeat(8));
    return `In adhering to this structure, your objective is: ${objective}`;
  }

  formatUserMessageContent(signature: Signature, inputs: FieldValues, prefix = "", suffix = "", mainRequest = false): string {
    const parts = [prefix];
    for (const f of signature.inputFields) {
      if (f.name in inputs && inputs[f.name] !== undefined) {
        parts.push(`[[ ## ${f.name} ## ]]\n${formatFieldValue(f.type, inputs[f.name])}`);
      }
    }
    if (mainRequest) parts.push(this.userMessageOutputRequirements(signature));
    parts.push(suffix);
    return pyStrip(parts.join("\n\n"));
  }

  /** The reminder closing the last user message: which output fields, in which order, of which types. */
  userMessageOutputRequirements(signature: Signature): string {
    const typeInfo = (f: SignatureField) => (f.type !== "str" ? ` (must be formatted as a valid Python ${typeName(f.type)})` : "");
    return (
      "Respond with the corresponding output fields, starting with the field " +
      signature.outputFields.map((f) => `\`[[ ## ${f.name} ## ]]\`${typeInfo(f)}`).join(", then ") +
      ", and then ending with the marker for `[[ ## completed ## ]]`."
    );
  }

  formatAssistantMessageContent(signature: Signature, outputs: FieldValues, missingFieldMessage?: string): string {
    const content = this.formatFieldWithValue(
      signature.outputFields.map((f) => [f, f.name in outputs && outputs[f.name] !== undefined ? outputs[f.name] : missingFieldMessage]),
    );
    return content + "\n\n[[ ## completed ## ]]\n";
  }

  /** `[[ ## name ## ]]\nvalue` blocks joined by blank lines, stripped. */
  formatFieldWithValue(fieldsWithValues: ReadonlyArray<readonly [SignatureField, unknown]>): string {
    return pyStrip(fieldsWithValues.map(([f, v]) => `[[ ## ${f.name} ## ]]\n${formatFieldValue(f.type, v ?? null)}`).join("\n\n"));
  }

  parse(signature: Signature, completion: string): Record<string, unknown> {
    const sections: [string | null, string[]][] = [[null, []]];
    for (const line of pySplitlines(completion)) {
      const m = FIELD_HEADER.exec(pyStrip(line));
      if (m) {
        // DSPy slices the *unstripped* line at the end of the match found in the stripped one.
        const rest = pyStrip(line.slice(m[0].length));
        sections.push([m[1]!, rest ? [rest] : []]);
      } else {
        sections[sections.length - 1]![1].push(line);
      }
    }
    const found: [SignatureField, string][] = [];
    const seen = new Set<string>();
    for (const [name, lines] of sections) {
      if (name === null || seen.has(name)) continue;
      const field = signature.outputFields.find((f) => f.name === name);
      if (!field) continue;
      seen.add(name);
      found.push([field, pyStrip(lines.join("\n"))]);
    }
    return parsedOutputFields("ChatAdapter", signature, completion, found, (v) => v as string);
  }

  /**
   * One fine-tuning record in OpenAI chat format (DSPy's `format_finetune_data`): the messages for
   * `inputs` with `demos`, then the assistant turn holding `outputs`.
   */
  formatFinetuneData(signature: Signature, demos: readonly ExampleLike[], inputs: FieldValues, outputs: FieldValues): { messages: ChatMessage[] } {
    const messages = this.format(signature, demos, inputs);
    messages.push({ role: "assistant", content: this.formatAssistantMessageContent(signature, outputs) });
    return { messages };
  }

  /**
   * Formats, calls the LM and parses; if the reply cannot be parsed, retries exactly once with
   * JSONAdapter (unless `useJsonAdapterFallback` is false). LM errors propagate without a retry.
   */
  override async call(
    lm: LM,
    config: PredictorConfig,
    signature: Signature,
    demos: readonly ExampleLike[],
    inputs: FieldValues,
    context: AdapterCallContext = {},
  ): Promise<AdapterResult> {
    const first = await this.attempt(lm, config, signature, demos, inputs, context);
    if (first.completions && first.error === undefined) {
      return { completions: first.completions, lmResults: first.lmResults, adapter: this.name, messages: first.messages };
    }
    if (!this.useJsonAdapterFallback || this.isJsonAdapter()) throw first.error;
    const fallback = await this.makeJsonAdapterFallback();
    const second = await fallback.attempt(lm, config, signature, demos, inputs, context);
    if (second.error !== undefined || !second.completions) throw second.error;
    return {
      completions: second.completions,
      lmResults: [...first.lmResults, ...second.lmResults],
      adapter: fallback.name,
      messages: second.messages,
    };
  }

  /** Whether this adapter is (a subclass of) JSONAdapter, which never falls back. */
  protected isJsonAdapter(): boolean {
    return false;
  }

  /** The adapter used for the one retry: a JSONAdapter (loaded lazily; json.ts extends this class). */
  protected async makeJsonAdapterFallback(): Promise<ChatAdapter> {
    const { JSONAdapter } = await import("./json.js");
    return new JSONAdapter();
  }
}
