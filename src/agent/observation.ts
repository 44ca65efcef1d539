/**
 * What the agent reads: the `observation` text, i.e. a step encoded with the run's encoding
 * (ascii, natural, tuples, relative) and view (agent, full), with the mission included.
 *
 * The encodings live in src/encoding (`encode(recordOrObs, {type, view})`); it is loaded at run time so
 * this layer works before it lands, with a plain fallback (the grid in Minigrid's two-letter cells)
 * that says it is one. `encoderName()` tells which was used (for the run record).
 */
import type { MiniGridEnv } from "../minigrid/minigrid-env.js";
import { IDX_TO_COLOR, IDX_TO_OBJECT, ACTION_PHRASES } from "../minigrid/constants.js";
import type { EncodingType, ViewType } from "./actions.js";

/** One step as the dataset stores it (a line of steps.jsonl), or as built from a live env. */
export interface StepLike {
  env_id?: string;
  seed?: number;
  episode?: number;
  step?: number;
  mission: string;
  width: number;
  height: number;
  agent_pos: [number, number];
  agent_dir: number;
  carrying: [string | number, string | number] | null;
  /** The agent's view, view×view×3 flattened [x][y][channel]. */
  image: number[] | Uint8Array;
  /** The full grid W·H·3 flattened [x][y][channel], agent not drawn. */
  grid: number[] | Uint8Array;
}

export type EncodeFn = (record: unknown, opts: { type: EncodingType; view: ViewType }) => string;

let encoderPromise: Promise<{ encode: EncodeFn; name: string }> | undefined;
let loadedEncoder: { encode: EncodeFn; name: string } | undefined;

/** Loads src/encoding once (or the fallback when it is not part of the build). */
export function loadEncoder(): Promise<{ encode: EncodeFn; name: string }> {
  encoderPromise ??= (async () => {
    const spec = "../encoding/index.js";
    try {
      const mod = (await import(spec)) as { encode?: unknown };
      if (typeof mod.encode === "function") return (loadedEncoder = { encode: mod.encode as EncodeFn, name: "src/encoding" });
    } catch (e) {
      if ((e as { code?: string }).code !== "ERR_MODULE_NOT_FOUND") throw e;
    }
    return (loadedEncoder = { encode: fallbackEncode, name: "fallback-grid" });
  })();
  return encoderPromise;
}

/** Which encoder has been loaded ("src/encoding" or "fallback-grid"), or undefined before the first use. */
export function encoderName(): string | undefined {
  return loadedEncoder?.name;
}

/** The `observation` text of a step: the encoding, with the mission first unless the encoding has it. */
export async function observationText(step: StepLike, type: EncodingType, view: ViewType): Promise<string> {
  const { encode } = await loadEncoder();
  const raw = encode(step, { type, view });
  const text = typeof raw === "string" ? raw : JSON.stringify(raw);
  if (step.mission && !text.includes(step.mission)) return `Mission: ${step.mission}\n${text}`;
  return text;
}

/** A live env's current state as a step record (what the collector would have written for it). */
export function stepFromEnv(env: MiniGridEnv): StepLike {
  const obs = env.genObs();
  const c = env.carrying;
  return {
    env_id: env.envId,
    step: env.stepCount,
    mission: env.mission,
    width: env.width,
    height: env.height,
    agent_pos: [env.agentPos[0], env.agentPos[1]],
    agent_dir: env.agentDir,
    carrying: c ? [c.type, c.color] : null,
    image: Array.from(obs.image),
    grid: Array.from(env.grid.encode()),
  };
}

const LETTER: Record<string, string> = { wall: "W", floor: "F", door: "D", key: "K", ball: "A", box: "B", goal: "G", lava: "V" };
const DIRS = ["right", "down", "left", "up"];
const AGENT = [">", "V", "<", "^"];

function cell(type: number, color: number, state: number): string {
  const t = IDX_TO_OBJECT[type] ?? "unseen";
  if (t === "unseen") return "??";
  if (t === "empty" || t === "agent") return "..";
  const c = (IDX_TO_COLOR[color] ?? "grey")[0]!.toUpperCase();
  if (t === "door") return state === 0 ? "_" + c : (state === 2 ? "L" : "D") + c;
  return (LETTER[t] ?? "?") + c;
}

/**
 * The fallback encoding: the grid as two-letter cells (W wall, D/L/_ closed/locked/open door, K key,
 * A ball, B box, G goal, V lava; first letter the object, second its colour; `..` empty, `??` unseen)
 * with the agent as an arrow. Used only when src/encoding is absent; every `type` gets this text.
 */
export function fallbackEncode(record: unknown, opts: { type: EncodingType; view: ViewType }): string {
  const r = record as StepLike;
  const lines: string[] = [];
  if (opts.view === "full") {
    const g = r.grid;
    for (let y = 0; y < r.height; y++) {
      let row = "";
      for (let x = 0; x < r.width; x++) {
        const k = (x * r.height + y) * 3;
        row += x === r.agent_pos[0] && y === r.agent_pos[1] ? AGENT[r.agent_dir]!.repeat(2) : cell(g[k]!, g[k + 1]!, g[k + 2]!);
        row += " ";
      }
      lines.push(row.trimEnd());
    }
  } else {
    const img = r.image;
    const n = Math.round(Math.sqrt(img.length / 3));
    for (let y = 0; y < n; y++) {
      let row = "";
      for (let x = 0; x < n; x++) {
        const k = (x * n + y) * 3;
        row += x === (n - 1) / 2 && y === n - 1 ? "^^" : cell(img[k]!, img[k + 1]!, img[k + 2]!);
        row += " ";
      }
      lines.push(row.trimEnd());
    }
    lines.push("(the agent's view: the agent is ^^ at the bottom centre, facing up)");
  }
  const carrying = r.carrying ? `${String(r.carrying[1])} ${String(r.carrying[0])}` : "nothing";
  return [
    `Mission: ${r.mission}`,
    `Facing: ${DIRS[r.agent_dir] ?? "?"}; carrying: ${carrying}`,
    ...lines,
    `Actions: ${ACTION_PHRASES.join(", ")}`,
  ].join("\n");
}
