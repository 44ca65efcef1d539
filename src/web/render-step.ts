/**
 * Pictures for the dashboard, drawn by the engine's own renderer (src/minigrid/render).
 *
 * A dataset step is drawn from its record, not by replaying the episode: the record's `grid` (the
 * full W×H×3 encoding, agent not drawn) is decoded into an env of the same id, and the agent's pose and
 * carried object are set from the record. Every step is then O(1) to draw, in any order, and the
 * agent's view and highlighted cells come from the engine's own `genObsGrid` on that state.
 */
import { COLOR_TO_IDX, OBJECT_TO_IDX, type Color, type ObjectType } from "../minigrid/constants.js";
import { Grid } from "../minigrid/grid.js";
import type { MiniGridEnv } from "../minigrid/minigrid-env.js";
import { encodePng, renderAgentView, renderFull, renderSvg, type RenderView } from "../minigrid/render/index.js";
import { makeEnv } from "../minigrid/registry.js";
import { WorldObj } from "../minigrid/world-object.js";
import type { StepRecord } from "./datasets.js";
import { HttpError } from "./http.js";

export type ImageFormat = "svg" | "png";

export interface Picture {
  contentType: string;
  data: string | Uint8Array;
}

/** An env per (id, size), reset once, whose state is overwritten for every step drawn. */
const canvases = new Map<string, MiniGridEnv>();

function canvasFor(envId: string, width: number, height: number): MiniGridEnv {
  const key = `${envId}|${width}x${height}`;
  const hit = canvases.get(key);
  if (hit) return hit;
  let env: MiniGridEnv;
  try {
    env = makeEnv(envId);
  } catch (e) {
    throw new HttpError(422, `cannot draw this step: ${(e as Error).message}`);
  }
  if (env.width !== width || env.height !== height) {
    throw new HttpError(422, `cannot draw this step: ${envId} is ${env.width}×${env.height} but the record is ${width}×${height}`);
  }
  env.reset({ seed: 0 });
  if (canvases.size > 64) canvases.clear();
  canvases.set(key, env);
  return env;
}

function decodeCarrying(c: StepRecord["carrying"]): WorldObj | null {
  if (!c) return null;
  const t = typeof c[0] === "number" ? c[0] : OBJECT_TO_IDX[c[0] as ObjectType];
  const col = typeof c[1] === "number" ? c[1] : COLOR_TO_IDX[c[1] as Color];
  if (t === undefined || col === undefined) return null;
  try {
    return WorldObj.decode(t, col, 0);
  } catch {
    return null;
  }
}

/** An env whose state is the record's (valid until the next call). */
export function envAtStep(rec: StepRecord): MiniGridEnv {
  const env = canvasFor(rec.env_id, rec.width, rec.height);
  let grid: Grid;
  try {
    grid = Grid.decode(rec.grid, rec.width, rec.height);
  } catch (e) {
    throw new HttpError(422, `cannot draw step ${rec.step}: ${(e as Error).message}`);
  }
  const [x, y] = rec.agent_pos;
  if (!(Number.isInteger(x) && Number.isInteger(y) && x! >= 0 && y! >= 0 && x! < rec.width && y! < rec.height) || !(rec.agent_dir >= 0 && rec.agent_dir <= 3)) {
    throw new HttpError(422, `cannot draw step ${rec.step}: agent pose (${rec.agent_pos.join(", ")}) dir ${rec.agent_dir} is outside the grid`);
  }
  env.grid = grid;
  env.agentPos = [x!, y!];
  env.agentDir = rec.agent_dir;
  env.carrying = decodeCarrying(rec.carrying);
  env.mission = rec.mission;
  env.stepCount = rec.step;
  return env;
}

/** The env's full view or agent view, as SVG (crisp at any size) or PNG (Minigrid's exact pixels). */
export function drawEnv(env: MiniGridEnv, view: RenderView, format: ImageFormat, tileSize: number): Picture {
  if (format === "svg") return { contentType: "image/svg+xml; charset=utf-8", data: renderSvg(env, { view, tileSize, highlight: true }) };
  const img = view === "agent" ? renderAgentView(env, { tileSize }) : renderFull(env, { tileSize, highlight: true });
  return { contentType: "image/png", data: encodePng(img) };
}

export function drawStep(rec: StepRecord, view: RenderView, format: ImageFormat, tileSize: number): Picture {
  return drawEnv(envAtStep(rec), view, format, tileSize);
}
