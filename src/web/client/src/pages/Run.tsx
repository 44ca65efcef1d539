/** A run: scores, accuracy per category, confusion matrix, LM usage per role, the optimized program and every evaluated example. */
import { Fragment } from "preact";
import { useState } from "preact/hooks";
import type { ExampleView, Page, RunDetail, RunRow } from "../api";
import { qs, seg } from "../api";
import { BarChart } from "../components/Chart";
import { Confusion } from "../components/Confusion";
import { GepaLineage } from "../components/GepaLineage";
import { RunOutcome } from "../components/RunOutcome";
import { ActionChip, Card, Empty, ErrorBox, Loading, Pager, Stat, StatusBadge, VerdictBadge } from "../components/ui";
import { ACTION_COLORS, VERDICT_COLORS, categoryLabel, date, int, pct, usd } from "../format";
import { useApi } from "../hooks";
import { href } from "../router";
import type { Info, Scores, Usage } from "../runinfo";
import { aiReasonableShare } from "../../../../pipeline/run-info";

export function ScoreStats(p: { results: Scores | undefined }) {
  const r = p.results ?? {};
  const n = r.n ?? 0;
  const share = (k: number | undefined) => (k === undefined ? "—" : n ? `${pct(k / n, 0)} of ${n}` : "");
  // Among the answers neither exact nor optimal (the ones the assessor judged), as the console report says.
  const assessed = r.ai_reasonable === undefined ? null : aiReasonableShare({ n, exact: r.exact ?? 0, optimal_alternatives: r.optimal_alternatives ?? 0, ai_reasonable: r.ai_reasonable });
  return (
    <div class="stats" data-testid="score-stats">
      <Stat label="accuracy" value={pct(r.accuracy)} sub={`${int(n)} examples`} color="#7027c3" testId="stat-accuracy" />
      <Stat label="exact" value={int(r.exact)} sub={share(r.exact)} color={VERDICT_COLORS.exact} />
      <Stat label="optimal alternatives" value={int(r.optimal_alternatives)} sub={share(r.optimal_alternatives)} color={VERDICT_COLORS.optimal} />
      <Stat
        label="AI-assessed reasonable"
        value={int(r.ai_reasonable)}
        sub={assessed ? `${pct(assessed.rate, 0)} of the ${assessed.of} not exact or optimal` : "—"}
        color={VERDICT_COLORS.reasonable}
        testId="stat-ai-reasonable"
      />
      <Stat label="wrong" value={int(r.wrong)} sub={share(r.wrong)} color={VERDICT_COLORS.wrong} />
      <Stat label="errors" value={int(r.errors)} sub={share(r.errors)} color={VERDICT_COLORS.error} />
    </div>
  );
}

export function configFacts(info: Info): [string, string][] {
  const c = info.config ?? {};
  return [
    ["student", c.student_model ?? "—"],
    ["teacher", c.teacher_model ?? "—"],
    ["assessor", c.assessor_model ?? "—"],
    ["hint", c.hint_type ?? "—"],
    ["encoding", `${c.encoding_type ?? "—"} · ${c.view ?? "—"} view`],
    ["metric", c.metric ?? "—"],
    ["optimizer", info.optimization?.optimizer === "GEPA" ? `GEPA ${c.auto ?? ""} · reflective, on the grid's feedback` : `MIPROv2 ${c.auto ?? ""} · ${c.max_bootstrapped_demos ?? "?"} bootstrapped + ${c.max_labeled_demos ?? "?"} labeled demos`],
    ["samples", `${c.samples_per_category ?? "—"} per category · seed ${c.seed ?? "—"}`],
    ["dataset", info.dataset?.path ?? c.dataset_path ?? "—"],
    ["splits", info.dataset?.splits ? `train ${info.dataset.splits.train} · val ${info.dataset.splits.val} · test ${info.dataset.splits.test}` : "—"],
  ];
}

