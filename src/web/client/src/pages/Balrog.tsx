/**
 * BALROG BabyAI runs (`gridtune evaluate --benchmark balrog-babyai`): the records, one record's
 * progression table (agents side by side, % ± standard error per task and overall) with every
 * episode, and an episode played back step by step — the grid, the text the agent read, its answer.
 * Served by src/web/balrog-runs.ts; not yet mounted in main.tsx (routes `#/balrog`, `#/balrog/<id>`,
 * `#/balrog/<id>/<agent>/<episode>`).
 */
import { useState } from "preact/hooks";
import { seg } from "../api";
import { Card, Empty, ErrorBox, Loading } from "../components/ui";
import { useApi } from "../hooks";
import { href } from "../router";
import type { BalrogFrame, BalrogRecordDetail, BalrogRecordItem } from "../../../balrog-runs";

const fmt = (x: number, se: number) => `${x.toFixed(2)}% ± ${se.toFixed(2)}%`;

export function BalrogRunList() {
  const { data, error } = useApi<BalrogRecordItem[]>("/api/balrog");
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading what="BALROG runs" />;
  if (data.length === 0) return <Empty>No BALROG BabyAI records under the runs directory (gridtune evaluate --benchmark balrog-babyai --out …).</Empty>;
  return (
    <Card title="BALROG BabyAI runs" testId="balrog-runs">
      <table>
        <thead>
          <tr>
            <th>record</th>
            <th>when</th>
            <th>seed</th>
            <th>agents: overall progression</th>
          </tr>
        </thead>
        <tbody>
          {data.map((r) => (
            <tr key={r.id}>
              <td>
                <a href={href("balrog", r.id)}>{r.id}</a>
              </td>
              <td>{r.modified.slice(0, 19).replace("T", " ")}</td>
              <td>{r.seed}</td>
              <td>{r.agents.map((a) => `${a.name}: ${fmt(a.average_progress, a.standard_error)}`).join(" · ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

export function BalrogRunPage(p: { id: string }) {
  const { data, error } = useApi<BalrogRecordDetail>(`/api/balrog/${seg(p.id)}`);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading what="the record" />;
  return (
    <div class="stack" data-testid="balrog-run">
      <div class="crumbs">
        <a href={href("balrog")}>BALROG</a> / {p.id}
      </div>
      <Card title="Progression (% ± standard error, BALROG's)">
        <table>
          <thead>
            <tr>{data.table.header.map((h) => <th key={h}>{h}</th>)}</tr>
          </thead>
          <tbody>
            {data.table.rows.map((r) => (
              <tr key={r[0]}>{r.map((c, i) => <td key={i}>{c}</td>)}</tr>
            ))}
          </tbody>
        </table>
      </Card>
      {data.agents.map((a, ai) => (
        <Card key={a.name} title={a.name}>
          <table>
            <thead>
              <tr>
                <th>task</th>
                <th>#</th>
                <th>seed</th>
                <th>mission</th>
                <th>progression</th>
                <th>steps</th>
                <th>invalid</th>
              </tr>
            </thead>
            <tbody>
              {a.episodes.map((e, ei) => (
                <tr key={ei}>
                  <td>{e.task.split("/")[1]}</td>
                  <td>
                    <a href={href("balrog", p.id, ai, ei)}>{e.episode}</a>
                  </td>
                  <td>{e.seed}</td>
                  <td>{e.mission}</td>
                  <td class={e.progression > 0 ? "ok" : "bad"}>{e.error ? `error: ${e.error}` : e.progression}</td>
                  <td>{e.num_steps}</td>
                  <td>{e.invalid}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      ))}
    </div>
  );
}

export function BalrogEpisodePage(p: { id: string; agent: number; episode: number }) {
  const { data, error } = useApi<{ task: string; seed: number; mission: string; frames: BalrogFrame[] }>(`/api/balrog/${seg(p.id)}/${p.agent}/${p.episode}`);
  const [k, setK] = useState(0);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading what="the episode" />;
  const f = data.frames[Math.min(k, data.frames.length - 1)]!;
  return (
    <div class="stack" data-testid="balrog-episode">
      <div class="crumbs">
        <a href={href("balrog")}>BALROG</a> / <a href={href("balrog", p.id)}>{p.id}</a> / {data.task} seed {data.seed}
      </div>
      <Card title={data.mission}>
        <div class="controls">
          <button class="btn" onClick={() => setK(Math.max(0, k - 1))} disabled={k === 0}>
            ←
          </button>
          <input type="range" min={0} max={data.frames.length - 1} value={k} onInput={(e) => setK(Number((e.target as HTMLInputElement).value))} aria-label="step slider" />
          <button class="btn" onClick={() => setK(Math.min(data.frames.length - 1, k + 1))} disabled={k >= data.frames.length - 1}>
            →
          </button>
          <span class="muted">
            step {f.step} / {data.frames.length - 1}
          </span>
        </div>
        <div class="stage-images">
          <figure dangerouslySetInnerHTML={{ __html: f.svg }} />
          <div>
            {f.completion !== null && (
              <p>
                answer <code>{JSON.stringify(f.completion)}</code> → <b>{f.action}</b>
                {f.valid === false && <span class="bad"> (invalid: the default action)</span>}
                {f.reward > 0 && <span class="ok"> reward {f.reward.toFixed(3)}</span>}
              </p>
            )}
            <pre>{f.observation}</pre>
          </div>
        </div>
      </Card>
    </div>
  );
}
