/**
 * `gridtune start` (what `npm start` runs): the main job out of the box.
 * Until the fine-tuning pipeline lands this is a tour: the env list, then a short seeded random
 * rollout of DoorKey-8x8 drawn in the terminal and saved as a PNG.
 */
import type { Command } from "commander";
import { join } from "node:path";
import { listEnvIds, makeEnv } from "../../minigrid/registry.js";
import { NumpyGenerator } from "../../minigrid/rng.js";
import { ACTION_NAMES } from "../../minigrid/constants.js";

export function register(program: Command): void {
  program
    .command("start")
    .description("the main job: a short tour of gridtune (env list and a rendered random rollout)")
    .option("--env <id>", "env for the rollout", "MiniGrid-DoorKey-8x8-v0")
    .option("--seed <n>", "seed", "0")
    .option("--steps <n>", "random steps", "12")
    .option("--out-dir <dir>", "where to save the rollout pictures", ".")
    .action(async (opts: { env: string; seed: string; steps: string; outDir: string }) => {
      const ids = listEnvIds();
      const families = new Set(ids.map((id) => id.split("-")[0]));
      console.log(`gridtune: ${ids.length} environments (${[...families].join(", ")}). \`gridtune envs\` lists them.`);
      const env = makeEnv(opts.env);
      env.reset({ seed: Number(opts.seed) });
      console.log(`\n${opts.env} seed ${opts.seed}: ${env.mission}`);
      const policy = new NumpyGenerator(Number(opts.seed));
      const render = await import("../../minigrid/render/index.js").catch(() => null);
      const actions: string[] = [];
      for (let t = 0; t < Number(opts.steps); t++) {
        const a = [0, 1, 2, 2, 2, 3, 5][policy.integers(0, 7)]!;
        const r = env.step(a);
        actions.push(ACTION_NAMES[a]!);
        if (r.terminated || r.truncated) break;
      }
      console.log(`random actions: ${actions.join(", ")}`);
      if (render) {
        console.log(render.renderAnsi(env, { color: Boolean(process.stdout.isTTY) }));
        const out = join(opts.outDir, "gridtune-start.png");
        const { writeFileAtomic } = await import("../../util/atomic-write.js");
        const img = render.renderFull(env, { tileSize: 32, highlight: true });
        writeFileAtomic(out, render.encodePng(img));
        console.log(`saved ${out}`);
      }
    });
}
