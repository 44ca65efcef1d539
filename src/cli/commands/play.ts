/**
 * `gridtune play` — the interactive tester (the original's interactive_llm_tester.py) in the terminal:
 * the grid drawn in colour, the mission, the agent's hint and reasoning (with `--model-path`), the
 * expert's optimal actions for reference, and keys to act yourself or to let the agent act.
 *
 * Keys: 0–6 or ← → ↑ act (0 left, 1 right, 2 forward, 3 pick up, 4 drop, 5 toggle, 6 done); `a` the
 * agent acts once, `g` the agent plays to the end of the episode; `r` restart the seed, `n` next seed;
 * `s` save a PNG; `d` show/hide the observation text the agent reads; `q` quit. Without a terminal
 * (piped input) each line is one key.
 *
 * The session itself (env, seed, expert, agent, actions, pictures) is the library's `PlaySession`
 * (src/agent/play-session.ts); this file reads keys and draws.
 */
import type { Command } from "commander";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { ACTION_PHRASES } from "../../minigrid/constants.js";
import { ENCODING_TYPES, VIEW_TYPES, type EncodingType, type ViewType } from "../../agent/actions.js";
import type { MinigridAgent } from "../../agent/minigrid-agent.js";
import { PlaySession } from "../../agent/play-session.js";
import { makeEnv } from "../../minigrid/registry.js";
import { envOptionsFromEnvironment } from "../options.js";
import { choiceFlag, intFlag } from "./pipeline-shared.js";
import { addLMOptions, runtimeFromFlags, type LMFlags } from "../lm-options.js";

interface Opts extends LMFlags {
  modelPath?: string;
  history?: number;
  env: string;
  seed: number;
  encodingType?: EncodingType;
  view?: ViewType;
  hideLlmDetails?: boolean;
  outDir: string;
  color?: boolean;
}

const KEY_ACTIONS: Record<string, number> = { "0": 0, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "\x1b[D": 0, "\x1b[C": 1, "\x1b[A": 2, left: 0, right: 1, forward: 2, up: 2 };

export function register(program: Command): void {
  const command = program
    .command("play")
    .description("interactive tester: play an env in the terminal and watch (or follow) the agent's hints")
    .option("--model-path <file>", "the agent (.json from gridtune finetune); without it you play alone, with the expert's hints")
    .option("--env <id>", "env id", "BabyAI-GoToObj-v0")
    .option("--seed <n>", "seed", intFlag("--seed", 0), 0)
    .option("--encoding-type <type>", "show this encoding (default: the agent's)", choiceFlag("--encoding-type", ENCODING_TYPES))
    .option("--view <view>", "agent | full (default: the agent's)", choiceFlag("--view", VIEW_TYPES))
    .option("--history <k>", "the agent's memory: past steps it sees (default: as saved)", intFlag("--history", 0))
    .option("--hide-llm-details", "start with the observation text hidden")
    .option("--out-dir <dir>", "where `s` saves pictures", ".")
    .option("--no-color", "plain text grid");
  addLMOptions(command).action(async (opts: Opts) => {
      let agent: MinigridAgent | null = null;
      const runtime = runtimeFromFlags(opts);
      try {
        if (opts.modelPath) {
          const { MinigridAgent } = await import("../../agent/minigrid-agent.js");
          agent = await MinigridAgent.load(opts.modelPath, { runtime, preflight: opts.preflight !== false, ...(opts.history !== undefined ? { history: opts.history } : {}) });
        }
        const session = new PlaySession({ env: makeEnv(opts.env, envOptionsFromEnvironment()), seed: opts.seed, agent, encoding: opts.encodingType, view: opts.view });
        await playInTerminal(session, opts);
      } finally {
        await runtime.dispose();
      }
    });
}

