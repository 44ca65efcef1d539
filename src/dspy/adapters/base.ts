/**
 * The adapter contract (dspy/adapters/base.py): turn a signature, demos and inputs into chat
 * messages, call the LM, and parse its reply into output fields.
 *
 * Message layout, shared by every adapter: a system message (field descriptions, structure, task),
 * then a user/assistant pair per demo — incomplete demos first, then complete ones — then the user
 * message with the current inputs and the output reminder. Subclasses decide how each piece looks.
 */
import type { ChatMessage, ChatOptions, ChatResult, LM, LMRole } from "../../lm/types.js";
import { AdapterParseError } from "../errors.js";
import { type ExampleLike, Example } from "../example.js";
import { parseOutputValue } from "../field-types.js";
import type { Signature, SignatureField } from "../signature.js";

/** LM settings a predictor passes on every call (DSPy's predictor `config`). */
export type PredictorConfig = Pick<ChatOptions, "temperature" | "maxTokens" | "topP" | "stop" | "seed" | "rolloutId" | "noCache">;

/** Field values keyed by field name. */
export type FieldValues = Readonly<Record<string, unknown>>;

/** Per-call context an adapter passes to the LM. */
export interface AdapterCallContext {
  /** Who the call is for (teacher, student, …), for usage accounting. */
  role?: LMRole;
  signal?: AbortSignal;
}

/** What an adapter call produced. */
export interface AdapterResult {
  /** The parsed output fields, one record per completion. */
  completions: Record<string, unknown>[];
  /** Every LM reply the call consumed (two when the JSON fallback ran). */
  lmResults: ChatResult[];
  /** The adapter whose parse succeeded: `ChatAdapter` or `JSONAdapter`. */
  adapter: string;
  /** The messages sent in the successful request. */
  messages: ChatMessage[];
}

/** The outcome of one request: parsed outputs, or the non-LM error raised while formatting or parsing. */
export interface AdapterAttempt {
  completions?: Record<string, unknown>[];
  error?: unknown;
  lmResults: ChatResult[];
  messages: ChatMessage[];
}

function demoRecord(d: ExampleLike): Record<string, unknown> {
  return d instanceof Example ? d.toDict() : { ...d };
}

const present = (r: FieldValues, k: string) => k in r && r[k] !== undefined;

/**
 * Turns a signature, demos and inputs into chat messages and parses the LM's reply into output fields
 * (DSPy's Adapter); see {@link ChatAdapter} and {@link JSONAdapter}.
 */
export abstract class Adapter {
  /** The class name DSPy uses in messages: `ChatAdapter`, `JSONAdapter`. */
  abstract readonly name: string;

  /** The system message: field description, structure and task, joined by newlines. */
  formatSystemMessage(signature: Signature): string {
    return `${this.formatFieldDescription(signature)}\n${this.formatFieldStructure(signature)}\n${this.formatTaskDescription(signature)}`;
  }

  abstract formatFieldDescription(signature: Signature): string;
  abstract formatFieldStructure(signature: Signature): string;
  abstract formatTaskDescription(signature: Signature): string;
  /**
   * One user turn: `prefix`, each input present in `inputs`, the output reminder when `mainRequest`,
   * and `suffix`, joined by blank lines and stripped.
   */
  abstract formatUserMessageContent(signature: Signature, inputs: FieldValues, prefix?: string, suffix?: string, mainRequest?: boolean): string;
  /** One assistant turn holding the output fields; fields missing from `outputs` read `missingFieldMessage`. */
  abstract formatAssistantMessageContent(signature: Signature, outputs: FieldValues, missingFieldMessage?: string): string;
  /** Reads the output fields from an LM reply; throws {@link AdapterParseError}. */
  abstract parse(signature: Signature, completion: string): Record<string, unknown>;

  /** The full message list for one call. */
  format(signature: Signature, demos: readonly ExampleLike[], inputs: FieldValues): ChatMessage[] {
    const messages: ChatMessage[] = [{ role: "system", content: this.formatSystemMessage(signature) }];
    messages.push(...this.formatDemos(signature, demos));
    const content = this.formatUserMessageContent(signature, inputs, "", "", true);
    if (content) messages.push({ role: "user", content });
    return messages;
  }

