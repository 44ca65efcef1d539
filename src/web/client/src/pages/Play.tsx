/** Play: step an env from the keyboard, with the loaded agent's hint and reasoning at each step, or let the agent play. */
import { useEffect, useRef, useState } from "preact/hooks";
import type { AgentAdvice, EnvListItem, PlayState, ServerInfo } from "../api";
import { post } from "../api";
import { ActionChip, Card, ErrorBox, OptimalSet } from "../components/ui";
import { ACTION_PHRASES, actionName } from "../format";
import { useApi, useKeys } from "../hooks";
import { replaceQuery } from "../router";

/** Minigrid's manual_control keys, plus letters. */
const KEYS: [string[], number, string][] = [
  [["ArrowLeft"], 0, "←"],
  [["ArrowRight"], 1, "→"],
  [["ArrowUp"], 2, "↑"],
  [["PageUp", "p"], 3, "PgUp / p"],
  [["PageDown", "d"], 4, "PgDn / d"],
  [[" ", "t"], 5, "Space / t"],
  [["Enter"], 6, "Enter"],
];

const DIRS = ["east", "south", "west", "north"];

export function PlayPage(p: { info: ServerInfo | null; initialEnv: string | null; initialSeed: number | null }) {
  const envs = useApi<EnvListItem[]>("/api/envs");
  const [envId, setEnvId] = useState(p.initialEnv ?? "MiniGrid-DoorKey-8x8-v0");
  const [seed, setSeed] = useState(String(p.initialSeed ?? 0));
  const [state, setState] = useState<PlayState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [advice, setAdvice] = useState<AgentAdvice | null>(null);
  const [thinking, setThinking] = useState(false);
  const [auto, setAuto] = useState(false);
  const [delay, setDelay] = useState(400);
  const busy = useRef(false);
  /** The state on screen, so a late answer about an earlier step is dropped. */
  const current = useRef<PlayState | null>(null);
  current.current = state;
  const agent = p.info?.agent ?? null;
  const done = !!state && (state.terminated || state.truncated);

  async function start(env = envId, s = seed) {
    setError(null);
    setAuto(false);
    setAdvice(null);
    const n = s.trim() === "" ? null : Number(s);
    if (n !== null && !(Number.isInteger(n) && n >= 0)) {
      setError("The seed must be a non-negative integer.");
      return;
    }
    try {
      const st = await post<PlayState>("/api/play", { env_id: env, seed: n });
      setState(st);
      setSeed(String(st.seed));
      replaceQuery({ env: st.env_id, seed: st.seed });
    } catch (e) {
      setError((e as Error).message);
    }
  }

  useEffect(() => {
    void start();
  }, []);

  async function act(a: number): Promise<PlayState | null> {
    if (!state || busy.current || done) return null;
    busy.current = true;
    try {
      const st = await post<PlayState>(`/api/play/${state.id}/step`, { action: a });
      setState(st);
      setAdvice(null);
      return st;
    } catch (e) {
      setError((e as Error).message);
      setAuto(false);
      return null;
    } finally {
      busy.current = false;
    }
  }

  async function ask(st: PlayState): Promise<AgentAdvice | null> {
    if (!agent) return null;
    setThinking(true);
    try {
      const a = await post<AgentAdvice>(`/api/play/${st.id}/agent`, {});
      const now = current.current;
      if (!now || now.id !== st.id || now.step !== st.step) return null;
      setAdvice(a);
      return a;
    } catch (e) {
      setError((e as Error).message);
      setAuto(false);
      return null;
    } finally {
      setThinking(false);
    }
  }

  // The agent's hint at every step — and for the first state too when the server info (which names the
  // agent) arrives after the session.
  useEffect(() => {
    if (state && agent && !done && !auto) void ask(state);
  }, [state?.id, state?.step, auto, agent?.name]);

  // Autoplay: ask, act, repeat.
  useEffect(() => {
    if (!auto || !state) return;
    if (done) {
      setAuto(false);
      return;
    }
    let live = true;
    const t = setTimeout(async () => {
      const a = await ask(state);
      if (!live) return;
      if (!a || a.action === null) {
        setAuto(false);
        if (a) setError("The agent's answer named no action; autoplay stopped.");
        return;
      }
      await act(a.action);
    }, delay);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [auto, state?.step, state?.id]);

  useKeys(
    (e) => {
      const hit = KEYS.find(([keys]) => keys.includes(e.key));
      if (hit) {
        void act(hit[1]);
        return true;
      }
      if (e.key === "Backspace" || e.key === "r") {
        void start();
        return true;
      }
      return false;
    },
    [state, done],
  );

  const img = (view: string) => (state ? `/api/play/${state.id}/render.svg?view=${view}&v=${state.actions.length}` : "");

  return (
    <div class="stack" data-testid="play-page">
      <div class="page-head">
        <div>
          <h1>Play</h1>
          <div class="muted">Step an environment with the keyboard, with the expert's optimal actions{agent ? " and the agent's hint at every step, or let the agent play" : " at every step"}.</div>
        </div>
      </div>
      <Card>
        <form
          class="play-form"
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
        >
          <label>
            env
            <input list="env-ids" value={envId} onInput={(e) => setEnvId((e.target as HTMLInputElement).value)} aria-label="env id" class="env-input" />
            <datalist id="env-ids">
              {(envs.data ?? []).map((e) => (
                <option key={e.id} value={e.id} />
              ))}
            </datalist>
          </label>
          <label>
            seed
            <input value={seed} onInput={(e) => setSeed((e.target as HTMLInputElement).value)} aria-label="seed" class="seed-input" inputMode="numeric" />
          </label>
          <button class="btn primary" type="submit" data-testid="new-episode">
            New episode
          </button>
        </form>
      </Card>
      {error && <ErrorBox error={error} />}
      {state && (
        <div class="player">
          <Card class="stage">
            <figure class="full-view">
              <img src={img("full")} alt="the environment" data-testid="play-full-view" />
            </figure>
            {done && (
              <div class={`outcome ${state.return > 0 ? "win" : "lose"}`} data-testid="play-outcome">
                {state.terminated ? (state.return > 0 ? `Success! Return ${state.return.toFixed(3)} in ${state.step} steps.` : "The episode ended without reward.") : `Out of time after ${state.step} steps.`}{" "}
                <button class="btn small" onClick={() => void start(envId, String(state.seed + 1))}>
                  next seed
                </button>
              </div>
            )}
          </Card>
          <div class="side stack">
            <Card title="Agent's view">
              <img class="agent-view" src={img("agent")} alt="the agent's view" data-testid="play-agent-view" />
            </Card>
            <Card title={`Step ${state.step} / ${state.max_steps}`} testId="play-state">
              <dl class="facts">
                <dt>mission</dt>
                <dd data-testid="play-mission">{state.mission}</dd>
                <dt>agent</dt>
                <dd>
                  at ({state.agent_pos[0]}, {state.agent_pos[1]}) facing {DIRS[state.agent_dir]}
                  {state.carrying ? `, carrying a ${state.carrying[1]} ${state.carrying[0]}` : ""}
                </dd>
                <dt>reward</dt>
                <dd data-testid="play-reward">
                  last {state.reward.toFixed(3)} · return {state.return.toFixed(3)}
                </dd>
              </dl>
              <div class="action-pad">
                {KEYS.map(([, a, label]) => (
                  <button key={a} class="btn action" onClick={() => void act(a)} disabled={done} data-action={a} title={`${ACTION_PHRASES[a]} (${label})`}>
                    <span>{actionName(a)}</span>
                    <kbd>{label}</kbd>
                  </button>
                ))}
              </div>
            </Card>
            <Card title="Expert" testId="expert-panel" class="expert">
              {state.expert ? (
                <>
                  <div class="label">optimal actions</div>
                  <div data-testid="expert-hint">
                    <OptimalSet optimal={state.expert.optimal_actions} groundTruth={state.expert.action} exact={state.expert.optimal_exact} />
                  </div>
                  <dl class="facts">
                    <dt>subgoal</dt>
                    <dd data-testid="expert-subgoal">{state.expert.subgoal || "—"}</dd>
                  </dl>
                  <div class="agent-buttons">
                    <button class="btn" disabled={done || auto} onClick={() => state.expert && void act(state.expert.action)} data-testid="take-expert">
                      Take the expert's action
                    </button>
                  </div>
                </>
              ) : (
                <span class="muted" data-testid="expert-hint">
                  {done ? "the episode is over" : state.expert_error ? `the expert cannot plan here: ${state.expert_error}` : "—"}
                </span>
              )}
            </Card>
            {agent && (
              <Card title="Agent" testId="agent-panel">
                <div class="muted small">{agent.name}</div>
                <div class="hint">
                  <div class="label">hint {thinking && <span class="muted">(thinking…)</span>}</div>
                  <div data-testid="agent-hint">
                    {advice ? (
                      <>
                        <ActionChip action={advice.action} phrase />
                        {advice.hint && advice.hint !== ACTION_PHRASES[advice.action ?? -1] && <span class="hint-text"> {advice.hint}</span>}
                      </>
                    ) : (
                      <span class="muted">{done ? "the episode is over" : "…"}</span>
                    )}
                  </div>
                  {advice?.reasoning && (
                    <p class="reasoning" data-testid="agent-reasoning">
                      {advice.reasoning}
                    </p>
                  )}
                  {advice?.observation && (
                    <details class="ex-obs">
                      <summary>what the agent read</summary>
                      <pre>{advice.observation}</pre>
                    </details>
                  )}
                </div>
                <div class="agent-buttons">
                  <button class="btn" disabled={!advice || advice.action === null || done || auto} onClick={() => advice?.action != null && void act(advice.action)} data-testid="take-hint">
                    Take the hint
                  </button>
                  <button class={`btn ${auto ? "danger" : "primary"}`} disabled={done && !auto} onClick={() => setAuto(!auto)} data-testid="autoplay">
                    {auto ? "Stop" : "Let the agent play"}
                  </button>
                  <label class="small">
                    pace
                    <select value={delay} onChange={(e) => setDelay(Number((e.target as HTMLSelectElement).value))} aria-label="pace">
                      <option value={100}>fast</option>
                      <option value={400}>normal</option>
                      <option value={1000}>slow</option>
                    </select>
                  </label>
                </div>
              </Card>
            )}
          </div>
        </div>
      )}
      {state && state.actions.length > 0 && (
        <Card title="Actions so far">
          <div class="chips" data-testid="play-history">
            {state.actions.map((a, i) => (
              <ActionChip key={i} action={a} />
            ))}
          </div>
        </Card>
      )}
      {!agent && (
        <div class="muted small">
          No agent loaded. Start the dashboard with <code>--model-path program.json</code> to see an agent's hint and reasoning at each step.
        </div>
      )}
    </div>
  );
}
