/** Console output of a run: the header, the evaluation report, the LM usage table, the batch summary. */
import type { UsageSnapshot, UsageTotals } from "../lm/index.js";
import { aiReasonableShare, type RoleUsage, type ScoreSummary } from "./run-info.js";
import type { EvaluationReport } from "./evaluate.js";
import { actionPhrase } from "../agent/actions.js";

/** A plain text table; numbers right-aligned. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => String(c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === "number" || /^[-$\d.,%]+$/.test(String(r[i]))));
  const line = (r: string[]) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(cells[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

export function roleUsage(totals: UsageTotals, models: string[]): RoleUsage {
  return {
    calls: totals.calls,
    cached_calls: totals.cachedCalls,
    prompt_tokens: totals.promptTokens,
    completion_tokens: totals.completionTokens,
    cost_usd: totals.costUsd,
    models,
  };
}

/** Usage per role for the run record. */
export function usageRecord(snap: UsageSnapshot): { by_role: Record<string, RoleUsage>; total: RoleUsage } {
  const by_role: Record<string, RoleUsage> = {};
  for (const [role, t] of Object.entries(snap.byRole)) by_role[role] = roleUsage(t, Object.keys(snap.byRoleAndModel[role] ?? {}).sort());
  return { by_role, total: roleUsage(snap.total, Object.keys(snap.byModel).sort()) };
}

const ROLE_ORDER = ["teacher", "proposer", "student", "assessor"];

/** The closing table of LM calls, tokens and cost per role. */
export function usageTable(snap: UsageSnapshot): string {
  const roles = Object.keys(snap.byRole).sort((a, b) => (ROLE_ORDER.indexOf(a) + 1 || 99) - (ROLE_ORDER.indexOf(b) + 1 || 99));
  const rows = roles.map((role) => {
    const t = snap.byRole[role]!;
    return [role, Object.keys(snap.byRoleAndModel[role] ?? {}).join(", "), t.calls, t.cachedCalls, t.failedCalls, t.promptTokens, t.completionTokens, `$${t.costUsd.toFixed(4)}`];
  });
  const t = snap.total;
  rows.push(["total", "", t.calls, t.cachedCalls, t.failedCalls, t.promptTokens, t.completionTokens, `$${t.costUsd.toFixed(4)}`]);
  let out = table(["role", "model", "calls", "cached", "failed", "prompt tok", "completion tok", "cost"], rows);
  if (snap.unpricedModels.length) out += `\n(no price known for ${snap.unpricedModels.join(", ")}: counted as $0)`;
  return out;
}

function rate(k: number, n: number): string {
  return `${(n ? k / n : 0).toFixed(3)} (${k}/${n})`;
}

/** The evaluation report lines (the original's, with optimal alternatives and categories added). */
export function evaluationLines(r: EvaluationReport, hint: "action" | "subgoal"): string[] {
  const assessed = aiReasonableShare(r);
  const lines = [
    `📈 Evaluation Accuracy: ${r.accuracy.toFixed(3)} (mean score over ${r.n} examples)`,
    `  🎯 Exact Matches: ${rate(r.exact, r.n)}`,
    `  ✅ Optimal Alternatives: ${rate(r.optimal_alternatives, r.n)}`,
    `  🤖 AI-Assessed Reasonable: ${rate(assessed.count, assessed.of)}`,
    `  ❌ Wrong: ${r.wrong}   ⚠️ Errors: ${r.errors}`,
  ];
  const cats = Object.entries(r.per_category);
  if (cats.length) {
    lines.push("  Per category:");
    const rows = cats.map(([k, s]: [string, ScoreSummary]) => [hint === "action" && /^\d$/.test(k) ? `${k} ${actionPhrase(Number(k))}` : k, s.n, s.accuracy.toFixed(3), s.exact, s.optimal_alternatives, s.ai_reasonable, s.wrong, s.errors]);
    lines.push(...table(["category", "n", "accuracy", "exact", "optimal", "reasonable", "wrong", "errors"], rows).split("\n").map((l) => "    " + l));
  }
  return lines;
}