  /**
   * Demos as user/assistant pairs. A demo is complete when every field is present and not null;
   * otherwise it is kept only if it has at least one input and one output, and goes first, marked
   * as an example with fields not supplied. Keys that are not fields (like `augmented`) are ignored.
   */
  formatDemos(signature: Signature, demos: readonly ExampleLike[]): ChatMessage[] {
    const complete: Record<string, unknown>[] = [];
    const incomplete: Record<string, unknown>[] = [];
    for (const d of demos) {
      const demo = demoRecord(d);
      const isComplete = signature.fields.every((f) => present(demo, f.name) && demo[f.name] !== null);
      const hasInput = signature.inputFields.some((f) => present(demo, f.name));
      const hasOutput = signature.outputFields.some((f) => present(demo, f.name));
      if (isComplete) complete.push(demo);
      else if (hasInput && hasOutput) incomplete.push(demo);
    }
    const messages: ChatMessage[] = [];
    const incompletePrefix = "This is an example of the task, though some input or output fields are not supplied.";
    for (const demo of incomplete) {
      messages.push({ role: "user", content: this.formatUserMessageContent(signature, demo, incompletePrefix) });
      messages.push({
        role: "assistant",
        content: this.formatAssistantMessageContent(signature, demo, "Not supplied for this particular example. "),
      });
    }
    for (const demo of complete) {
      messages.push({ role: "user", content: this.formatUserMessageContent(signature, demo) });
      messages.push({
        role: "assistant",
        content: this.formatAssistantMessageContent(signature, demo, "Not supplied for this conversation history message. "),
      });
    }
    return messages;
  }

  /**
   * The extra request options of each try, in order: the next is tried while a reply cannot be parsed
   * (ChatAdapter: one plain request; JSONAdapter: structured output, then JSON mode).
   */
  protected requestOptions(_lm: LM, _signature: Signature): Partial<ChatOptions>[] {
    return [{}];
  }

  /**
   * One request (or one per {@link requestOptions} entry while replies cannot be parsed): format,
   * call the LM, parse. Errors thrown by the LM propagate; errors raised while formatting or parsing
   * are returned in `error` so a caller can fall back (as DSPy does for any exception that is not an
   * `LMError`).
   */
  async attempt(
    lm: LM,
    config: PredictorConfig,
    signature: Signature,
    demos: readonly ExampleLike[],
    inputs: FieldValues,
    context: AdapterCallContext = {},
  ): Promise<AdapterAttempt> {
    let messages: ChatMessage[];
    let requests: ChatOptions[];
    try {
      messages = this.format(signature, demos, inputs);
      requests = this.requestOptions(lm, signature).map((extra) => {
        const options: ChatOptions = { ...config, ...extra };
        if (context.role !== undefined) options.role = context.role;
        if (context.signal !== undefined) options.signal = context.signal;
        return options;
      });
    } catch (error) {
      return { error, lmResults: [], messages: [] };
    }
    const lmResults: ChatResult[] = [];
    let error: unknown;
    for (const options of requests) {
      const result = await lm.chat(messages, options);
      lmResults.push(result);
      try {
        if (!result.text) {
          throw new AdapterParseError(this.name, signature, String(result.text ?? ""), "The LM returned an empty or null response.");
        }
        return { completions: [this.parse(signature, result.text)], lmResults, messages };
      } catch (e) {
        error = e;
      }
    }
    return { error, lmResults, messages };
  }

  /** Formats, calls the LM once and parses; throws the parse error if the reply cannot be read. */
  async call(
    lm: LM,
    config: PredictorConfig,
    signature: Signature,
    demos: readonly ExampleLike[],
    inputs: FieldValues,
    context: AdapterCallContext = {},
  ): Promise<AdapterResult> {
    const a = await this.attempt(lm, config, signature, demos, inputs, context);
    if (a.error !== undefined || !a.completions) throw a.error;
    return { completions: a.completions, lmResults: a.lmResults, adapter: this.name, messages: a.messages };
  }
}

/**
 * The parse tail both adapters share (DSPy's `parse`): converts each output field found in a reply
 * to its type, keeps them in signature order, and raises {@link AdapterParseError} with DSPy's
 * messages when a value does not convert or a field is missing.
 */
export function parsedOutputFields(
  adapterName: string,
  signature: Signature,
  completion: string,
  found: ReadonlyArray<readonly [SignatureField, unknown]>,
  shown: (value: unknown) => string,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [field, raw] of found) {
    try {
      values[field.name] = parseOutputValue(field, raw); // the field's own reader when the type rejects the value
    } catch (e) {
      throw new AdapterParseError(
        adapterName,
        signature,
        completion,
        `Failed to parse field ${field.name} with value ${shown(raw)} from the LM response. Error message: ${(e as Error).message}`,
      );
    }
  }
  const fields: Record<string, unknown> = {};
  for (const f of signature.outputFields) if (f.name in values) fields[f.name] = values[f.name];
  if (Object.keys(fields).length !== signature.outputFields.length) {
    throw new AdapterParseError(adapterName, signature, completion, undefined, fields);
  }
  return fields;
}
