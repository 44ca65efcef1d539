#!/usr/bin/env node
/** `gridtune` — the CLI: a thin shell over the library; each command lives in ./commands/. */
import { Command, CommanderError } from "commander";
import { COMMANDS } from "./commands/index.js";
import { formatCliError } from "./format-error.js";

// A reader that stops early (`gridtune play | head`) closes the pipe: end quietly, as other CLIs do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE" || e.code === "ERR_STREAM_DESTROYED") process.exit(0);
    throw e;
  });
}

const program = new Command();
program
  .name("gridtune")
  .description("Train LLM agents for Minigrid grid worlds: seed-exact envs, optimal experts, text encodings, prompt optimization.")
  .version("0.1.0")
  .showSuggestionAfterError(true)
  .exitOverride();
for (const register of COMMANDS) register(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  const { message, code } = formatCliError(e);
  process.stderr.write(`error: ${message}\n`);
  if (process.env.GRIDTUNE_DEBUG) console.error(e);
  process.exit(code);
});
