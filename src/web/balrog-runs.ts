/**
 * BALROG BabyAI run records for the dashboard (playback and comparison): the records under the runs
 * directory (`gridtune evaluate --benchmark balrog-babyai --out …`), one record's comparison table and
 * episode list, and one episode replayed step by step — the env rebuilt from the task and seed and
 * stepped with the recorded actions, each state drawn as SVG beside the text the agent read.
 *
 * Not yet routed: the dashboard's server (src/web/server.ts) and client router (main.tsx) mount
 * these as `GET /api/balrog`, `/api/balrog/:id`, `/api/balrog/:id/:agent/:episode` and the page in
 * client/src/pages/Balrog.tsx.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { makeEnv } from "../minigrid/registry.js";
import { renderSvg } from "../minigrid/render/index.js";
import { BALROG_ACTIONS, BALROG_BABYAI_ENV_OPTIONS } from "../pipeline/benchmarks/balrog-babyai/protocol.js";
import { balrogComparisonRows } from "../pipeline/benchmarks/balrog-babyai/summary.js";
import type { BalrogBabyAIResult } from "../pipeline/benchmarks/balrog-babyai/run.js";
import { babyaiTextObservation } from "../encoding/index.js";
import type { MiniGridEnv } from "../minigrid/minigrid-env.js";
import { HttpError } from "./http.js";

function textOf(env: MiniGridEnv): string {
  const c = env.carrying;
  return babyaiTextObservation({ image: env.genObs().image, viewSize: env.agentViewSize, carrying: c ? [c.type, c.color] : null });
}

/** A record in the list: its id (path under the runs directory), agents with their overall figures. */
export interface BalrogRecordItem {
  id: string;
  modified: string;
  seed: number;
  episodes_per_task: number;
  agents: { name: string; average_progress: number; standard_error: number; episodes: number }[];
}

/** One record: the comparison table and every agent's episodes (without trajectories). */
export interface BalrogRecordDetail {
  id: string;
  config: BalrogBabyAIResult["config"];
  table: { header: string[]; rows: string[][] };
  agents: { name: string; agent: Record<string, unknown>; episodes: { task: string; episode: number; seed: number; mission: string; progression: number; num_steps: number; invalid: number; error?: string }[] }[];
}

/** One replayed step: the picture, what the agent read, what it answered, and what happened. */
export interface BalrogFrame {
  step: number;
  svg: string;
  observation: string;
  completion: string | null;
  action: string | null;
  valid: boolean | null;
  reward: number;
}

const MAX_DEPTH = 3;

function readRecord(path: string): BalrogBabyAIResult | null {
  try {
    const r = JSON.parse(readFileSync(path, "utf8")) as BalrogBabyAIResult;
    return r && r.format === "gridtune-balrog-babyai/1" ? r : null;
  } catch {
    return null;
  }
}

/** Every BALROG BabyAI record under `root` (a few levels deep), newest first. */
export function listBalrogRecords(root: string): BalrogRecordItem[] {
  const out: (BalrogRecordItem & { t: number })[] = [];
  const walk = (dir: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(dir, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory() && depth < MAX_DEPTH) walk(p, depth + 1);
      else if (st.isFile() && name.endsWith(".json") && !name.endsWith("_info.json")) {
        const r = readRecord(p);
        if (!r) continue;
        out.push({
          id: relative(root, p).split(sep).join("/"),
          modified: st.mtime.toISOString(),
          t: st.mtimeMs,
          seed: r.config.seed,
          episodes_per_task: r.config.episodes_per_task,
          agents: r.runs.map((x) => ({ name: x.name, average_progress: x.summary.average_progress, standard_error: x.summary.standard_error, episodes: x.episodes.length })),
        });
      }
    }
  };
  walk(resolve(root), 0);
  return out.sort((a, b) => b.t - a.t).map(({ t: _t, ...item }) => item);
}

function recordAt(root: string, id: string): BalrogBabyAIResult {
  const base = resolve(root);
  const path = resolve(base, id);
  if (!path.startsWith(base + sep)) throw new HttpError(400, `not a record under the runs directory: ${id}`);
  const r = readRecord(path);
  if (!r) throw new HttpError(404, `no BALROG BabyAI record ${id}`);
  return r;
}

/** One record's comparison table and episode lists. */
export function balrogRecordDetail(root: string, id: string): BalrogRecordDetail {
  const r = recordAt(root, id);
  return {
    id,
    config: r.config,
    table: balrogComparisonRows(r.runs),
    agents: r.runs.map((x) => ({
      name: x.name,
      agent: x.agent,
      episodes: x.episodes.map((e) => ({
        task: e.task,
        episode: e.episode,
        seed: e.seed,
        mission: e.mission,
        progression: e.progression,
        num_steps: e.num_steps,
        invalid: e.failed_candidates.length,
        ...(e.error ? { error: e.error } : {}),
      })),
    })),
  };
}

/** One episode replayed: the env from its task and seed, stepped with the recorded actions. */
export function balrogEpisodeFrames(root: string, id: string, agent: number, episode: number): { task: string; seed: number; mission: string; frames: BalrogFrame[] } {
  const r = recordAt(root, id);
  const ep = r.runs[agent]?.episodes[episode];
  if (!ep) throw new HttpError(404, `${id} has no episode ${episode} of agent ${agent}`);
  const env = makeEnv(ep.task, { ...BALROG_BABYAI_ENV_OPTIONS });
  env.reset({ seed: ep.seed });
  if (env.mission !== ep.mission) throw new HttpError(422, `${id}: replaying ${ep.task} seed ${ep.seed} gives '${env.mission}', the record says '${ep.mission}'`);
  const frames: BalrogFrame[] = [{ step: 0, svg: renderSvg(env, { tileSize: 24 }), observation: ep.initial_observation, completion: null, action: null, valid: null, reward: 0 }];
  for (const s of ep.trajectory) {
    const a = (BALROG_ACTIONS as readonly string[]).indexOf(s.action);
    if (a < 0) throw new HttpError(422, `${id}: step ${s.step} has an unknown action '${s.action}'`);
    const res = env.step(a);
    // The replay must see what the agent saw (BALROG's feedback may precede it).
    if (!s.observation.endsWith(textOf(env))) throw new HttpError(422, `${id}: the replay of ${ep.task} seed ${ep.seed} diverges from the record at step ${s.step}`);
    frames.push({ step: s.step + 1, svg: renderSvg(env, { tileSize: 24 }), observation: s.observation, completion: s.completion, action: s.action, valid: s.valid, reward: res.reward });
  }
  return { task: ep.task, seed: ep.seed, mission: ep.mission, frames };
}
