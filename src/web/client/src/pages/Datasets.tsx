/** Datasets: the list, and one dataset's counts (charts) and paged episodes. */
import { useState } from "preact/hooks";
import type { DatasetDetail, DatasetSummary, EpisodeSummary, Page } from "../api";
import { qs, seg } from "../api";
import { BarChart } from "../components/Chart";
import { Card, Empty, ErrorBox, Loading, Pager } from "../components/ui";
import { ACTION_COLORS, categoryLabel, date, int } from "../format";
import { useApi } from "../hooks";
import { href } from "../router";

export function DatasetList() {
  const { data, error } = useApi<Page<DatasetSummary>>("/api/datasets?limit=1000");
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading what="datasets" />;
  return (
    <Card title="Datasets" testId="dataset-list">
      {data.items.length === 0 ? (
        <Empty>
          No datasets found. Collect one with <code>gridtune collect</code> and start the dashboard with <code>--datasets DIR</code>.
        </Empty>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>dataset</th>
              <th>created</th>
              <th>envs (episodes)</th>
              <th>categories (ground-truth actions)</th>
              <th class="num">episodes</th>
              <th class="num">steps</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((d) => (
              <tr key={d.id}>
                <td>
                  <a href={href("datasets", d.id)} class="strong">
                    {d.id}
                  </a>
                  {d.error && <div class="error-text">{d.error}</div>}
                </td>
                <td>{date(d.created_at)}</td>
                <td class="envs">
                  {Object.entries(d.per_env).map(([e, c]) => (
                    <span class="tag" key={e}>
                      {e} <span class="muted">{int(c.episodes)}</span>
                    </span>
                  ))}
                </td>
                <td>
                  <CategoryBar counts={d.per_category} />
                </td>
                <td class="num">{int(d.episodes)}</td>
                <td class="num">{int(d.steps)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

/**
 * Steps per category as one stacked bar, coloured by action, with a legend naming every category and
 * its count (a small category's segment is too thin to hold its name).
 */
function CategoryBar(p: { counts: Record<string, number> }) {
  const entries = Object.entries(p.counts).sort((a, b) => Number(a[0]) - Number(b[0]));
  const total = entries.reduce((s, [, v]) => s + v, 0);
  if (total === 0) return <span class="muted">—</span>;
  const name = (k: string) => categoryLabel(k).replace(/^\d+ /, "");
  return (
    <div class="catbar-wrap">
      <div class="catbar" role="img" aria-label={entries.map(([k, v]) => `${categoryLabel(k)} ${v}`).join(", ")}>
        {entries.map(([k, v]) => (
          <span key={k} style={{ flexGrow: v, background: ACTION_COLORS[Number(k)] ?? "#888" }} title={`${categoryLabel(k)}: ${v.toLocaleString("en-US")} steps (${((100 * v) / total).toFixed(0)}%)`}>
            {v / total >= 0.12 ? name(k) : ""}
          </span>
        ))}
      </div>
      <div class="catbar-legend" data-testid="catbar-legend">
        {entries
          .filter(([, v]) => v > 0)
          .map(([k, v]) => (
            <span key={k} data-category={k} title={`${((100 * v) / total).toFixed(1)}% of the steps`}>
              <span class="swatch" style={{ background: ACTION_COLORS[Number(k)] ?? "#888" }} />
              {name(k)} <b>{int(v)}</b>
            </span>
          ))}
      </div>
    </div>
  );
}

const PAGE = 25;

export function DatasetPage(p: { id: string }) {
  const { data, error } = useApi<DatasetDetail>(`/api/datasets/${seg(p.id)}`);
  const [env, setEnv] = useState("");
  const [success, setSuccess] = useState("any");
  const [offset, setOffset] = useState(0);
  const eps = useApi<Page<EpisodeSummary>>(`/api/datasets/${seg(p.id)}/episodes${qs({ offset, limit: PAGE, env, success })}`);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading what="dataset" />;
  const envs = Object.entries(data.per_env).sort((a, b) => a[0].localeCompare(b[0]));
  // All seven actions, so a missing category shows as an empty bar (plus any unexpected keys).
  const cats = [...new Set(["0", "1", "2", "3", "4", "5", "6", ...Object.keys(data.per_category)])]
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => [k, data.per_category[k] ?? 0] as [string, number]);
  const hasCats = Object.keys(data.per_category).length > 0;
  return (
    <div class="stack">
      <div class="page-head">
        <div>
          <div class="crumbs">
            <a href={href("datasets")}>Datasets</a> /
          </div>
          <h1>{data.id}</h1>
          <div class="muted">
            {data.format} · created {date(data.created_at)} · {int(data.episodes)} episodes · {int(data.steps)} steps
          </div>
        </div>
      </div>
      <div class="grid2">
        <Card title="Steps per env" testId="per-env">
          <BarChart
            title="Steps per env"
            labels={envs.map(([e]) => e.replace(/^(MiniGrid|BabyAI)-/, "").replace(/-v\d+$/, ""))}
            series={[{ label: "steps", values: envs.map(([, c]) => c.steps), color: "#7027c3" }]}
            note={(i) => `${envs[i]![1].episodes} episodes`}
            height={Math.max(180, 34 * envs.length + 60)}
            horizontal
            testId="chart-per-env"
          />
          <table class="table compact">
            <thead>
              <tr>
                <th>env</th>
                <th class="num">episodes</th>
                <th class="num">steps</th>
              </tr>
            </thead>
            <tbody>
              {envs.map(([e, c]) => (
                <tr key={e}>
                  <td>{e}</td>
                  <td class="num">{int(c.episodes)}</td>
                  <td class="num">{int(c.steps)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        <Card title="Steps per category (ground-truth action)" testId="per-category">
          {!hasCats ? (
            <Empty>No category counts.</Empty>
          ) : (
            <BarChart
              title="Steps per category"
              labels={cats.map(([k]) => categoryLabel(k))}
              series={[{ label: "steps", values: cats.map(([, v]) => v), color: cats.map(([k]) => ACTION_COLORS[Number(k)] ?? "#888") }]}
              height={300}
              testId="chart-per-category"
            />
          )}
        </Card>
      </div>
      <Card
        title="Episodes"
        testId="episodes"
        actions={
          <div class="filters">
            <select
              aria-label="env"
              value={env}
              onChange={(e) => {
                setEnv((e.target as HTMLSelectElement).value);
                setOffset(0);
              }}
            >
              <option value="">all envs</option>
              {envs.map(([e]) => (
                <option key={e} value={e}>
                  {e}
                </option>
              ))}
            </select>
            <select
              aria-label="outcome"
              value={success}
              onChange={(e) => {
                setSuccess((e.target as HTMLSelectElement).value);
                setOffset(0);
              }}
            >
              <option value="any">any outcome</option>
              <option value="true">successes</option>
              <option value="false">failures</option>
            </select>
          </div>
        }
      >
        {eps.error && <ErrorBox error={eps.error} />}
        {eps.data && (
          <>
            <table class="table hover">
              <thead>
                <tr>
                  <th class="num">#</th>
                  <th>env</th>
                  <th class="num">seed</th>
                  <th class="num">episode</th>
                  <th class="num">steps</th>
                  <th>outcome</th>
                  <th class="num">return</th>
                </tr>
              </thead>
              <tbody>
                {eps.data.items.map((e) => (
                  <tr key={e.index} class="clickable" onClick={() => (location.hash = href("datasets", p.id, "episodes", e.index))}>
                    <td class="num muted">{e.index}</td>
                    <td>
                      <a href={href("datasets", p.id, "episodes", e.index)}>{e.env_id}</a>
                    </td>
                    <td class="num">{e.seed}</td>
                    <td class="num">{e.episode}</td>
                    <td class="num">{e.length}</td>
                    <td>{e.success ? <span class="ok">✓ success</span> : <span class="bad">✗ failed</span>}</td>
                    <td class="num">{e.return.toFixed(3)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager total={eps.data.total} offset={offset} limit={PAGE} onOffset={setOffset} what="episodes" />
          </>
        )}
      </Card>
    </div>
  );
}