export function CategoryChart(p: { info: Info; compare?: { label: string; info: Info }; label?: string }) {
  const per = p.info.results?.per_category ?? {};
  const other = p.compare?.info.results?.per_category ?? {};
  const keys = [...new Set([...Object.keys(per), ...Object.keys(other)])].sort((a, b) => Number(a) - Number(b));
  if (keys.length === 0) return <Empty>No per-category results.</Empty>;
  const series = [
    {
      label: p.label ?? "accuracy",
      values: keys.map((k) => per[k]?.accuracy ?? null),
      color: p.compare ? "#7027c3" : keys.map((k) => ACTION_COLORS[Number(k)] ?? "#888"),
    },
  ];
  if (p.compare) series.push({ label: p.compare.label, values: keys.map((k) => other[k]?.accuracy ?? null), color: "#d9a800" });
  return (
    <BarChart
      title="Accuracy per category"
      labels={keys.map((k) => [categoryLabel(k), p.compare ? `n = ${per[k]?.n ?? 0} / ${other[k]?.n ?? 0}` : `n = ${per[k]?.n ?? 0}`])}
      series={series}
      yMax={1}
      format={(v) => pct(v, 0)}
      note={(i, s) => `n = ${(s === 0 ? per : other)[keys[i]!]?.n ?? 0}`}
      height={280}
      testId="chart-per-category"
    />
  );
}

export function UsageTable(p: { usage: Info["usage"] }) {
  const roles = Object.entries(p.usage?.by_role ?? {}) as [string, Usage][];
  const total = p.usage?.total;
  if (roles.length === 0) return <Empty>No LM usage recorded.</Empty>;
  const row = (name: string, u: Usage | undefined, cls = "") => (
    <tr key={name} class={cls} data-role={name}>
      <td>
        <div class="strong">{name}</div>
        {cls !== "total" && (
          <div class="models">
            {(u?.models ?? []).filter((m, i, a) => a.indexOf(m) === i).map((m) => (
              <span key={m} class="model-id" title={m}>
                {m}
              </span>
            ))}
            {(u?.models ?? []).length === 0 && "—"}
          </div>
        )}
      </td>
      <td class="num">{int(u?.calls)}</td>
      <td class="num">{int(u?.cached_calls)}</td>
      <td class="num">{int(u?.prompt_tokens)}</td>
      <td class="num">{int(u?.completion_tokens)}</td>
      <td class="num">{usd(u?.cost_usd)}</td>
    </tr>
  );
  return (
    <div class="table-scroll">
      <table class="table" data-testid="usage-table">
        <thead>
          <tr>
            <th>role · models</th>
            <th class="num">calls</th>
            <th class="num">cached</th>
            <th class="num" title="prompt tokens">tokens in</th>
            <th class="num" title="completion tokens">tokens out</th>
            <th class="num">cost</th>
          </tr>
        </thead>
        <tbody>
          {roles.map(([name, u]) => row(name, u))}
          {total && row("total", total, "total")}
        </tbody>
      </table>
    </div>
  );
}

function Program(p: { program: Info["program"] }) {
  const prog = p.program;
  if (!prog) return <Empty>No program recorded.</Empty>;
  const demos = prog.demos ?? [];
  return (
    <div class="program" data-testid="program">
      {prog.error && <ErrorBox error={`saving the program failed: ${prog.error}`} />}
      <h3>Instructions</h3>
      <blockquote class="instructions" data-testid="instructions">
        {prog.instructions || <span class="muted">(none)</span>}
      </blockquote>
      <h3>
        Demos <span class="muted">({demos.length})</span>
      </h3>
      {demos.length === 0 && <Empty>No demos.</Empty>}
      <div class="demos">
        {demos.map((d, i) => (
          <details key={i} class="demo" open={i === 0}>
            <summary>demo {i + 1}</summary>
            <dl class="facts">
              {Object.entries(d ?? {}).map(([k, v]) => (
                <Fragment key={k}>
                  <dt>{k}</dt>
                  <dd>
                    <pre>{typeof v === "string" ? v : JSON.stringify(v, null, 2)}</pre>
                  </dd>
                </Fragment>
              ))}
            </dl>
          </details>
        ))}
      </div>
      {prog.path && (
        <div class="muted small">
          program file: {prog.path} {prog.saved === false && "(not saved)"}
        </div>
      )}
    </div>
  );
}

