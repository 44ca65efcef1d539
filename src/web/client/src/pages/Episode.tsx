/** The episode player: the rendered grid and agent view step by step, the ground truth, the optimal set, the subgoal and the text encodings. */
import { Fragment } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { EncodingsResponse, EpisodeDetail } from "../api";
import { qs, seg } from "../api";
import { Icon } from "../components/Icon";
import { ActionChip, Card, ErrorBox, Loading, OptimalSet } from "../components/ui";
import { ACTION_PHRASES } from "../format";
import { useApi, useKeys } from "../hooks";
import { href, replaceQuery } from "../router";
import { ENCODING_TYPES } from "../../../api-types";

const DIRS = ["right (east)", "down (south)", "left (west)", "up (north)"];

/** A grid row of the ascii (`We .. ^^`) or tuples (`(2, 5, 0) (1, 0, 0)`) encoding. */
const GRID_ROW = /^(?:(?:\S\S )+\S\S|(?:\(\d+, \d+, \d+\) ?)+)$/;

/** An encoding's text: prose lines wrap, grid rows never do (the 7×7 shape survives; a wide row scrolls). */
function EncodingText(p: { text: string }) {
  const lines = p.text.split("\n");
  return (
    <pre>
      {lines.map((line, i) => (
        <Fragment key={i}>
          {GRID_ROW.test(line) ? <span class="grid-row">{line}</span> : line}
          {i < lines.length - 1 ? "\n" : ""}
        </Fragment>
      ))}
    </pre>
  );
}

