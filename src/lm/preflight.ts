/**
 * Preflight: before a run spends anything, every role's model is checked where it is served.
 *
 * - OpenAI-compatible servers (Groq, OpenAI, vLLM, …): `GET /models` must list the model. A model
 *   Groq has decommissioned is no longer listed (a chat would answer 400 `model_decommissioned`):
 *   the error says so and names Groq's replacement where gridtune knows it. A server without a
 *   model list (404/405) gets one minimal probe completion (`max_tokens: 1`).
 * - Ollama: `GET /api/tags` must list it (else "run `ollama pull <id>`"); no answer at all means
 *   Ollama is not running ("start `ollama serve`", naming OLLAMA_HOST).
 * - llama.cpp: the file must exist and load, and its context must hold the run's longest prompt and
 *   reply: the context is sized to the run, or — when GRIDTUNE_LLAMACPP_CONTEXT pins a smaller one —
 *   the error names that setting.
 *
 * Every problem found is reported together in one PreflightError: the provider's own words, the flag
 * to change, and the models the server lists. No completion call is made when preflight fails
 * (except the probe of a server without a model list, which is the check itself).
 */
import type { LMRole } from "./types.js";
import { FatalLMError, ProviderFailure, isFatalLMError, type FatalKind } from "./errors.js";
import type { ManagedLM } from "./lm.js";
import { GROQ_REPLACEMENTS } from "./providers/openai-compatible.js";
import { LlamaCppProvider } from "./providers/llamacpp.js";
import { modelFlagFor } from "./knobs.js";
import type { LMRuntime } from "./runtime.js";

/** One role's model to check: the LM (or its id), the flag that sets it, and the longest prompt it will get. */
export interface PreflightRequest {
  role: LMRole;
  /** The LM of the role (made by the runtime); or give `modelId`. */
  lm?: ManagedLM;
  modelId?: string;
  /** The flag that picks this model, e.g. `--assessor-model` (default from the role). */
  flag?: string;
  /** The longest prompt the run will send this model, in tokens (estimated), or as text (counted exactly for llama.cpp). */
  longestPromptTokens?: number;
  longestPrompt?: string;
  /** The reply's token cap (default the LM's maxTokens default, else 1024). */
  maxTokens?: number;
}

/** Options of a preflight: a signal, and whether a server without a model list may be probed. */
export interface PreflightOptions {
  signal?: AbortSignal;
  /** Probe a server without a model list with one 1-token completion (default true; a dry run says false). */
  probe?: boolean;
}

/** One model checked: where, how, and for llama.cpp the context it got. */
export interface PreflightCheck {
  roles: string[];
  model: string;
  server: string;
  method: "models-list" | "tags" | "probe" | "llamacpp" | "unchecked";
  contextSize?: number;
}

/** What a passed preflight checked. */
export interface PreflightReport {
  checks: PreflightCheck[];
}

/** One problem preflight found. */
export interface PreflightProblem {
  kind: FatalKind;
  roles: string[];
  model: string;
  server: string;
  /** What is wrong, with the provider's words. */
  message: string;
  /** What to change. */
  flag: string;
  /** The models the server lists (may be empty). */
  available: string[];
}

/** Preflight found a role whose model is not served (or does not fit); nothing has been spent. */
export class PreflightError extends FatalLMError {
  /** The models the server of the first problem lists. */
  readonly available: string[];
  constructor(readonly problems: PreflightProblem[]) {
    const lines = problems.map((p) => {
      const listed = p.available.length > 0 ? ` The server lists: ${shortList(p.available)}.` : "";
      return `${p.roles.join("/")} model ${p.model}: ${p.message}. Change ${p.flag}.${listed}`;
    });
    super(problems[0]!.kind, `preflight check failed (no LM call was spent):\n  ${lines.join("\n  ")}`, { model: problems[0]!.model, knob: problems[0]!.flag });
    this.name = "PreflightError";
    this.available = problems[0]!.available;
    this.role = problems[0]!.roles[0];
  }
}

function shortList(ids: string[]): string {
  const sorted = [...ids].sort();
  return sorted.length > 12 ? `${sorted.slice(0, 12).join(", ")}, … (${sorted.length} in all)` : sorted.join(", ");
}