/** The terminal side of `gridtune play`: keys in, the session drawn out. */
async function playInTerminal(session: PlaySession, opts: Opts): Promise<void> {
  const tty = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const color = opts.color !== false && Boolean(process.stdout.isTTY);
  const agent = session.agent;
  let details = !opts.hideLlmDetails;
  let message = "";

  /** Asks the agent about the current state (once per state); a failure is shown, not thrown. */
  const ask = async () => {
    if (!agent || session.done || session.advice) return;
    if (tty) process.stdout.write("🤖 thinking…\r");
    try {
      await session.advise();
    } catch {
      // kept in session.adviceError and drawn
    }
  };

  const draw = async () => {
    const out: string[] = [];
    if (tty) out.push("\x1b[2J\x1b[H");
    out.push(`🎮 ${session.env.envId}  seed ${session.seed}  episode ${session.episode}  step ${session.stepCount}/${session.maxSteps}`);
    out.push(`Mission: ${session.mission}`);
    out.push(session.ansi({ color }));
    const last = session.lastStep;
    if (last) out.push(`Last action: ${ACTION_PHRASES[last.action]}  reward ${last.reward.toFixed(3)}${last.done ? (last.success ? "  🏆 episode completed!" : "  ⏱️ episode over") : ""}`);
    const d = session.expertHint();
    if (d) out.push(`🧭 Expert: optimal ${d.optimalActions.map((a) => `${a} ${ACTION_PHRASES[a]}`).join(", ")}${d.subgoal ? `; subgoal: ${d.subgoal}` : ""}`);
    if (agent) {
      const a = session.advice;
      if (session.adviceError) out.push(`🤖 Agent: error: ${session.adviceError.message}`);
      else if (a) {
        out.push(`🤖 Agent hint: ${a.hint ?? "(none)"}${a.action !== null ? ` (action ${a.action})` : " (names no action)"}`);
        if (a.reasoning) out.push(`   Reasoning: ${a.reasoning.replace(/\s+/g, " ").slice(0, 600)}`);
      }
    } else out.push("🤖 No agent loaded (--model-path FILE shows a trained agent's hints)");
    if (details) out.push(`── observation (${session.encoding}, ${session.view} view) ──\n${await session.observationText()}`);
    if (message) out.push(message);
    out.push(`keys: 0-6 / ←→↑ act · ${agent ? "a agent acts · g agent plays · " : ""}r restart · n next seed · s save PNG · d details · q quit`);
    process.stdout.write(out.join("\n") + "\n");
    message = "";
  };

  const episodeOver = () => {
    message = "The episode is over: r to restart, n for the next seed, q to quit.";
  };

  /** Handles one key; false to quit. */
  const handle = async (key: string): Promise<boolean> => {
    const k = key === "\x1b[D" || key === "\x1b[C" || key === "\x1b[A" ? key : key.trim().toLowerCase();
    if (k === "q" || k === "\x03" || k === "quit") return false;
    if (k in KEY_ACTIONS) {
      if (session.done) episodeOver();
      else session.act(KEY_ACTIONS[k]!);
    } else if (k === "a" && agent) {
      if (session.done) episodeOver();
      else {
        const step = await session.agentAct().catch(() => undefined); // undefined: the call failed (session.adviceError is drawn)
        if (step === null) message = "The agent named no action; act yourself.";
      }
    } else if (k === "g" && agent) {
      if (session.done) episodeOver();
      else {
        try {
          const r = await session.agentPlay({ onStep: async () => (tty ? draw() : undefined) });
          if (r.stopped === "no-action") message = "The agent named no action; stopped.";
        } catch {
          // the agent failed: session.adviceError is drawn
        }
      }
      return true;
    } else if (k === "r") session.reset();
    else if (k === "n") session.reset(session.seed + 1);
    else if (k === "s") {
      const file = session.saveImage(join(opts.outDir, session.imageName()));
      message = `💾 saved ${file}`;
      return true;
    } else if (k === "d") details = !details;
    else if (k !== "") message = `unknown key '${k}'`;
    await ask();
    return true;
  };

  await ask();
  await draw();
  if (tty) {
    process.stdin.setRawMode(true);
    process.stdin.resume();
    process.stdin.setEncoding("utf8");
    await new Promise<void>((done) => {
      let busy = false;
      process.stdin.on("data", async (chunk: string) => {
        if (busy) return;
        busy = true;
        const go = await handle(chunk);
        if (!go) {
          process.stdin.setRawMode(false);
          process.stdin.pause();
          done();
          return;
        }
        await draw();
        busy = false;
      });
    });
  } else {
    const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of rl) {
      if (!(await handle(line))) break;
      // A reader that went away (`gridtune play | head`): stop instead of playing out the input.
      if (process.stdout.destroyed) break;
      await draw();
    }
    rl.close();
  }
  if (!process.stdout.destroyed) process.stdout.write("Thanks for testing! 🎉\n");
}
