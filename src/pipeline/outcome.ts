/**
 * How a run ends — the pipeline's one failure policy (docs/troubleshooting.md has the user's side):
 *
 * - **failed** (exit 1): an LM error that will fail every call alike (a decommissioned, unknown or
 *   refused model, a request the server rejects, a used-up quota) stops the run at once. The
 *   optimization checkpoint is kept; the message gives the provider's words, the knob to change and
 *   the exact `gridtune finetune … --resume` command.
 * - **degraded** (exit 3): the run finished, but some role's calls still failed after retries on more
 *   than {@link FAILURE_SHARE_LIMIT} of its calls (or that share of the test examples could not be
 *   scored). Its numbers are not trustworthy; a table says which role failed and why.
 * - **stopped** (exit 130): interrupted by the user (or a dry run); the checkpoint is kept.
 * - **completed** (exit 0): everything else. Only this prints "✅ Run completed".
 *
 * Failures are counted per role and model by wrapping each role's LM ({@link FailureLedger.observe});
 * test examples that could not be scored (the student's answer failed, or its assessment did) are
 * counted as the `evaluation` row.
 */
import { isFatalLMError, QuotaExceededError, AuthenticationError, BadRequestError, MissingCredentialError, ModelFileError, ModelNotFoundError, RetriesExhaustedError, UnreachableHostError } from "../lm/index.js";
import type { LM } from "../lm/types.js";
import { AdapterParseError } from "../dspy/index.js";
import { UserError } from "../util/errors.js";
import { table } from "./report.js";
import type { EvaluatedExample, RoleFailures, RunStatus } from "./run-info.js";

/**
 * The share of a role's calls that may still fail after retries before the run is `degraded`: 5%.
 * A few failures in hundreds of calls (a flaky connection) leave the scores usable; more do not.
 */
export const FAILURE_SHARE_LIMIT = 0.05;

/** The exit code of each run outcome (the CLI exits with it). */
export const EXIT_CODES: Record<RunStatus, number> = { completed: 0, failed: 1, degraded: 3, stopped: 130 };

/**
 * True for an LM error that will fail every call alike, so the run stops at once instead of scoring
 * each example 0: no key, a refused key, an unknown or decommissioned model, an unreachable server, a
 * missing model file, a request the server rejects (HTTP 400/413/422: context length, too many tokens
 * per minute), and a server that asks to wait longer than the retry bound (a used-up daily quota).
 * A 400 `json_validate_failed` is one answer's fault, not the run's: it is not fatal.
 */
export function isRunStoppingError(e: unknown): boolean {
  // The LM layer classifies (src/lm/errors.ts: FatalLMError and its kinds); a recovered
  // json_validate_failed never reaches here as an error.
  // Groq's json_validate_failed without a failed_generation to recover is one answer's fault, not the run's.
  if (e instanceof BadRequestError && /json_validate_failed|failed_generation/.test(e.message)) return false;
  if (isFatalLMError(e) || (e as { kind?: unknown })?.kind === "fatal") return true;
  if (e instanceof RetriesExhaustedError) return e.lastStatus === 429 && /asks to wait/.test(e.reason ?? "");
  // node-llama-cpp's own error for a prompt longer than the context, should one slip past the LM layer.
  return isLlamaContextOverflow(e);
}

function isLlamaContextOverflow(e: unknown): boolean {
  return e instanceof Error && /too long prompt|context size is too small|context shift/i.test(e.message);
}

/**
 * What to do about a fatal error of `role`, naming the knob — the flag, environment variable or
 * setting to change (the error's own `knob` first, when the LM layer gives one).
 */