/** Runs the checks of the module comment; throws PreflightError listing every problem. */
export async function preflight(runtime: LMRuntime, requests: PreflightRequest[], options: PreflightOptions = {}): Promise<PreflightReport> {
  const groups = new Map<string, { lm: ManagedLM; roles: string[]; flags: string[]; tokens: number; prompts: string[]; maxTokens: number }>();
  for (const r of requests) {
    const model = r.lm ?? runtime.lm(r.modelId ?? "", { role: r.role });
    const key = `${model.provider}|${model.backendProvider.server}|${model.spec.model}`;
    const flag = r.flag ?? modelFlagFor(String(r.role));
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { lm: model, roles: [], flags: [], tokens: 0, prompts: [], maxTokens: 0 }));
    if (!g.roles.includes(String(r.role))) g.roles.push(String(r.role));
    if (!g.flags.includes(flag)) g.flags.push(flag);
    g.tokens = Math.max(g.tokens, r.longestPromptTokens ?? 0);
    if (r.longestPrompt) g.prompts.push(r.longestPrompt);
    g.maxTokens = Math.max(g.maxTokens, r.maxTokens ?? 0);
  }
  const problems: PreflightProblem[] = [];
  const checks: PreflightCheck[] = [];
  for (const g of groups.values()) {
    options.signal?.throwIfAborted();
    const lm = g.lm;
    const server = lm.backendProvider.server;
    const flag = g.flags.join(" / ");
    const problem = (kind: FatalKind, message: string, available: string[] = [], knob = flag): void => {
      problems.push({ kind, roles: g.roles, model: lm.model, server, message, flag: knob, available });
    };
    try {
      const backend = lm.backendProvider;
      if (backend instanceof LlamaCppProvider) {
        let tokens = g.tokens;
        for (const p of g.prompts) tokens = Math.max(tokens, await backend.countTokens(p, options.signal));
        const reply = g.maxTokens || lm.defaultMaxTokens || 1024;
        const size = await backend.requireContext(tokens + reply + 16, options.signal);
        checks.push({ roles: g.roles, model: lm.model, server, method: "llamacpp", contextSize: size });
        continue;
      }
      const listed = backend.listModels ? await backend.listModels(options.signal) : undefined;
      if (listed === undefined) {
        if (options.probe === false) {
          checks.push({ roles: g.roles, model: lm.model, server, method: "unchecked" });
          continue;
        }
        await lm.chat([{ role: "user", content: "Reply with OK." }], { maxTokens: 1, noCache: true, ...(options.signal ? { signal: options.signal } : {}) });
        checks.push({ roles: g.roles, model: lm.model, server, method: "probe" });
        continue;
      }
      const name = lm.spec.model;
      const served = lm.provider === "ollama" ? listed.includes(name) || listed.includes(`${name}:latest`) || (name.endsWith(":latest") && listed.includes(name.slice(0, -7))) : listed.includes(name);
      if (served) {
        checks.push({ roles: g.roles, model: lm.model, server, method: lm.provider === "ollama" ? "tags" : "models-list" });
        continue;
      }
      if (lm.provider === "ollama") {
        problem("model_not_found", `Ollama at ${server} has not pulled '${name}'; run \`ollama pull ${name}\``, listed, `${flag}, or run \`ollama pull ${name}\``);
      } else if (lm.provider === "groq" && GROQ_REPLACEMENTS[name]) {
        const replacement = GROQ_REPLACEMENTS[name]!;
        problem(
          "model_decommissioned",
          `Groq no longer serves '${name}' (decommissioned; a chat would answer HTTP 400 model_decommissioned); Groq names ${replacement} as its replacement`,
          listed,
          `${flag} (e.g. ${g.flags[0]} groq/${replacement})`,
        );
      } else {
        problem("model_not_found", `the server at ${server} does not list '${name}' at GET /models`, listed);
      }
    } catch (e) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (e instanceof ProviderFailure || (isFatalLMError(e) && e.kind === "unreachable")) {
        const detail = (e as Error).message;
        if (lm.provider === "ollama") problem("unreachable", `Ollama is not answering at ${server} (${detail}); start \`ollama serve\`, or set OLLAMA_HOST to where it runs`, [], "OLLAMA_HOST, or start `ollama serve`");
        else problem("unreachable", `cannot reach ${server} (${detail})`, [], lm.provider === "groq" ? "GROQ_BASE_URL" : lm.provider === "openai" ? "OPENAI_BASE_URL" : `--${g.roles[0]}-base-url`);
      } else if (e instanceof FatalLMError) {
        problem(e.kind, (e.providerMessage ?? e.message).replace(/\.$/, ""), [], e.knob ?? flag);
      } else throw e;
    }
  }
  if (problems.length > 0) throw new PreflightError(problems);
  return { checks };
}
