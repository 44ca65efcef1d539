/**
 * Prices in US dollars per million tokens, for the common Groq and OpenAI models (list prices as
 * published by the providers in 2025; check them before relying on a cost report). Local models
 * (ollama/, llamacpp/) cost nothing. A user overrides or extends the table with a JSON file of the
 * same shape (`{"groq/my-model": {"input": 0.1, "output": 0.2}}`) or in code.
 */
import { readFileSync } from "node:fs";
import { LMError } from "./errors.js";

/** A model's price in US dollars per million prompt and completion tokens. */
export interface ModelPrice {
  /** USD per 1M prompt tokens. */
  input: number;
  /** USD per 1M completion tokens. */
  output: number;
}

/** Keys are canonical model ids (`<provider>/<model>`). */
export type PriceTable = Record<string, ModelPrice>;

/** Prices of the hosted models gridtune knows (USD per million tokens); local models cost nothing. */
export const DEFAULT_PRICES: Readonly<PriceTable> = {
  // Groq
  "groq/llama-3.3-70b-versatile": { input: 0.59, output: 0.79 },
  "groq/llama-3.1-8b-instant": { input: 0.05, output: 0.08 },
  "groq/deepseek-r1-distill-llama-70b": { input: 0.75, output: 0.99 },
  "groq/gemma2-9b-it": { input: 0.2, output: 0.2 },
  "groq/mixtral-8x7b-32768": { input: 0.24, output: 0.24 },
  "groq/meta-llama/llama-4-scout-17b-16e-instruct": { input: 0.11, output: 0.34 },
  "groq/meta-llama/llama-4-maverick-17b-128e-instruct": { input: 0.2, output: 0.6 },
  "groq/qwen/qwen3-32b": { input: 0.29, output: 0.59 },
  "groq/openai/gpt-oss-120b": { input: 0.15, output: 0.75 },
  "groq/openai/gpt-oss-20b": { input: 0.1, output: 0.5 },
  "groq/moonshotai/kimi-k2-instruct": { input: 1.0, output: 3.0 },
  // OpenAI
  "openai/gpt-4o-mini": { input: 0.15, output: 0.6 },
  "openai/gpt-4o": { input: 2.5, output: 10.0 },
  "openai/gpt-4.1": { input: 2.0, output: 8.0 },
  "openai/gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "openai/gpt-4.1-nano": { input: 0.1, output: 0.4 },
  "openai/gpt-5": { input: 1.25, output: 10.0 },
  "openai/gpt-5-mini": { input: 0.25, output: 2.0 },
  "openai/gpt-5-nano": { input: 0.05, output: 0.4 },
  "openai/o3-mini": { input: 1.1, output: 4.4 },
  "openai/o4-mini": { input: 1.1, output: 4.4 },
  "openai/gpt-3.5-turbo": { input: 0.5, output: 1.5 },
};

/**
 * The price of a model: an exact id match, else for OpenAI a dated snapshot of a listed model
 * (`openai/gpt-4o-mini-2024-07-18` → `openai/gpt-4o-mini`), else for `openai/ft:<base>:…` the base
 * model's price; zero for local providers; undefined when unknown.
 */
export function priceFor(modelId: string, table: Readonly<PriceTable>): ModelPrice | undefined {
  const exact = table[modelId];
  if (exact) return exact;
  if (modelId.startsWith("ollama/") || modelId.startsWith("llamacpp/")) return { input: 0, output: 0 };
  const ft = /^openai\/ft:([^:]+):/.exec(modelId);
  if (ft) return priceFor(`openai/${ft[1]}`, table);
  const dated = /^(.*)-\d{4}-\d{2}-\d{2}$/.exec(modelId);
  if (dated && table[dated[1]!]) return table[dated[1]!];
  return undefined;
}

/** Cost in USD of a call. Undefined when the model has no price. */
export function costOf(modelId: string, promptTokens: number, completionTokens: number, table: Readonly<PriceTable>): number | undefined {
  const p = priceFor(modelId, table);
  if (!p) return undefined;
  return (promptTokens * p.input + completionTokens * p.output) / 1e6;
}

/** Reads a price table from a JSON file and merges it over `base` (default: DEFAULT_PRICES). */
export function loadPriceTable(path: string, base: Readonly<PriceTable> = DEFAULT_PRICES): PriceTable {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new LMError(`price table ${path}: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new LMError(`price table ${path}: expected an object of {"<provider>/<model>": {"input": USD per 1M, "output": USD per 1M}}`);
  }
  const out: PriceTable = { ...base };
  for (const [id, v] of Object.entries(parsed as Record<string, unknown>)) {
    const p = v as Partial<ModelPrice> | null;
    if (!p || typeof p.input !== "number" || typeof p.output !== "number" || p.input < 0 || p.output < 0) {
      throw new LMError(`price table ${path}: '${id}' needs non-negative numbers "input" and "output" (USD per 1M tokens)`);
    }
    out[id] = { input: p.input, output: p.output };
  }
  return out;
}