export function fixFor(e: unknown, role: string, model = ""): string {
  const flag = role === "proposer" ? "--teacher-model" : `--${role}-model`;
  const own = (e as { knob?: unknown })?.knob;
  // The LM layer's knob first (src/lm/knobs.ts: one table, so every command says the same thing).
  if (typeof own === "string" && own) return /^(--|[A-Z][A-Z_]{2,}\b)/.test(own) ? `change ${own}` : own.startsWith("`") ? `run ${own}` : own;
  if (e instanceof MissingCredentialError) return `set ${e.variables.join(" and ")}`;
  if (e instanceof AuthenticationError) return `check ${e.variable ?? "the API key"}`;
  if (e instanceof UnreachableHostError) return role === "student" ? "start the server (`ollama serve`) or point OLLAMA_HOST at it" : `start the server, or check the base URL of ${flag}`;
  if (e instanceof ModelFileError) return `check the model file of ${flag}`;
  if (e instanceof ModelNotFoundError && model.startsWith("ollama/")) return `run \`ollama pull ${e.model}\`, or change ${flag}`;
  if (e instanceof BadRequestError && (e.status === 413 || /context|too long|too large|tokens per minute/i.test(e.message))) {
    return "send shorter prompts: fewer demos (--max-bootstrapped-demos, --max-labeled-demos), --view agent, or a model with a larger context";
  }
  if (e instanceof RetriesExhaustedError || e instanceof QuotaExceededError) return `wait for the quota to reset, or use another model (${flag}) or key`;
  if (isLlamaContextOverflow(e)) return "raise GRIDTUNE_LLAMACPP_CONTEXT (the llama.cpp context, in tokens), or send shorter prompts (fewer demos, --view agent)";
  return `change ${flag}`;
}

/** Short, countable reason of a failed call: the class, the HTTP status, the provider's words (clipped). */
export function reasonOf(e: unknown, model?: string): string {
  if (!(e instanceof Error)) return String(e).slice(0, 160);
  let m = e.message;
  if (model && m.startsWith(`${model}: `)) m = m.slice(model.length + 2);
  if (e instanceof AdapterParseError) return "unparseable answer";
  m = m.replace(/\s+/g, " ").trim();
  return m.length > 160 ? m.slice(0, 159) + "…" : m;
}

/** The reason an evaluated example could not be scored, grouped so that messages with values count together. */
function exampleReason(error: string): string {
  if (/failed to parse|AdapterParseError|cannot be serialized/i.test(error)) return /^assessment failed/.test(error) ? "assessment failed: unparseable answer" : "unparseable answer";
  const clipped = error.replace(/\s+/g, " ").trim();
  return clipped.length > 160 ? clipped.slice(0, 159) + "…" : clipped;
}

/** The run was stopped by a fatal LM error: the signal's reason, carrying the role, model and error. */
export class FatalLMStop extends Error {
  constructor(
    readonly role: string,
    readonly model: string,
    readonly error: unknown,
  ) {
    super(`${role} ${model}: ${error instanceof Error ? error.message : String(error)}`);
    this.name = "FatalLMStop";
  }
}

/**
 * The run failed (a fatal LM error, after which nothing else was tried). `message` is the outcome
 * message (the provider's words, the knob, the resume command); the console story has printed it
 * already (`reported`), so the CLI sets the exit code without printing it again.
 */
export class RunFailedError extends UserError {
  readonly reported = true;
  constructor(
    message: string,
    /** The run record written for the failed run (`_info.json`), when one could be written. */
    readonly infoPath: string | null,
    /** The failure rows at the stop. */
    readonly failures: RoleFailures[],
  ) {
    super(message, EXIT_CODES.failed);
    this.name = "RunFailedError";
  }
}

/** Counts calls and failures per role and model, and stops the run on the first fatal error. */
export class FailureLedger {
  private readonly rows = new Map<string, RoleFailures>();
  private readonly stop = new AbortController();

  /** @param outer the caller's signal (Ctrl-C); the ledger's {@link signal} follows it. */
  constructor(private readonly outer?: AbortSignal) {}

  /** Aborted by the caller or by the first fatal LM error (its reason then a {@link FatalLMStop}). */
  get signal(): AbortSignal {
    return this.outer ? AbortSignal.any([this.outer, this.stop.signal]) : this.stop.signal;
  }

  /** The fatal stop, if one happened. */
  get fatal(): FatalLMStop | null {
    return this.stop.signal.aborted ? (this.stop.signal.reason as FatalLMStop) : null;
  }

  private row(role: string, model: string): RoleFailures {
    const k = `${role}\u0000${model}`;
    let r = this.rows.get(k);
    if (!r) this.rows.set(k, (r = { role, model, calls: 0, failed: 0, reasons: {} }));
    return r;
  }

