/** `gridtune serve` — the local web dashboard over the datasets and runs on disk (src/web). */
import type { Command } from "commander";
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { loadPlayAgent, type PlayAgent } from "../../web/agent-hook.js";
import { isLoopback, startDashboard } from "../../web/server.js";
import { UserError } from "../../util/errors.js";
import { addLMOptions, runtimeFromFlags, type LMFlags } from "../lm-options.js";

interface ServeOpts extends LMFlags {
  port: string;
  host: string;
  runs?: string;
  datasets?: string;
  modelPath?: string;
}

const DEFAULT_RUNS = "saved_llm_models";
const DEFAULT_DATASETS = ".";

function parsePort(v: string): number {
  const n = /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!(Number.isInteger(n) && n >= 0 && n <= 65535)) throw new UserError(`--port must be an integer from 0 to 65535, got '${v}'`);
  return n;
}

/** An explicitly given directory must exist; a default one may be missing (the page then says so). */
function directory(flag: string, given: string | undefined, fallback: string): string | null {
  const dir = resolve(given ?? fallback);
  if (!existsSync(dir)) {
    if (given !== undefined) throw new UserError(`${flag} ${given}: no such directory`);
    return null;
  }
  if (!statSync(dir).isDirectory()) throw new UserError(`${flag} ${given ?? fallback}: not a directory`);
  return dir;
}

export function register(program: Command): void {
  const command = program
    .command("serve")
    .description("open a local web dashboard over the datasets and runs on disk")
    .option("--port <n>", "port (0 picks a free one)", "8787")
    .option("--host <addr>", "address to bind; anything but loopback exposes the directories to the network", "127.0.0.1")
    .option("--runs <dir>", `directory of run records (*_info.json) (default: ${DEFAULT_RUNS})`)
    .option("--datasets <dir>", "directory of datasets from `gridtune collect`, or one dataset (default: the current directory)")
    .option("--model-path <file>", "a saved agent program (.json) whose hints Play shows and who can play an episode");
  addLMOptions(command).action(async (opts: ServeOpts) => {
      const port = parsePort(opts.port);
      const runsDir = directory("--runs", opts.runs, DEFAULT_RUNS);
      const datasetsDir = directory("--datasets", opts.datasets, DEFAULT_DATASETS);
      let agent: PlayAgent | null = null;
      const runtime = runtimeFromFlags(opts);
      if (opts.modelPath !== undefined) {
        if (!existsSync(opts.modelPath)) throw new UserError(`--model-path ${opts.modelPath}: no such file`);
        agent = await loadPlayAgent(resolve(opts.modelPath), { runtime, preflight: opts.preflight !== false });
      }
      let dash;
      try {
        dash = await startDashboard({ host: opts.host, port, runsDir, datasetsDir, agent });
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === "EADDRINUSE") throw new UserError(`--port ${port}: the port is in use; pick another (or --port 0 for a free one)`);
        if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw new UserError(`--host ${opts.host}: cannot bind to this address`);
        if (code === "EACCES") throw new UserError(`--port ${port}: permission denied (ports below 1024 need privileges)`);
        throw e;
      }
      console.log(`gridtune dashboard: ${dash.url}`);
      console.log(`  runs:     ${runsDir ?? `(none: ${DEFAULT_RUNS}/ does not exist; pass --runs DIR)`}`);
      console.log(`  datasets: ${datasetsDir}`);
      if (agent) console.log(`  agent:    ${agent.name}`);
      if (!isLoopback(opts.host)) console.log(`  warning: bound to ${opts.host}; anyone who can reach it can read these directories`);
      console.log("Ctrl-C stops it.");
      await new Promise<void>((done) => {
        const stop = () => {
          void dash
            .close()
            .then(() => runtime.dispose())
            .then(done);
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });
}
