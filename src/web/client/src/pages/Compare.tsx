/** Two runs side by side: scores, configuration differences, accuracy per category, confusion matrices, usage, and the examples they judge differently. */
import { useState } from "preact/hooks";
import type { ExampleView, Page, RunDetail } from "../api";
import { seg } from "../api";
import { Confusion } from "../components/Confusion";
import { RunOutcome } from "../components/RunOutcome";
import { ActionChip, Card, Empty, ErrorBox, Loading, Pager, StatusBadge, VerdictBadge } from "../components/ui";
import { date, pct, usd } from "../format";
import { useApi } from "../hooks";
import { href } from "../router";
import type { Info } from "../runinfo";
import { CategoryChart, ScoreStats, UsageTable, configFacts } from "./Run";

const DIFF_PAGE = 15;

export function ComparePage(p: { a: string; b: string }) {
  const A = useApi<RunDetail>(`/api/runs/${seg(p.a)}`);
  const B = useApi<RunDetail>(`/api/runs/${seg(p.b)}`);
  const exA = useApi<Page<ExampleView>>(`/api/runs/${seg(p.a)}/examples?limit=200`);
  const exB = useApi<Page<ExampleView>>(`/api/runs/${seg(p.b)}/examples?limit=200`);
  const [offset, setOffset] = useState(0);
  if (A.error || B.error) return <ErrorBox error={(A.error ?? B.error)!} />;
  if (!A.data || !B.data) return <Loading what="runs" />;
  const ia = A.data.info as Info;
  const ib = B.data.info as Info;
  const fa = configFacts(ia);
  const fb = configFacts(ib);

  const byId = new Map((exB.data?.items ?? []).map((e) => [e.id, e]));
  const differing = (exA.data?.items ?? []).flatMap((a) => {
    const b = byId.get(a.id);
    return b && (b.verdict !== a.verdict || b.prediction_action !== a.prediction_action) ? [{ a, b }] : [];
  });

  return (
    <div class="stack" data-testid="compare-page">
      <div class="page-head">
        <div>
          <div class="crumbs">
            <a href={href("runs")}>Runs</a> / compare
          </div>
          <h1>
            <a href={href("runs", p.a)} class="run-a">
              {p.a}
            </a>{" "}
            <span class="muted">vs</span>{" "}
            <a href={href("runs", p.b)} class="run-b">
              {p.b}
            </a>
          </h1>
        </div>
        <div class="head-actions">
          <a class="btn" href={href("compare", p.b, p.a)}>
            ⇄ swap
          </a>
        </div>
      </div>
      <div class="grid2 compare-cols">
        {[
          { id: p.a, info: ia, cls: "run-a" },
          { id: p.b, info: ib, cls: "run-b" },
        ].map((r) => (
          <Card
            key={r.id}
            title={
              <>
                <span class={r.cls}>{r.id}</span> <StatusBadge status={r.info.status ?? null} title={r.info.outcome_message} />
              </>
            }
            testId={`compare-${r.cls}`}
          >
            <div class="muted">
              {date(r.info.created_at)} · {pct(r.info.results?.accuracy)} accuracy · {usd(r.info.usage?.total?.cost_usd)}
            </div>
            <RunOutcome info={r.info} />
            <ScoreStats results={r.info.results} />
          </Card>
        ))}
      </div>
      <Card title="Accuracy per category">
        <CategoryChart info={ia} label={p.a} compare={{ label: p.b, info: ib }} />
      </Card>
      <Card title="Configuration">
        <table class="table" data-testid="config-diff">
          <thead>
            <tr>
              <th />
              <th class="run-a">{p.a}</th>
              <th class="run-b">{p.b}</th>
            </tr>
          </thead>
          <tbody>
            {fa.map(([k, v], i) => {
              const w = fb[i]![1];
              return (
                <tr key={k} class={v !== w ? "differs" : ""}>
                  <th scope="row">{k}</th>
                  <td>{v}</td>
                  <td>{w}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Card>
      <div class="grid2">
        <Card title={<span class="run-a">Confusion · {p.a}</span>}>
          <Confusion matrix={(ia.results?.confusion as number[][] | undefined) ?? []} testId="confusion-a" />
        </Card>
        <Card title={<span class="run-b">Confusion · {p.b}</span>}>
          <Confusion matrix={(ib.results?.confusion as number[][] | undefined) ?? []} testId="confusion-b" />
        </Card>
      </div>
      <div class="grid2">
        <Card title={<span class="run-a">LM usage · {p.a}</span>}>
          <UsageTable usage={ia.usage} />
        </Card>
        <Card title={<span class="run-b">LM usage · {p.b}</span>}>
          <UsageTable usage={ib.usage} />
        </Card>
      </div>
      <Card title={`Examples judged differently (${differing.length})`} testId="differing">
        {differing.length === 0 ? (
          <Empty>{exA.data && exB.data ? "Both runs judge their shared examples the same way." : "Loading examples…"}</Empty>
        ) : (
          <>
            <table class="table">
              <thead>
                <tr>
                  <th>example</th>
                  <th>ground truth</th>
                  <th class="run-a">{p.a}</th>
                  <th class="run-b">{p.b}</th>
                </tr>
              </thead>
              <tbody>
                {differing.slice(offset, offset + DIFF_PAGE).map(({ a, b }) => (
                  <tr key={a.id}>
                    <td class="small">{a.id}</td>
                    <td>
                      <ActionChip action={a.ground_truth_action} />
                    </td>
                    <td>
                      <ActionChip action={a.prediction_action} /> <VerdictBadge verdict={a.verdict} />
                    </td>
                    <td>
                      <ActionChip action={b.prediction_action} /> <VerdictBadge verdict={b.verdict} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager total={differing.length} offset={offset} limit={DIFF_PAGE} onOffset={setOffset} what="examples" />
          </>
        )}
        {(exA.data?.total ?? 0) > 200 && <div class="muted small">Compared over the first 200 examples of each run.</div>}
      </Card>
    </div>
  );
}
