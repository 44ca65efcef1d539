/** The confusion matrix: rows are the ground-truth action, columns the prediction (last: unparsed). */
import { ACTION_NAMES } from "../format";

export function Confusion(p: { matrix: number[][]; testId?: string }) {
  const rows = p.matrix.slice(0, 7);
  const cols = 8;
  const max = Math.max(1, ...rows.flat());
  const rowTotals = rows.map((r) => r.reduce((s, v) => s + v, 0));
  const shownRows = rows.map((r, i) => ({ r, i })).filter(({ i }) => rowTotals[i]! > 0);
  const colUsed = Array.from({ length: cols }, (_, j) => rows.some((r) => (r[j] ?? 0) > 0) || j < 7);
  return (
    <div class="confusion-wrap">
      <div class="confusion-caption muted small">rows: ground-truth action · columns: predicted action · green: right, red: wrong</div>
      <table class="confusion" data-testid={p.testId ?? "confusion"}>
        <thead>
          <tr>
            <th class="corner" aria-label="ground truth \ prediction" />
            {Array.from({ length: cols }, (_, j) => j)
              .filter((j) => colUsed[j])
              .map((j) => (
                <th key={j} scope="col">
                  {j < 7 ? ACTION_NAMES[j] : "unparsed"}
                </th>
              ))}
            <th scope="col">n</th>
          </tr>
        </thead>
        <tbody>
          {shownRows.map(({ r, i }) => (
            <tr key={i}>
              <th scope="row">{ACTION_NAMES[i]}</th>
              {Array.from({ length: cols }, (_, j) => j)
                .filter((j) => colUsed[j])
                .map((j) => {
                  const v = r[j] ?? 0;
                  const t = v / max;
                  const diag = i === j;
                  const bg = v === 0 ? "transparent" : diag ? `rgba(30,158,74,${0.15 + 0.75 * t})` : `rgba(217,58,58,${0.15 + 0.75 * t})`;
                  return (
                    <td key={j} data-cell={`${i},${j}`} class={diag ? "diag" : ""} style={{ background: bg, color: t > 0.55 ? "#fff" : undefined }}>
                      {v || ""}
                    </td>
                  );
                })}
              <td class="muted">{rowTotals[i]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {shownRows.length === 0 && <div class="empty">No confusion data.</div>}
    </div>
  );
}
