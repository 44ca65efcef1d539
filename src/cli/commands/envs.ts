/** `gridtune envs` — list every registered env id. */
import type { Command } from "commander";
import { envRegistration, listEnvIds } from "../../minigrid/registry.js";

export function register(program: Command): void {
  program
    .command("envs")
    .description("list every registered MiniGrid and BabyAI env id")
    .option("--filter <text>", "only ids containing this text (case-insensitive)")
    .option("--json", "print JSON: [{id, family, kwargs}]")
    .action((opts: { filter?: string; json?: boolean }) => {
      const f = opts.filter?.toLowerCase();
      const ids = listEnvIds().filter((id) => !f || id.toLowerCase().includes(f));
      if (opts.json) {
        console.log(JSON.stringify(ids.map((id) => ({ id, family: envRegistration(id).family, kwargs: envRegistration(id).kwargs }))));
        return;
      }
      let family = "";
      for (const id of ids) {
        const r = envRegistration(id);
        if (r.family !== family) {
          family = r.family;
          console.log(`\n${family}`);
        }
        const kw = Object.entries(r.kwargs).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(" ");
        console.log(`  ${id.padEnd(44)} ${kw}`);
      }
      console.log(`\n${ids.length} envs`);
    });
}
