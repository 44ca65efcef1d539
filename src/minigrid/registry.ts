/** The id → env registry and `makeEnv`, Gymnasium's `make` for gridtune. */
import { MINIGRID_ENVS } from "./envs/index.js";
import { BABYAI_ENVS, BALROG_ENVS } from "./babyai/index.js";
import type { MiniGridEnv } from "./minigrid-env.js";
import type { EnvRegistration } from "./registration.js";
import { UnknownEnvError } from "./errors.js";
import { editDistance } from "../util/edit-distance.js";

const registry = new Map<string, EnvRegistration>();

/** Add registrations (later ones with the same id replace earlier ones). */
export function registerEnvs(regs: readonly EnvRegistration[]): void {
  for (const r of regs) registry.set(r.id, r);
}
registerEnvs(MINIGRID_ENVS);
registerEnvs(BABYAI_ENVS);
// babyai-text's level for BALROG, kept apart from the 96 ids Minigrid 3.1.0 registers.
registerEnvs(BALROG_ENVS);

/** Every registered id, sorted; optionally only those starting with a prefix. */
export function listEnvIds(prefix = ""): string[] {
  return [...registry.keys()].filter((id) => id.startsWith(prefix)).sort();
}

/** The registration of an env id; an unknown id throws {@link UnknownEnvError} with the closest ids. */
export function envRegistration(id: string): EnvRegistration {
  const r = registry.get(id);
  if (!r) throw new UnknownEnvError(id, closestIds(id));
  return r;
}

/** Python-style option names (`max_steps`) are accepted too and camel-cased (`maxSteps`). */
function camelKeys(options: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) out[k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = v;
  return out;
}

/** Make an env by id, with the registered options overridden by `options`. */
export function makeEnv(id: string, options: Record<string, unknown> = {}): MiniGridEnv {
  const r = envRegistration(id);
  const env = r.make({ ...r.kwargs, ...camelKeys(options) });
  env.envId = id;
  return env;
}

/** The registered ids closest to a misspelt one (edit distance, case-insensitive), best first. */
export function closestIds(id: string, n = 5): string[] {
  const q = id.toLowerCase();
  return [...registry.keys()]
    .map((k) => ({ k, d: editDistance(q, k.toLowerCase()) - (k.toLowerCase().includes(q) ? q.length : 0) }))
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
    .slice(0, n)
    .map((x) => x.k);
}