  /**
   * The same LM with every call counted for `role`. A Proxy, so that the LM keeps its class (the
   * optimizers look at `instanceof ManagedLM`) and every other property; only `chat` is observed.
   * After a fatal stop, calls fail at once with the stop's reason and are not counted.
   */
  observe<T extends LM>(lm: T, role: string): T {
    const ledger = this;
    const chat: LM["chat"] = async (messages, options) => {
      if (ledger.stop.signal.aborted) throw ledger.stop.signal.reason;
      const r = ledger.row(options?.role ?? role, lm.model);
      r.calls++;
      try {
        return await lm.chat(messages, options);
      } catch (e) {
        if (ledger.stop.signal.aborted || ledger.outer?.aborted || options?.signal?.aborted) {
          r.calls--; // cancelled, not failed
          throw e;
        }
        r.failed++;
        const reason = reasonOf(e, lm.model);
        r.reasons[reason] = (r.reasons[reason] ?? 0) + 1;
        if (isRunStoppingError(e)) ledger.stop.abort(new FatalLMStop(r.role, lm.model, e));
        throw e;
      }
    };
    return new Proxy(lm, {
      get(target, prop, receiver) {
        if (prop === "chat") return chat;
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }

  /** Counts the test examples of an evaluation: those with verdict `error` failed, by reason. */
  recordEvaluation(model: string, examples: readonly EvaluatedExample[]): void {
    const r = this.row("evaluation", model);
    for (const e of examples) {
      r.calls++;
      if (e.verdict !== "error") continue;
      r.failed++;
      const reason = exampleReason(e.error ?? "unknown error");
      r.reasons[reason] = (r.reasons[reason] ?? 0) + 1;
    }
  }

  /** Every row (roles in the order first used), copies. */
  failures(): RoleFailures[] {
    return [...this.rows.values()].map((r) => ({ ...r, reasons: { ...r.reasons } }));
  }

  /** The rows whose failed share exceeds {@link FAILURE_SHARE_LIMIT}. */
  overLimit(): RoleFailures[] {
    return this.failures().filter((r) => r.calls > 0 && r.failed / r.calls > FAILURE_SHARE_LIMIT);
  }
}

/** The closing table: role, model, calls, failed (with the share), and the reasons counted. */
export function failureTable(rows: readonly RoleFailures[]): string {
  return table(
    ["role", "model", "calls", "failed", "reasons"],
    rows.map((r) => [
      r.role,
      r.model,
      r.calls,
      `${r.failed} (${r.calls ? Math.round((100 * r.failed) / r.calls) : 0}%)`,
      Object.entries(r.reasons)
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${n}× ${k}`)
        .join("; ") || "-",
    ]),
  );
}

/** The message of a degraded run: which roles failed beyond the stated share. */
export function degradedMessage(over: readonly RoleFailures[]): string {
  const parts = over.map((r) => `${r.failed} of ${r.calls} ${r.role === "evaluation" ? "test examples could not be scored" : `${r.role} calls failed`} (${r.model})`);
  return `${parts.join("; ")} — more than ${Math.round(FAILURE_SHARE_LIMIT * 100)}% after retries, so the scores are not trustworthy. The reasons are in the table above.`;
}

/** The message of a failed run: what failed in the provider's words, the knob, and how to resume. */
export function failedMessage(stop: FatalLMStop, resumeCommand: string | null): string {
  const e = stop.error;
  let words = e instanceof Error ? e.message : String(e);
  if (words.startsWith(`${stop.model}: `)) words = words.slice(stop.model.length + 2);
  words = words.replace(/[.\s]+$/, "");
  return (
    `the ${stop.role} model ${stop.model} cannot be used: ${words}. ` +
    `To fix: ${fixFor(e, stop.role, stop.model)}` +
    (resumeCommand ? `; then continue with: ${resumeCommand}` : "") +
    "."
  );
}

/** The console's last line for an outcome. */
export function outcomeLine(status: RunStatus, message: string): string {
  switch (status) {
    case "completed":
      return `✅ Run completed${message ? `: ${message}` : ""}`;
    case "degraded":
      return `⚠️ Run degraded: ${message}`;
    case "failed":
      return `❌ Run failed: ${message}`;
    case "stopped":
      return `⏹️ Run stopped: ${message}`;
  }
}
