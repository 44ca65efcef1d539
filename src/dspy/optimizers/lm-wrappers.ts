/**
 * LMs wrapped for optimizers: a fresh rollout (DSPy's `lm.copy(rollout_id=…, temperature=…)`) and a
 * meter that counts every call, its tokens and its cost, and enforces a budget.
 *
 * Both wrappers delegate `chat` to the LM they wrap and keep its `model`, `provider`,
 * `supportsStructuredOutput` (and `supportsResponseFormat`) and `dumpState`, so a program saved with a wrapped LM saves the
 * wrapped LM. {@link unwrapLM} returns the original.
 */
import type { ChatMessage, ChatOptions, ChatResult, LM, LMRole } from "../../lm/types.js";
import { DEFAULT_PRICES, type PriceTable } from "../../lm/prices.js";
import { UsageTracker, type UsageTotals } from "../../lm/usage.js";
import type { ResponseFormatCapability } from "../adapters/json.js";
import { type LMState, dumpLMState } from "../state.js";

/** What the optimizer may spend: LM calls, dollars, or both (whichever runs out first). */
export interface Budget {
  /** Most LM calls (cached ones included: each is a call the optimizer made). */
  maxCalls?: number;
  /** Most US dollars, priced with `prices` (cache hits and local models cost nothing). */
  maxCostUsd?: number;
}

/** The budget ran out; the optimizer stops and returns the best program so far. */
export class BudgetExceededError extends Error {
  constructor(
    readonly budget: Budget,
    readonly spent: MeterTotals,
  ) {
    const what =
      budget.maxCalls !== undefined && spent.calls >= budget.maxCalls
        ? `${spent.calls} of ${budget.maxCalls} LM calls`
        : `$${spent.costUsd.toFixed(4)} of $${budget.maxCostUsd}`;
    super(`optimization budget used up (${what})`);
    this.name = "BudgetExceededError";
  }
}

/** Counts of what went through a meter: the LM layer's usage totals (`calls` counted when a call starts), and per role. */
export interface MeterTotals extends UsageTotals {
  /** Per role (`task`, `prompt`, `teacher`, …) as the optimizer labels its LMs. */
  byRole: Record<string, { calls: number; costUsd: number }>;
}

export function emptyTotals(): MeterTotals {
  return { calls: 0, cachedCalls: 0, failedCalls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0, byRole: {} };
}

/**
 * A shared counter for every LM an optimizer calls. With a budget, a call that would go over it is
 * refused with {@link BudgetExceededError}, and `signal` aborts so evaluations in flight stop.
 *
 * A call counts when it starts, so concurrent calls never exceed `maxCalls`. Its cost is known only
 * when it ends: a call may start while the dollars spent plus the calls in flight (at the average
 * cost per call so far) stay below `maxCostUsd`, so a cost budget is overshot by at most the calls
 * in flight when it runs out, each a typical call.
 */
export class Meter {
  /** What finished calls used (tokens, dollars, cached and failed calls): the LM layer's meter. */
  private usage: UsageTracker;
  /** Totals carried over from before (a resumed run's checkpoint). */
  private base: MeterTotals = emptyTotals();
  /** Calls admitted since `base`, overall and per label (a call counts when it starts). */
  private admitted = { calls: 0, byRole: {} as Record<string, number> };
  private inFlight = 0;
  private readonly controller = new AbortController();

  constructor(
    readonly budget: Budget = {},
    private readonly prices: Readonly<PriceTable> = DEFAULT_PRICES,
  ) {
    this.usage = new UsageTracker({ prices: { ...prices } });
  }

  /** Everything counted so far (the carried-over totals included). */
  get totals(): MeterTotals {
    const snap = this.usage.snapshot();
    const b = this.base;
    const byRole: MeterTotals["byRole"] = {};
    for (const [role, t] of Object.entries(b.byRole)) byRole[role] = { ...t };
    for (const [role, calls] of Object.entries(this.admitted.byRole)) (byRole[role] ??= { calls: 0, costUsd: 0 }).calls += calls;
    for (const [role, t] of Object.entries(snap.byRole)) (byRole[role] ??= { calls: 0, costUsd: 0 }).costUsd += t.costUsd;
    return {
      calls: b.calls + this.admitted.calls,
      cachedCalls: b.cachedCalls + snap.total.cachedCalls,
      failedCalls: b.failedCalls + snap.total.failedCalls,
      promptTokens: b.promptTokens + snap.total.promptTokens,
      completionTokens: b.completionTokens + snap.total.completionTokens,
      costUsd: b.costUsd + snap.total.costUsd,
      byRole,
    };
  }

  /** Starts counting from `totals` (a resumed run's). */
  set totals(totals: MeterTotals) {
    this.base = structuredClone(totals);
    this.admitted = { calls: 0, byRole: {} };
    this.usage = new UsageTracker({ prices: { ...this.prices } });
  }

