/** Named env lists for `--envs`, and the parsing of env and seed arguments. */
import { BALROG_TASK_IDS, MIXED_TRAIN_LOCAL_ID, type BalrogTask } from "../minigrid/babyai/balrog.js";
import { UnknownEnvError } from "../minigrid/errors.js";
import { envRegistration } from "../minigrid/registry.js";
import { UserError } from "../util/errors.js";

/** Named env lists for `--envs` / {@link resolveEnvs}; `9env` is the original tool's nine environments. */
export const PRESETS: Record<string, readonly string[]> = {
  "9env": [
    "MiniGrid-Empty-8x8-v0",
    "MiniGrid-DoorKey-8x8-v0",
    "MiniGrid-FourRooms-v0",
    "MiniGrid-LavaGapS7-v0",
    "MiniGrid-SimpleCrossingS9N1-v0",
    "MiniGrid-MultiRoom-N2-S4-v0",
    "MiniGrid-KeyCorridorS3R1-v0",
    "MiniGrid-Unlock-v0",
    "MiniGrid-UnlockPickup-v0",
  ],
};

/** The preset name: one env id per task, `BabyAI-MixedTrainLocal-v0/<task>`. */
export const BALROG_BABYAI_PRESET = "balrog-babyai";

/**
 * The BALROG task of a mission: "go to …" → goto, "pick up …" → pickup, "open …" → open,
 * "put … next to …" → putnext, "pick up A, then go to B" / "go to B after you pick up A" →
 * pick_up_seq_go_to; null for anything else (other sequences, "and").
 */
export function balrogTask(mission: string): BalrogTask | null {
  const m = mission.trim();
  if (/^pick up .+, then go to .+$/.test(m) || /^go to .+ after you pick up .+$/.test(m)) return "pick_up_seq_go_to";
  if (/, then | after you | and /.test(m)) return null;
  if (/^go to /.test(m)) return "goto";
  if (/^pick up /.test(m)) return "pickup";
  if (/^open /.test(m)) return "open";
  if (/^put .+ next to .+$/.test(m)) return "putnext";
  return null;
}

/** `--envs`: a preset name, or env ids separated by commas. Unknown ids fail with suggestions. */
export function resolveEnvs(spec: string): string[] {
  const s = spec.trim();
  if (s === "") throw new UserError("--envs is empty: give env ids separated by commas, or a preset (" + Object.keys(PRESETS).join(", ") + ")");
  if (s === BALROG_BABYAI_PRESET) return [...BALROG_TASK_IDS];
  const preset = PRESETS[s];
  if (preset) return [...preset];
  const ids = s.split(",").map((x) => x.trim()).filter((x) => x !== "");
  for (const id of ids) {
    // A dataset must be reproducible; the bare level's task is drawn unseeded.
    if (id === MIXED_TRAIN_LOCAL_ID) {
      throw new UserError(
        `${id} draws its task at random (unseeded), so its episodes cannot be reproduced: use ${BALROG_TASK_IDS.join(", ")} or the preset ${BALROG_BABYAI_PRESET}`,
      );
    }
    try {
      envRegistration(id);
    } catch (e) {
      if (!(e instanceof UnknownEnvError)) throw e;
      const near = e.suggestions.length ? `; closest ids: ${e.suggestions.join(", ")}` : "";
      throw new UserError(`unknown preset or env id '${id}' (presets: ${[...Object.keys(PRESETS), BALROG_BABYAI_PRESET].join(", ")})${near}. Run \`gridtune envs\` to list the ids.`);
    }
  }
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw new UserError(`--envs lists ${id} twice`);
    seen.add(id);
  }
  return ids;
}

/** The preset name of a spec, or "custom" (for default directory names). */
export function presetName(spec: string): string {
  const s = spec.trim();
  if (PRESETS[s] || s === BALROG_BABYAI_PRESET) return s;
  const ids = s.split(",").filter((x) => x.trim() !== "");
  // "BabyAI-MixedTrainLocal-v0/goto" → "MixedTrainLocal-goto": no "/" in a directory name.
  return ids.length === 1
    ? ids[0]!.trim().replace(/^MiniGrid-|^BabyAI-/, "").replace(/-v\d+(?=\/|$)/, "").replace(/\//g, "-")
    : `${ids.length}env`;
}

/**
 * `--seeds`: "0-4" (inclusive), "7", "0,3,5", or a mix ("0-2,10"). Seeds are non-negative integers,
 * listed at most once.
 */
export function parseSeeds(spec: string): number[] {
  const s = spec.trim();
  const bad = (why: string) => new UserError(`--seeds '${spec}': ${why}; write a range like 0-4, a list like 0,3,5, or both (0-2,10)`);
  if (s === "") throw bad("empty");
  const out: number[] = [];
  for (const part of s.split(",")) {
    const p = part.trim();
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(p);
    if (!m) throw bad(`'${p}' is not a seed or a range`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) throw bad("seed too large");
    if (b < a) throw bad(`the range ${p} runs backwards`);
    if (b - a > 1_000_000) throw bad(`the range ${p} is too long`);
    for (let x = a; x <= b; x++) out.push(x);
  }
  if (new Set(out).size !== out.length) throw bad("a seed is listed twice");
  return out;
}
