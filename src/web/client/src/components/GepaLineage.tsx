/**
 * GEPA's search on the run page: every candidate as a lineage (parent → child, merges with two
 * parents), its validation score, when it was found, whether it is on the Pareto front, and each
 * instruction as a word diff against its first parent's.
 */
import type { Info } from "../runinfo";

type Lineage = NonNullable<NonNullable<Info["optimization"]>["gepa"]>;

type Piece = { kind: "same" | "add" | "del"; text: string };

/** A word-level diff (longest common subsequence over words and the spaces between them). */
export function wordDiff(before: string, after: string): Piece[] {
  const a = before.split(/(\s+)/).filter((t) => t !== "");
  const b = after.split(/(\s+)/).filter((t) => t !== "");
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: Piece[] = [];
  const push = (kind: Piece["kind"], text: string) => {
    const last = out[out.length - 1];
    if (last && last.kind === kind) last.text += text;
    else out.push({ kind, text });
  };
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      push("same", a[i]!);
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) push("del", a[i++]!);
    else push("add", b[j++]!);
  }
  while (i < n) push("del", a[i++]!);
  while (j < m) push("add", b[j++]!);
  return out;
}

const STYLE: Record<Piece["kind"], Record<string, string>> = {
  same: {},
  add: { background: "rgba(46, 160, 67, 0.25)" },
  del: { background: "rgba(248, 81, 73, 0.25)", textDecoration: "line-through" },
};

function Diff(p: { before: string | undefined; after: string }) {
  if (p.before === undefined) return <pre class="small">{p.after}</pre>;
  const pieces = wordDiff(p.before, p.after);
  return (
    <pre class="small" data-testid="gepa-diff">
      {pieces.map((x, k) => (
        <span key={k} style={STYLE[x.kind]} data-diff={x.kind}>
          {x.text}
        </span>
      ))}
    </pre>
  );
}

export function GepaLineage(p: { lineage: Lineage }) {
  const cands = p.lineage.candidates ?? [];
  const front = new Set(p.lineage.pareto_front ?? []);
  const byIdx = new Map(cands.map((c) => [c?.idx, c]));
  return (
    <div class="stack" data-testid="gepa-lineage">
      <div class="muted small">
        {cands.length} candidates · {p.lineage.total_metric_calls ?? "?"} metric calls ({p.lineage.feedback_metric_calls ?? 0} more for feedback) · Pareto front:{" "}
        {[...front].map((i) => `#${i}`).join(", ") || "—"} · best #{p.lineage.best_idx ?? "?"}
      </div>
      {cands.map((c) => {
        if (!c) return null;
        const parents = (c.parents ?? []).filter((x): x is number => typeof x === "number");
        const parent = parents.length ? byIdx.get(parents[0]) : undefined;
        const names = Object.keys(c.instructions ?? {});
        return (
          <div key={c.idx} class="card" data-testid={`gepa-candidate-${c.idx}`}>
            <div class="card-head">
              <strong>
                #{c.idx}
                {c.idx === p.lineage.best_idx ? " ★" : ""}
              </strong>{" "}
              <span class="muted small">
                {parents.length === 0 ? "seed" : parents.length > 1 ? `merge of ${parents.map((x) => `#${x}`).join(" + ")}` : `from #${parents[0]}`} · validation{" "}
                {typeof c.val_score === "number" ? `${(c.val_score * 100).toFixed(1)}%` : "?"} · found after {c.discovered_at_calls ?? "?"} calls
                {front.has(c.idx ?? -1) ? " · on the Pareto front" : ""}
              </span>
            </div>
            {names.map((name) => (
              <div key={name}>
                {names.length > 1 && <div class="muted small">{name}</div>}
                <Diff before={parent?.instructions?.[name]} after={c.instructions?.[name] ?? ""} />
              </div>
            ))}
          </div>
        );
      })}
    </div>
  );
}