export function EpisodePlayer(p: { dataset: string; index: number; initialStep: number }) {
  const base = `/api/datasets/${seg(p.dataset)}/episodes/${p.index}`;
  const { data, error } = useApi<EpisodeDetail>(base);
  const [k, setK] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [view, setView] = useState<"agent" | "full">("agent");
  const n = data?.steps.length ?? 0;

  useEffect(() => {
    if (!data) return;
    const at = data.steps.findIndex((s) => s.step === p.initialStep);
    setK(at >= 0 ? at : 0);
  }, [data]);

  const step = data?.steps[Math.max(0, Math.min(k, n - 1))];
  useEffect(() => {
    if (step) replaceQuery({ step: step.step });
  }, [step?.step]);

  useEffect(() => {
    if (!playing) return;
    if (k >= n - 1) {
      setPlaying(false);
      return;
    }
    const t = setTimeout(() => setK((x) => Math.min(n - 1, x + 1)), 450);
    return () => clearTimeout(t);
  }, [playing, k, n]);

  // Prefetch the neighbours' pictures so stepping is instant.
  useEffect(() => {
    if (!data) return;
    for (const d of [1, 2, -1]) {
      const s = data.steps[k + d];
      if (!s) continue;
      for (const v of ["full", "agent"]) new Image().src = `${base}/steps/${s.step}/render.svg?view=${v}`;
    }
  }, [data, k]);

  useKeys(
    (e) => {
      if (e.key === "ArrowRight") setK((x) => Math.min(n - 1, x + 1));
      else if (e.key === "ArrowLeft") setK((x) => Math.max(0, x - 1));
      else if (e.key === "Home") setK(0);
      else if (e.key === "End") setK(n - 1);
      else if (e.key === " ") setPlaying((x) => !x);
      else return false;
      return true;
    },
    [n],
  );

  const enc = useApi<EncodingsResponse>(step ? `${base}/steps/${step.step}/encodings${qs({ view })}` : null);

  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading what="episode" />;
  if (!step) return <ErrorBox error="This episode has no steps in steps.jsonl." />;

  return (
    <div class="stack" data-testid="episode-player">
      <div class="page-head">
        <div>
          <div class="crumbs">
            <a href={href("datasets")}>Datasets</a> / <a href={href("datasets", p.dataset)}>{p.dataset}</a> /
          </div>
          <h1>
            {data.env_id} <span class="muted">seed {data.seed} · episode {data.episode}</span>
          </h1>
          <div class="muted">
            {data.length} steps · {data.success ? <span class="ok">success</span> : <span class="bad">failed</span>} · return {data.return.toFixed(3)}
          </div>
        </div>
        <div class="head-actions">
          <a class="btn" href={href("datasets", p.dataset, "episodes", Math.max(0, p.index - 1))} aria-disabled={p.index === 0}>
            ← previous episode
          </a>
          <a class="btn" href={href("datasets", p.dataset, "episodes", p.index + 1)} aria-disabled={p.index + 1 >= data.episodes_total}>
            next episode →
          </a>
        </div>
      </div>

      <div class="player">
        <Card class="stage">
          <div class="stage-images">
            <figure class="full-view">
              <img src={`${base}/steps/${step.step}/render.svg?view=full`} alt={`full grid at step ${step.step}`} data-testid="full-view" />
              <figcaption>full grid · highlighted cells are what the agent sees</figcaption>
            </figure>
          </div>
          <div class="controls" data-testid="controls">
            <button class="btn icon" onClick={() => setK(0)} disabled={k === 0} aria-label="first step" title="first step (Home)">
              <Icon name="first" />
            </button>
            <button class="btn icon" onClick={() => setK(Math.max(0, k - 1))} disabled={k === 0} aria-label="previous step" title="previous step (←)">
              <Icon name="prev" />
            </button>
            <button class="btn icon primary" onClick={() => (k >= n - 1 ? (setK(0), setPlaying(true)) : setPlaying(!playing))} aria-label={playing ? "pause" : "play"} title="play / pause (space)">
              <Icon name={playing ? "pause" : "play"} />
            </button>
            <button class="btn icon" onClick={() => setK(Math.min(n - 1, k + 1))} disabled={k >= n - 1} aria-label="next step" title="next step (→)">
              <Icon name="next" />
            </button>
            <button class="btn icon" onClick={() => setK(n - 1)} disabled={k >= n - 1} aria-label="last step" title="last step (End)">
              <Icon name="last" />
            </button>
            <input type="range" min={0} max={n - 1} value={k} onInput={(e) => setK(Number((e.target as HTMLInputElement).value))} aria-label="step slider" />
            <span class="step-counter" data-testid="step-counter">
              step {step.step} <span class="muted">({k + 1} of {n})</span>
            </span>
          </div>
          <div class="timeline" aria-label="actions of this episode">
            {data.steps.map((s, i) => (
              <button key={s.step} class={`tl ${i === k ? "current" : ""}`} onClick={() => setK(i)} title={`step ${s.step}: ${ACTION_PHRASES[s.action] ?? s.action}`}>
                <ActionChip action={s.action} />
              </button>
            ))}
          </div>
        </Card>

        <div class="side stack">
          <Card title="Agent's view">
            <img class="agent-view" src={`${base}/steps/${step.step}/render.svg?view=agent`} alt={`agent view at step ${step.step}`} data-testid="agent-view" />
          </Card>
          <Card title={`Step ${step.step}`} testId="step-info">
            <dl class="facts">
              <dt>mission</dt>
              <dd data-testid="mission">{step.mission}</dd>
              <dt>ground truth</dt>
              <dd data-testid="ground-truth">
                <ActionChip action={step.action} phrase />
              </dd>
              <dt>optimal set</dt>
              <dd>
                <OptimalSet optimal={step.optimal_actions} groundTruth={step.action} exact={step.optimal_exact} />
              </dd>
              <dt>subgoal</dt>
              <dd data-testid="subgoal">{step.subgoal || <span class="muted">—</span>}</dd>
              <dt>agent</dt>
              <dd>
                at ({step.agent_pos[0]}, {step.agent_pos[1]}) facing {DIRS[step.agent_dir] ?? step.agent_dir}
                {step.carrying ? `, carrying a ${step.carrying[1]} ${step.carrying[0]}` : ""}
              </dd>
              <dt>outcome</dt>
              <dd>
                reward {step.reward.toFixed(3)}
                {step.terminated && <span class="badge ok-bg">terminated</span>}
                {step.truncated && <span class="badge warn-bg">truncated</span>}
              </dd>
            </dl>
          </Card>
        </div>
      </div>

      <Card
        title="Text encodings"
        testId="encodings"
        actions={
          enc.data?.available !== false && (
          <div class="seg-control" role="group" aria-label="encoding view">
            {(["agent", "full"] as const).map((v) => (
              <button key={v} class={view === v ? "active" : ""} onClick={() => setView(v)}>
                {v} view
              </button>
            ))}
          </div>
          )
        }
      >
        {enc.error && <ErrorBox error={enc.error} />}
        {enc.data && !enc.data.available && (
          <div class="notice" data-testid="encodings-unavailable">
            {enc.data.reason}. Showing the raw agent view (object and colour initials, the agent ^^ at the bottom centre) instead.
          </div>
        )}
        <div class={`encodings ${enc.data?.available ? "four" : "one"}`}>
          {enc.data?.available
            ? ENCODING_TYPES.map((t) => (
                <div class={`encoding encoding-${t}`} key={t} data-testid={`encoding-${t}`}>
                  <h3>{t}</h3>
                  <EncodingText text={enc.data!.encodings[t] ?? ""} />
                </div>
              ))
            : enc.data && (
                <div class="encoding" data-testid="encoding-raw">
                  <h3>raw agent view</h3>
                  <pre>{enc.data.raw}</pre>
                </div>
              )}
        </div>
      </Card>
    </div>
  );
}
