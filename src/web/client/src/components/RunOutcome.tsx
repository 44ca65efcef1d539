/**
 * A run's outcome on the run page: a banner for a degraded, failed or stopped run (warning or error
 * colours, the record's `outcome_message`) and the table of failed LM calls per role. A completed run
 * without failures shows nothing here (its status badge is in the page head).
 */
import { int, pct } from "../format";
import type { Info } from "../runinfo";

const HEADLINES: Record<string, string> = {
  degraded: "Degraded run: some LM calls still failed after retries, beyond the stated share. Failed calls are scored as wrong, so the scores below understate the model.",
  failed: "Failed run: the run stopped on an error. The scores below, if any, are partial.",
  stopped: "Stopped run: the run was interrupted before it finished. The scores below, if any, are partial.",
};

export function RunOutcome(p: { info: Info }) {
  const status = p.info.status ?? null;
  const failures = (p.info.failures ?? []).filter((f) => f && typeof f === "object");
  const message = typeof p.info.outcome_message === "string" ? p.info.outcome_message : null;
  if ((status === "completed" || status === null) && failures.length === 0 && !message) return null;
  const kind = status === "failed" ? "error" : status === "degraded" ? "warning" : status === "completed" ? "info" : "neutral";
  return (
    <section class={`outcome-banner ${kind}`} data-testid="run-outcome" data-status={status ?? "unknown"} role={kind === "error" || kind === "warning" ? "alert" : undefined}>
      <div class="outcome-head">
        <span class="outcome-icon" aria-hidden="true">
          {kind === "error" ? "✗" : kind === "warning" ? "⚠" : "ℹ"}
        </span>
        <div>
          <div class="outcome-title">{status ? (HEADLINES[status] ?? `Run status: ${status}.`) : "This run record names no status."}</div>
          {message && (
            <div class="outcome-message" data-testid="outcome-message">
              {message}
            </div>
          )}
        </div>
      </div>
      {failures.length > 0 && (
        <div class="table-scroll">
          <table class="table compact failures" data-testid="failures-table">
            <thead>
              <tr>
                <th>role</th>
                <th>model</th>
                <th class="num">calls</th>
                <th class="num">failed</th>
                <th>reasons</th>
              </tr>
            </thead>
            <tbody>
              {failures.map((f, i) => {
                const calls = typeof f.calls === "number" ? f.calls : null;
                const failed = typeof f.failed === "number" ? f.failed : null;
                const reasons = Object.entries(f.reasons ?? {}).filter((e): e is [string, number] => typeof e[1] === "number").sort((a, b) => b[1] - a[1]);
                return (
                  <tr key={i} data-role={f.role ?? ""}>
                    <td class="strong">{f.role ?? "—"}</td>
                    <td class="model-col">
                      <span class="model-id" title={f.model}>
                        {f.model ?? "—"}
                      </span>
                    </td>
                    <td class="num">{int(calls)}</td>
                    <td class="num bad">
                      {int(failed)}
                      {calls && failed !== null ? <span class="muted"> ({pct(failed / calls, 0)})</span> : null}
                    </td>
                    <td>
                      {reasons.length === 0
                        ? "—"
                        : reasons.map(([r, n]) => (
                            <span class="tag reason" key={r}>
                              {r} <span class="muted">×{n}</span>
                            </span>
                          ))}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
