/** `gridtune render` — draw an env after a seeded reset and some actions, to a PNG or SVG file. */
import { Option, type Command } from "commander";
import { makeEnv } from "../../minigrid/registry.js";
import { imageFormatOf, renderImageFile } from "../../minigrid/render/index.js";
import type { RenderView } from "../../minigrid/render/svg.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import { UserError } from "../../util/errors.js";
import { envOptionsFromEnvironment, outputWriteError, parseActionList, parseNonNegativeInt } from "../options.js";

const MAX_TILE_SIZE = 512;

function parseView(v: string): RenderView {
  if (v !== "full" && v !== "agent") throw new UserError(`--view must be 'full' or 'agent', got '${v}'`);
  return v;
}

function parseTileSize(v: string): number {
  const n = /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!(n >= 1 && n <= MAX_TILE_SIZE)) throw new UserError(`--tile-size must be an integer from 1 to ${MAX_TILE_SIZE}, got '${v}'`);
  return n;
}

function parseSeed(v: string): number {
  const n = parseNonNegativeInt("--seed")(v);
  if (!Number.isSafeInteger(n)) throw new UserError(`--seed must be at most ${Number.MAX_SAFE_INTEGER}, got '${v}'`);
  return n;
}

interface RenderOpts {
  env: string;
  seed: number;
  steps: number[];
  view: RenderView;
  tileSize: number;
  highlight: boolean;
  out: string;
}

export function register(program: Command): void {
  program
    .command("render")
    .description("draw an env (reset with a seed, then the given actions) as Minigrid does, to a .png or .svg file")
    .requiredOption("--env <id>", "env id (`gridtune envs` lists them)")
    .requiredOption("--seed <n>", "reset seed", parseSeed)
    .addOption(
      new Option("--steps <actions>", "action indices applied after the reset, e.g. 0,2,2 (0 left, 1 right, 2 forward, 3 pickup, 4 drop, 5 toggle, 6 done)")
        .argParser(parseActionList("--steps"))
        .default([], "none"),
    )
    .option("--view <which>", "full: the whole world; agent: the agent's egocentric view", parseView, "full")
    .option("--tile-size <px>", "pixels per cell", parseTileSize, 32)
    .option("--no-highlight", "do not lighten the cells the agent can see")
    .requiredOption("--out <file>", "output file; .png or .svg picks the format")
    .action((opts: RenderOpts) => {
      const format = imageFormatOf(opts.out);
      if (format === null) throw new UserError(`--out must end in .png or .svg, got '${opts.out}'`);
      const env = makeEnv(opts.env, envOptionsFromEnvironment());
      env.reset({ seed: opts.seed });
      let applied = 0;
      for (const a of opts.steps) {
        const r = env.step(a);
        applied++;
        if (r.terminated || r.truncated) break;
      }
      if (applied < opts.steps.length) {
        process.stderr.write(`note: the episode ended after action ${applied} of ${opts.steps.length}; the rest were not applied\n`);
      }
      const data = renderImageFile(env, format, { view: opts.view, tileSize: opts.tileSize, highlight: opts.highlight });
      try {
        writeFileAtomic(opts.out, data);
      } catch (e) {
        throw outputWriteError("--out", opts.out, e);
      }
      const cells = opts.view === "agent" ? [env.agentViewSize, env.agentViewSize] : [env.width, env.height];
      console.log(
        `wrote ${opts.out} (${format.toUpperCase()}, ${cells[0]! * opts.tileSize}×${cells[1]! * opts.tileSize}, ${opts.view} view of ${opts.env} seed ${opts.seed} after ${applied} action${applied === 1 ? "" : "s"})`,
      );
    });
}