const EX_PAGE = 10;

function Examples(p: { id: string; detail: RunDetail }) {
  const [filter, setFilter] = useState<"all" | "failures">("all");
  const [verdict, setVerdict] = useState("");
  const [category, setCategory] = useState("");
  const [offset, setOffset] = useState(0);
  const { data, error } = useApi<Page<ExampleView>>(`/api/runs/${seg(p.id)}/examples${qs({ filter, verdict, category, offset, limit: EX_PAGE })}`);
  const reset = () => setOffset(0);
  return (
    <Card
      title={`Evaluated examples`}
      testId="examples"
      actions={
        <div class="filters">
          <div class="seg-control" role="group" aria-label="which examples">
            <button class={filter === "all" ? "active" : ""} onClick={() => (setFilter("all"), reset())} data-testid="filter-all">
              all ({p.detail.examples_total})
            </button>
            <button class={filter === "failures" ? "active" : ""} onClick={() => (setFilter("failures"), reset())} data-testid="filter-failures">
              failures ({p.detail.failures_total})
            </button>
          </div>
          <select aria-label="verdict" value={verdict} onChange={(e) => (setVerdict((e.target as HTMLSelectElement).value), reset())}>
            <option value="">any verdict</option>
            {Object.entries(p.detail.verdicts).map(([v, n]) => (
              <option key={v} value={v}>
                {v} ({n})
              </option>
            ))}
          </select>
          <select aria-label="category" value={category} onChange={(e) => (setCategory((e.target as HTMLSelectElement).value), reset())}>
            <option value="">any category</option>
            {[0, 1, 2, 3, 4, 5, 6].map((a) => (
              <option key={a} value={a}>
                {categoryLabel(String(a))}
              </option>
            ))}
          </select>
        </div>
      }
    >
      {error && <ErrorBox error={error} />}
      {data && data.total === 0 && <Empty>No example matches.</Empty>}
      {data && (
        <div class="examples" data-testid="example-list">
          {data.items.map((e) => (
            <ExampleCard key={e.index} runId={p.id} datasetId={p.detail.dataset_id} e={e} />
          ))}
        </div>
      )}
      {data && <Pager total={data.total} offset={offset} limit={EX_PAGE} onOffset={setOffset} what="examples" />}
    </Card>
  );
}

function ExampleCard(p: { runId: string; datasetId: string | null; e: ExampleView }) {
  const e = p.e;
  const [imgOk, setImgOk] = useState(true);
  return (
    <article class={`example v-${e.verdict}`} data-testid="example" data-verdict={e.verdict}>
      <div class="ex-image">
        {e.renderable && imgOk ? (
          <img src={`/api/runs/${seg(p.runId)}/examples/${e.index}/render.svg?view=agent`} alt={`agent view of ${e.id}`} onError={() => setImgOk(false)} />
        ) : (
          <div class="no-image">no picture: the run's dataset is not under --datasets</div>
        )}
      </div>
      <div class="ex-body">
        <div class="ex-head">
          <VerdictBadge verdict={e.verdict} />
          <span class="ex-id">
            {e.env_id} · seed {e.seed} · episode {e.episode} · step {e.step}
          </span>
          <span class="muted">score {e.score}</span>
          {p.datasetId && e.episode_index !== null && (
            <a class="small" href={`${href("datasets", p.datasetId, "episodes", e.episode_index)}?step=${e.step}`}>
              open in the episode player →
            </a>
          )}
        </div>
        <div class="ex-mission">“{e.mission}”</div>
        <div class="ex-grid">
          <div>
            <div class="label">prediction</div>
            <div class="ex-pred" data-testid="prediction">
              <ActionChip action={e.prediction_action} phrase />
              {e.prediction && e.prediction_action === null && <span class="muted"> “{e.prediction}”</span>}
            </div>
          </div>
          <div>
            <div class="label">ground truth</div>
            <div data-testid="ground-truth">
              <ActionChip action={e.ground_truth_action} phrase />
              {e.ground_truth && !/^(turn left|turn right|move forward|pick up|drop|toggle|done)$/.test(e.ground_truth) && <span class="muted"> {e.ground_truth}</span>}
            </div>
          </div>
          <div>
            <div class="label">optimal set</div>
            <div class="chips">
              {e.optimal_actions.map((a) => (
                <ActionChip key={a} action={a} />
              ))}
            </div>
          </div>
        </div>
        {e.reasoning && (
          <div class="ex-reasoning">
            <div class="label">agent's reasoning</div>
            <p>{e.reasoning}</p>
          </div>
        )}
        {e.assessor_reasoning && (
          <div class="ex-assessor">
            <div class="label">assessor's verdict</div>
            <p>{e.assessor_reasoning}</p>
          </div>
        )}
        {e.error && <div class="error-text">{e.error}</div>}
        <details class="ex-obs">
          <summary>observation text</summary>
          <pre>{e.observation}</pre>
        </details>
      </div>
    </article>
  );
}