  /** Aborted (with a BudgetExceededError) once the budget has run out. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Whether `extraCalls` more calls fit in the budget. */
  hasRoom(extraCalls = 1): boolean {
    const b = this.budget;
    if (b.maxCalls === undefined && b.maxCostUsd === undefined) return true;
    const t = this.totals;
    if (b.maxCalls !== undefined && t.calls + extraCalls > b.maxCalls) return false;
    if (b.maxCostUsd !== undefined) {
      // The average cost of a finished, priced call so far stands for the calls in flight.
      const finished = t.calls - this.inFlight;
      const costPerCall = finished > 0 ? t.costUsd / finished : 0;
      if (t.costUsd + (this.inFlight + extraCalls - 1) * costPerCall >= b.maxCostUsd) return false;
    }
    return true;
  }

  /** Counts a call that is starting, or throws (and aborts `signal`) when it does not fit. */
  admit(label: string): void {
    if (this.controller.signal.aborted) throw this.controller.signal.reason;
    if (!this.hasRoom(1)) {
      const error = new BudgetExceededError(this.budget, this.totals);
      this.controller.abort(error);
      throw error;
    }
    this.admitted.calls++;
    this.admitted.byRole[label] = (this.admitted.byRole[label] ?? 0) + 1;
    this.inFlight++;
  }

  /** Records how an admitted call ended (`undefined`: it failed). */
  record(label: string, model: string, result: ChatResult | undefined): void {
    this.inFlight--;
    this.usage.record({
      model,
      role: label,
      usage: result?.usage ?? { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
      cached: result?.cached ?? false,
      failed: result === undefined,
    });
  }

  /** An LM that reports to this meter under `label`. Wrapping a metered LM again re-labels it. */
  wrap(lm: LM, label: string): MeteredLM {
    return new MeteredLM(lm instanceof MeteredLM ? lm.inner : lm, this, label);
  }
}

/** Marks wrappers so {@link unwrapLM} can find the original. */
interface WrappedLM extends LM {
  readonly inner: LM;
}

function isWrapped(lm: LM): lm is WrappedLM {
  return lm instanceof MeteredLM || lm instanceof DefaultsLM;
}

/** The LM under any optimizer wrappers. */
export function unwrapLM(lm: LM): LM {
  let cur = lm;
  while (isWrapped(cur)) cur = cur.inner;
  return cur;
}

abstract class DelegatingLM implements LM {
  constructor(readonly inner: LM) {}
  get model(): string {
    return this.inner.model;
  }
  get provider(): string {
    return this.inner.provider;
  }
  get supportsStructuredOutput(): boolean {
    return this.inner.supportsStructuredOutput;
  }
  /** JSONAdapter's optional capability (./adapters/json.ts), passed through. */
  get supportsResponseFormat(): boolean | undefined {
    return (this.inner as LM & ResponseFormatCapability).supportsResponseFormat;
  }
  /** Saves as the wrapped LM saves. */
  dumpState(): LMState {
    return dumpLMState(this.inner);
  }
  abstract chat(messages: ChatMessage[], options?: ChatOptions): Promise<ChatResult>;
}

/** Counts each call on a {@link Meter} and refuses calls beyond its budget. */
export class MeteredLM extends DelegatingLM {
  constructor(
    inner: LM,
    readonly meter: Meter,
    readonly label: string,
  ) {
    super(inner);
  }

  async chat(messages: ChatMessage[], options: ChatOptions = {}): Promise<ChatResult> {
    this.meter.admit(this.label);
    let result: ChatResult | undefined;
    try {
      result = await this.inner.chat(messages, options);
      return result;
    } finally {
      this.meter.record(this.label, this.inner.model, result);
    }
  }
}

/**
 * Sends fixed options with every call unless the call sets them itself — DSPy's `lm.copy(**kwargs)`,
 * whose kwargs lose to per-call ones. Used for fresh rollouts: `{rolloutId, temperature}`.
 */
export class DefaultsLM extends DelegatingLM {
  constructor(
    inner: LM,
    readonly defaults: Pick<ChatOptions, "temperature" | "rolloutId" | "maxTokens"> & { role?: LMRole },
  ) {
    super(inner);
  }

  chat(messages: ChatMessage[], options: ChatOptions = {}): Promise<ChatResult> {
    const merged: ChatOptions = { ...this.defaults };
    for (const [k, v] of Object.entries(options)) if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
    return this.inner.chat(messages, merged);
  }
}

/** DSPy's `lm.copy(rollout_id=id, temperature=t)`: the same LM, sampling afresh past the cache. */
export function rolloutLM(lm: LM, rolloutId: number | string, temperature: number): LM {
  if (lm instanceof MeteredLM) return new MeteredLM(new DefaultsLM(lm.inner, { rolloutId, temperature }), lm.meter, lm.label);
  return new DefaultsLM(lm, { rolloutId, temperature });
}
