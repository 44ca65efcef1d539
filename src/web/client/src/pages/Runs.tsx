/** Runs: every `_info.json` under --runs as a sortable, searchable table; pick two to compare. */
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import type { Page, RunRow, RunSortKey } from "../api";
import { qs } from "../api";
import { Card, Empty, ErrorBox, Loading, Pager, StatusBadge } from "../components/ui";
import { aiReasonableShare } from "../../../../pipeline/run-info";
import { date, int, pct, usd } from "../format";
import { useApi } from "../hooks";
import { href } from "../router";

const PAGE = 50;

interface Col {
  key: RunSortKey;
  label: string;
  num?: boolean;
  cell: (r: RunRow) => ComponentChildren;
  title?: string;
}

/** A model id on one line (never wrapped mid-id); cut with an ellipsis when long, the full id in the tooltip. */
const modelId = (s: string | null) =>
  s === null ? (
    "—"
  ) : (
    <span class="model-id" title={s}>
      {s}
    </span>
  );

const share = (k: number | null, n: number | null) => (k === null ? "—" : n ? `${k} (${pct(k / n, 0)})` : String(k));

/** The AI-assessed count and its share of the answers neither exact nor optimal (as the console report). */
function assessedShare(r: RunRow) {
  if (r.ai_reasonable === null || r.n === null) return "—";
  const s = aiReasonableShare({ n: r.n, exact: r.exact ?? 0, optimal_alternatives: r.optimal_alternatives ?? 0, ai_reasonable: r.ai_reasonable });
  return s.of ? `${s.count}/${s.of} (${pct(s.rate, 0)})` : String(s.count);
}

const COLUMNS: Col[] = [
  {
    key: "status",
    label: "status",
    cell: (r) => <StatusBadge status={r.status} title={[r.outcome_message, r.failed_calls ? `${r.failed_calls} failed LM calls` : null].filter(Boolean).join(" · ") || undefined} />,
  },
  { key: "created_at", label: "date", cell: (r) => date(r.created_at) },
  {
    key: "model_name",
    label: "run",
    cell: (r) => (
      <>
        <a class="strong" href={href("runs", r.id)}>
          {r.id}
        </a>
        {r.error && <div class="error-text">{r.error}</div>}
      </>
    ),
  },
  { key: "student", label: "student", cell: (r) => modelId(r.student) },
  { key: "teacher", label: "teacher", cell: (r) => modelId(r.teacher) },
  { key: "hint", label: "hint", cell: (r) => r.hint ?? "—" },
  // The view only when it is not the default agent view, to keep the column narrow.
  { key: "encoding", label: "encoding", cell: (r) => (r.encoding ? `${r.encoding}${r.view && r.view !== "agent" ? ` · ${r.view} view` : ""}` : "—"), title: "the text encoding (and the view, when the full grid)" },
  {
    key: "accuracy",
    label: "accuracy",
    num: true,
    cell: (r) => (
      <span class="acc">
        <span class="acc-bar" style={{ width: `${Math.round((r.accuracy ?? 0) * 100)}%` }} />
        <span class="acc-text">{pct(r.accuracy)}</span>
      </span>
    ),
  },
  { key: "exact", label: "exact", num: true, cell: (r) => share(r.exact, r.n), title: "predictions equal to the ground-truth action" },
  { key: "optimal_alternatives", label: "optimal alt.", num: true, cell: (r) => share(r.optimal_alternatives, r.n), title: "another action of the optimal set" },
  { key: "ai_reasonable", label: "AI\u2011assessed", num: true, cell: assessedShare, title: "judged reasonable by the assessor (0.5), of the answers neither exact nor optimal" },
  { key: "calls", label: "calls", num: true, cell: (r) => int(r.calls) },
  { key: "cost_usd", label: "cost", num: true, cell: (r) => usd(r.cost_usd) },
];

export function RunList() {
  const [sort, setSort] = useState<RunSortKey>("created_at");
  const [order, setOrder] = useState<"asc" | "desc">("desc");
  const [offset, setOffset] = useState(0);
  const [q, setQ] = useState("");
  const [picked, setPicked] = useState<string[]>([]);
  const { data, error } = useApi<Page<RunRow>>(`/api/runs${qs({ sort, order, offset, limit: PAGE, q })}`);

  const sortBy = (k: RunSortKey) => {
    if (k === sort) setOrder(order === "asc" ? "desc" : "asc");
    else {
      setSort(k);
      setOrder(k === "created_at" || k === "accuracy" || k === "exact" ? "desc" : "asc");
    }
    setOffset(0);
  };
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p.slice(-1), id]));

  return (
    <Card
      title="Runs"
      testId="run-list"
      actions={
        <div class="filters">
          <input
            type="search"
            placeholder="filter: model, status, hint, encoding…"
            value={q}
            onInput={(e) => {
              setQ((e.target as HTMLInputElement).value);
              setOffset(0);
            }}
            aria-label="filter runs"
          />
          <a class={`btn primary ${picked.length === 2 ? "" : "disabled"}`} href={picked.length === 2 ? href("compare", picked[0]!, picked[1]!) : undefined} data-testid="compare-picked">
            Compare {picked.length}/2
          </a>
        </div>
      }
    >
      {error && <ErrorBox error={error} />}
      {!data && !error && <Loading what="runs" />}
      {data && data.total === 0 && (
        <Empty>{q ? "No run matches the filter." : "No runs found: no *_info.json under the runs directory (start the dashboard with --runs DIR)."}</Empty>
      )}
      {data && data.total > 0 && (
        <>
          <div class="table-scroll">
            <table class="table hover runs" data-testid="runs-table">
              <thead>
                <tr>
                  <th class="pick" title="pick two runs to compare">⇄</th>
                  {COLUMNS.map((c) => (
                    <th key={c.key} class={`sortable ${c.num ? "num" : ""} ${sort === c.key ? "sorted" : ""}`} title={c.title} aria-sort={sort === c.key ? (order === "asc" ? "ascending" : "descending") : "none"}>
                      <button onClick={() => sortBy(c.key)} data-sort={c.key}>
                        {c.label}
                        <span class="arrow">{sort === c.key ? (order === "asc" ? "▲" : "▼") : ""}</span>
                      </button>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {data.items.map((r) => (
                  <tr key={r.id} data-run={r.id} data-status={r.status ?? "unknown"} class={`status-${r.status ?? "unknown"}`}>
                    <td class="pick">
                      <input type="checkbox" checked={picked.includes(r.id)} onChange={() => toggle(r.id)} aria-label={`pick ${r.id} to compare`} />
                    </td>
                    {COLUMNS.map((c) => (
                      <td key={c.key} class={c.num ? "num" : ""} data-col={c.key}>
                        {c.cell(r)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager total={data.total} offset={offset} limit={PAGE} onOffset={setOffset} what="runs" />
        </>
      )}
    </Card>
  );
}