export function RunPage(p: { id: string }) {
  const { data, error } = useApi<RunDetail>(`/api/runs/${seg(p.id)}`);
  const others = useApi<Page<RunRow>>(`/api/runs?limit=1000`);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading what="run" />;
  const info = data.info as Info;
  return (
    <div class="stack" data-testid="run-page">
      <div class="page-head">
        <div>
          <div class="crumbs">
            <a href={href("runs")}>Runs</a> /
          </div>
          <h1>
            {info.model_name ?? data.id} <StatusBadge status={info.status ?? null} title={info.outcome_message} />
          </h1>
          <div class="muted">
            {date(info.created_at)} · {info.config?.student_model ?? "?"} taught by {info.config?.teacher_model ?? "?"}
            {data.dataset_id && (
              <>
                {" "}
                · dataset <a href={href("datasets", data.dataset_id)}>{data.dataset_id}</a>
              </>
            )}
          </div>
        </div>
        <div class="head-actions">
          <select
            aria-label="compare with"
            onChange={(e) => {
              const v = (e.target as HTMLSelectElement).value;
              if (v) location.hash = href("compare", p.id, v);
            }}
          >
            <option value="">compare with…</option>
            {(others.data?.items ?? [])
              .filter((r) => r.id !== p.id && !r.error)
              .map((r) => (
                <option key={r.id} value={r.id}>
                  {r.id}
                </option>
              ))}
          </select>
        </div>
      </div>
      <RunOutcome info={info} />
      <ScoreStats results={info.results} />
      <div class="grid2">
        <Card title="Accuracy per category">
          <CategoryChart info={info} />
        </Card>
        <Card title="Confusion matrix">
          <Confusion matrix={(info.results?.confusion as number[][] | undefined) ?? []} />
        </Card>
      </div>
      <div class="grid2">
        <Card title="Configuration">
          <dl class="facts" data-testid="config">
            {configFacts(info).map(([k, v]) => (
              <Fragment key={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </Fragment>
            ))}
          </dl>
        </Card>
        <Card title="LM usage and cost per role">
          <UsageTable usage={info.usage} />
          {info.timings && (
            <div class="muted small timings">
              {Object.entries(info.timings)
                .map(([k, v]) => `${k.replace(/_s$/, "")} ${typeof v === "number" ? v.toFixed(1) : v} s`)
                .join(" · ")}
            </div>
          )}
        </Card>
      </div>
      <Card title="Optimized program">
        <Program program={info.program} />
      </Card>
      {info.optimization?.gepa && (
        <Card title="GEPA candidates (lineage, Pareto front)" testId="gepa-card">
          <GepaLineage lineage={info.optimization.gepa} />
        </Card>
      )}
      <Examples id={p.id} detail={data} />
    </div>
  );
}
