/**
 * LM usage over every leg of a resumed run. MIPROv2's checkpoint (`<output-dir>/.checkpoints/…json`)
 * keeps the optimization; beside it, `<checkpoint>.usage.json` keeps the usage of the legs that
 * stopped before the run finished, so that the finished run's record and table count all of them.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import type { UsageSnapshot, UsageTotals } from "../lm/index.js";
import { writeJsonAtomic } from "../util/atomic-write.js";

/** The sidecar file of a checkpoint. */
export function legUsagePath(checkpointPath: string): string {
  return `${checkpointPath}.usage.json`;
}

/** The usage of the earlier legs (none when there is no sidecar or it cannot be read). */
export function readLegUsage(checkpointPath: string): UsageSnapshot[] {
  const p = legUsagePath(checkpointPath);
  if (!existsSync(p)) return [];
  try {
    const v = JSON.parse(readFileSync(p, "utf8")) as { legs?: unknown };
    return Array.isArray(v.legs) ? (v.legs as UsageSnapshot[]) : [];
  } catch {
    return [];
  }
}

/** Adds this leg's usage to the sidecar (atomically), for the leg that will resume. */
export function appendLegUsage(checkpointPath: string, earlier: readonly UsageSnapshot[], leg: UsageSnapshot): void {
  writeJsonAtomic(legUsagePath(checkpointPath), { legs: [...earlier, leg] });
}

/** Removes the sidecar (with the checkpoint, when the run has finished). */
export function removeLegUsage(checkpointPath: string): void {
  rmSync(legUsagePath(checkpointPath), { force: true });
}

function zero(): UsageTotals {
  return { calls: 0, cachedCalls: 0, failedCalls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };
}

function add(into: UsageTotals, t: UsageTotals): UsageTotals {
  into.calls += t.calls;
  into.cachedCalls += t.cachedCalls;
  into.failedCalls += t.failedCalls ?? 0;
  into.promptTokens += t.promptTokens;
  into.completionTokens += t.completionTokens;
  into.costUsd = Math.round((into.costUsd + t.costUsd) * 1e8) / 1e8;
  return into;
}

/** The sum of usage snapshots (per role, per model, per role and model). */
export function mergeUsage(snaps: readonly UsageSnapshot[]): UsageSnapshot {
  const out: UsageSnapshot = { total: zero(), byRole: {}, byModel: {}, byRoleAndModel: {}, unpricedModels: [] };
  const unpriced = new Set<string>();
  for (const s of snaps) {
    add(out.total, s.total);
    for (const [k, t] of Object.entries(s.byRole)) add((out.byRole[k] ??= zero()), t);
    for (const [k, t] of Object.entries(s.byModel)) add((out.byModel[k] ??= zero()), t);
    for (const [role, models] of Object.entries(s.byRoleAndModel)) for (const [m, t] of Object.entries(models)) add(((out.byRoleAndModel[role] ??= {})[m] ??= zero()), t);
    for (const m of s.unpricedModels) unpriced.add(m);
  }
  out.unpricedModels = [...unpriced].sort();
  return out;
}

/** Keeps the sidecar current while a leg runs, so a killed leg's calls still count. */
export interface LegUsageWriter {
  /** Writes the leg's usage now. */
  flush(): void;
  /** Stops the timer (without writing). */
  stop(): void;
}

/**
 * Writes `earlier + current()` to the sidecar every `everyMs` (default 1 s) while it changed: a leg
 * killed outright loses at most that long of its usage. Write errors are ignored (the run matters more).
 */
export function startLegUsageWriter(checkpointPath: string, earlier: readonly UsageSnapshot[], current: () => UsageSnapshot, everyMs = 1000): LegUsageWriter {
  let last = -1;
  const flush = (): void => {
    const snap = current();
    if (snap.total.calls === last) return;
    try {
      appendLegUsage(checkpointPath, earlier, snap);
      last = snap.total.calls;
    } catch {
      /* a full disk: the resumed run's totals will miss this leg */
    }
  };
  const timer = setInterval(flush, everyMs);
  timer.unref();
  return { flush, stop: () => clearInterval(timer) };
}
