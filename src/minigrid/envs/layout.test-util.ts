/**
 * Test helpers for the single-room families: draw a grid as text rows, and read a recorded Python
 * episode from the reference fixtures to cross-check a layout.
 */
import type { MiniGridEnv, StepResult } from "../minigrid-env.js";
import { episodeFromText, readFixtureText, type FixtureEpisode } from "../../testing/reference-fixtures.js";
import { fixturePath } from "../../testing/paths.js";
import type { ActionIndex } from "../constants.js";

const SYMBOL: Record<string, string> = { wall: "#", lava: "~", goal: "G", key: "K", ball: "o", box: "B", floor: "_" };
const ARROW = [">", "v", "<", "^"];

/**
 * The grid as text, one string per row (y), top row first: `#` wall, `~` lava, `G` goal, `K` key,
 * `o` ball, `D`/`d` closed/open door, `.` empty, and the agent as an arrow (`>` `v` `<` `^`).
 */
export function picture(env: MiniGridEnv): string[] {
  const rows: string[] = [];
  for (let y = 0; y < env.height; y++) {
    let row = "";
    for (let x = 0; x < env.width; x++) {
      const o = env.grid.get(x, y);
      if (x === env.agentPos[0] && y === env.agentPos[1]) row += ARROW[env.agentDir];
      else if (o === null) row += ".";
      else if (o.type === "door") row += o.canOverlap() ? "d" : "D";
      else row += SYMBOL[o.type] ?? "?";
    }
    rows.push(row);
  }
  return rows;
}

/** Every object that is not a wall, as "color type@x,y", column by column. */
export function objects(env: MiniGridEnv): string[] {
  const out: string[] = [];
  for (let x = 0; x < env.width; x++) {
    for (let y = 0; y < env.height; y++) {
      const o = env.grid.get(x, y);
      if (o && o.type !== "wall") out.push(`${o.color} ${o.type}@${x},${y}`);
    }
  }
  return out;
}

let fixtureText: string | null = null;

/** The recorded Python episode for (envId, seed) in minigrid.json (found by its line, not a full parse). */
export function recordedEpisode(envId: string, seed: number): FixtureEpisode {
  fixtureText ??= readFixtureText(fixturePath("minigrid/minigrid.json.gz"));
  return episodeFromText(fixtureText, envId, seed);
}

/** Take the actions in order; returns every step's result. */
export function play(env: MiniGridEnv, actions: readonly ActionIndex[]): StepResult[] {
  return actions.map((a) => env.step(a));
}
