/**
 * Usage and cost: calls, cached calls, tokens and dollars, per role and per model. A cache hit is a
 * call that cost nothing: it counts in `calls` and `cachedCalls` but adds no tokens and no cost.
 * The pipeline reads `snapshot()` for its report and its `_info.json`.
 */
import type { LMRole, Usage } from "./types.js";
import type { PriceTable } from "./prices.js";
import { DEFAULT_PRICES, costOf } from "./prices.js";

/** Calls (cached and failed among them), tokens and dollars, summed. */
export interface UsageTotals {
  calls: number;
  cachedCalls: number;
  /** Calls that ended in an error (after retries). */
  failedCalls: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

/**
 * A {@link UsageTracker}'s totals: overall, per role, per model, per role and model, and the models
 * without a price.
 */
export interface UsageSnapshot {
  total: UsageTotals;
  byRole: Record<string, UsageTotals>;
  byModel: Record<string, UsageTotals>;
  /** `byRoleAndModel[role][model]`. */
  byRoleAndModel: Record<string, Record<string, UsageTotals>>;
  /** Models called that have no price (their cost counts as 0). */
  unpricedModels: string[];
}

/** One call as reported to a {@link UsageTracker}. */
export interface UsageEvent {
  model: string;
  role?: LMRole;
  usage: Usage;
  cached: boolean;
  failed?: boolean;
}

function zero(): UsageTotals {
  return { calls: 0, cachedCalls: 0, failedCalls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };
}

/** Role of a call made without one. */
export const UNSPECIFIED_ROLE = "unspecified";

/**
 * Counts calls, tokens and cost per role and model for the LMs that report to it; `snapshot()` reads them.
 */
export class UsageTracker {
  private readonly prices: PriceTable;
  private readonly table = new Map<string, Map<string, UsageTotals>>();
  private readonly unpriced = new Set<string>();

  /** `prices` are merged over the default table. */
  constructor(options: { prices?: PriceTable } = {}) {
    this.prices = { ...DEFAULT_PRICES, ...(options.prices ?? {}) };
  }

  record(e: UsageEvent): void {
    const role = e.role ?? UNSPECIFIED_ROLE;
    let byModel = this.table.get(role);
    if (!byModel) this.table.set(role, (byModel = new Map()));
    let t = byModel.get(e.model);
    if (!t) byModel.set(e.model, (t = zero()));
    t.calls++;
    if (e.failed) {
      t.failedCalls++;
      return;
    }
    if (e.cached) {
      t.cachedCalls++;
      return;
    }
    t.promptTokens += e.usage.promptTokens;
    t.completionTokens += e.usage.completionTokens;
    const cost = costOf(e.model, e.usage.promptTokens, e.usage.completionTokens, this.prices);
    if (cost === undefined) this.unpriced.add(e.model);
    else t.costUsd += cost;
  }

  snapshot(): UsageSnapshot {
    const total = zero();
    const byRole: Record<string, UsageTotals> = {};
    const byModel: Record<string, UsageTotals> = {};
    const byRoleAndModel: Record<string, Record<string, UsageTotals>> = {};
    for (const [role, models] of this.table) {
      for (const [model, t] of models) {
        add((byRole[role] ??= zero()), t);
        add((byModel[model] ??= zero()), t);
        add(total, t);
        (byRoleAndModel[role] ??= {})[model] = { ...t };
      }
    }
    for (const t of [total, ...Object.values(byRole), ...Object.values(byModel)]) t.costUsd = roundUsd(t.costUsd);
    return { total, byRole, byModel, byRoleAndModel, unpricedModels: [...this.unpriced].sort() };
  }

  reset(): void {
    this.table.clear();
    this.unpriced.clear();
  }
}

function add(into: UsageTotals, t: UsageTotals): void {
  into.calls += t.calls;
  into.cachedCalls += t.cachedCalls;
  into.failedCalls += t.failedCalls;
  into.promptTokens += t.promptTokens;
  into.completionTokens += t.completionTokens;
  into.costUsd += t.costUsd;
}

function roundUsd(x: number): number {
  return Math.round(x * 1e8) / 1e8;
}

