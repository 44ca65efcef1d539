/** Small shared pieces: cards, pager, badges, action chips, loading and error states. */
import type { ComponentChildren } from "preact";
import { ACTION_COLORS, ACTION_PHRASES, VERDICT_COLORS, actionName } from "../format";

export function Card(p: { title?: ComponentChildren; actions?: ComponentChildren; children: ComponentChildren; class?: string; testId?: string }) {
  return (
    <section class={`card ${p.class ?? ""}`} data-testid={p.testId}>
      {(p.title || p.actions) && (
        <header class="card-head">
          {p.title && <h2>{p.title}</h2>}
          {p.actions && <div class="card-actions">{p.actions}</div>}
        </header>
      )}
      {p.children}
    </section>
  );
}

export function ErrorBox(p: { error: string }) {
  return (
    <div class="error-box" role="alert">
      {p.error}
    </div>
  );
}

export function Loading(p: { what?: string }) {
  return <div class="loading">Loading{p.what ? ` ${p.what}` : ""}…</div>;
}

export function Empty(p: { children: ComponentChildren }) {
  return <div class="empty">{p.children}</div>;
}

export function Pager(p: { total: number; offset: number; limit: number; onOffset: (o: number) => void; what: string }) {
  const last = Math.max(0, Math.ceil(p.total / p.limit) - 1);
  const page = Math.floor(p.offset / p.limit);
  if (p.total <= p.limit) return <div class="pager muted">{p.total.toLocaleString("en-US")} {p.what}</div>;
  return (
    <div class="pager" data-testid="pager">
      <button class="btn small" disabled={page === 0} onClick={() => p.onOffset(0)} aria-label="first page">
        «
      </button>
      <button class="btn small" disabled={page === 0} onClick={() => p.onOffset((page - 1) * p.limit)} aria-label="previous page">
        ‹
      </button>
      <span class="pager-text">
        {(p.offset + 1).toLocaleString("en-US")}–{Math.min(p.total, p.offset + p.limit).toLocaleString("en-US")} of {p.total.toLocaleString("en-US")} {p.what}
      </span>
      <button class="btn small" disabled={page >= last} onClick={() => p.onOffset((page + 1) * p.limit)} aria-label="next page">
        ›
      </button>
      <button class="btn small" disabled={page >= last} onClick={() => p.onOffset(last * p.limit)} aria-label="last page">
        »
      </button>
    </div>
  );
}

export function VerdictBadge(p: { verdict: string }) {
  return (
    <span class="badge verdict" data-verdict={p.verdict} style={{ background: VERDICT_COLORS[p.verdict] ?? "#888" }}>
      {p.verdict}
    </span>
  );
}

/** A run's outcome: green only for "completed"; degraded amber, failed red, stopped and anything else grey. */
export function StatusBadge(p: { status: string | null | undefined; title?: string }) {
  const status = p.status ?? "unknown";
  return (
    <span class={`badge status status-${STATUS_CLASSES.includes(status) ? status : "other"}`} data-testid="run-status" data-status={status} title={p.title}>
      {status === "degraded" || status === "failed" ? "⚠ " : ""}
      {status}
    </span>
  );
}
const STATUS_CLASSES = ["completed", "degraded", "failed", "stopped"];

/** One action as a coloured chip; `phrase` shows the LLM's phrase ("move forward"). */
export function ActionChip(p: { action: number | null; phrase?: boolean; dim?: boolean; outline?: boolean; title?: string }) {
  const a = p.action;
  const color = a === null ? ACTION_COLORS[7]! : ACTION_COLORS[a] ?? "#888";
  const text = a === null ? "unparsed" : p.phrase ? ACTION_PHRASES[a] ?? actionName(a) : actionName(a);
  return (
    <span
      class={`chip ${p.dim ? "dim" : ""} ${p.outline ? "outline" : ""}`}
      style={p.dim ? undefined : { background: color, borderColor: color }}
      data-action={a ?? "none"}
      title={p.title}
    >
      {text}
    </span>
  );
}

/** The seven actions, the optimal ones filled, the ground truth outlined. */
export function OptimalSet(p: { optimal: number[]; groundTruth?: number; exact?: boolean }) {
  return (
    <div class="chips" data-testid="optimal-set">
      {[0, 1, 2, 3, 4, 5, 6].map((a) => (
        <ActionChip key={a} action={a} dim={!p.optimal.includes(a)} outline={p.groundTruth === a} title={p.optimal.includes(a) ? "optimal" : "not optimal"} />
      ))}
      {p.exact === false && <span class="muted small"> (approximate)</span>}
    </div>
  );
}

export function Stat(p: { label: string; value: ComponentChildren; sub?: ComponentChildren; color?: string; testId?: string }) {
  return (
    <div class="stat" data-testid={p.testId}>
      <div class="stat-value" style={p.color ? { color: p.color } : undefined}>
        {p.value}
      </div>
      <div class="stat-label">{p.label}</div>
      {p.sub && <div class="stat-sub">{p.sub}</div>}
    </div>
  );
}
