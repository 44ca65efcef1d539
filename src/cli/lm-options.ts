/**
 * The LM flags every command that calls LMs shares — `--no-preflight`, `--timeout`, `--rpm`, `--tpm`,
 * `--max-concurrency` — and the run's LM runtime built from them, with every retry printed to stderr.
 * Flags win over the environment (GRIDTUNE_TIMEOUT_MS, GRIDTUNE_RPM, GRIDTUNE_TPM, GRIDTUNE_MAX_CONCURRENCY).
 */
import type { Command } from "commander";
import { LMRuntime } from "../lm/runtime.js";
import { UserError } from "../util/errors.js";

/** The parsed LM flags. */
export interface LMFlags {
  /** commander's `--no-preflight`: false when given. */
  preflight?: boolean;
  timeout?: number;
  rpm?: number;
  tpm?: number;
  maxConcurrency?: number;
}

function positive(flag: string, integer: boolean) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new UserError(`${flag} must be a positive ${integer ? "integer" : "number"}, got '${v}'`);
    return n;
  };
}

/** Adds the shared LM flags to a command. */
export function addLMOptions(command: Command): Command {
  return command
    .option("--no-preflight", "skip the check that every role's model is served before any work")
    .option("--timeout <ms>", "per-request LM timeout in ms, every provider (default: 120 s Groq/OpenAI, 300 s other servers, 600 s Ollama and llama.cpp; GRIDTUNE_TIMEOUT_MS)", positive("--timeout", true))
    .option("--rpm <n>", "requests per minute to any one LM server, loopback included (GRIDTUNE_RPM; Groq default 30)", positive("--rpm", false))
    .option("--tpm <n>", "tokens per minute to any one LM server (GRIDTUNE_TPM; Groq default 6000, then what its headers say)", positive("--tpm", false))
    .option("--max-concurrency <n>", "LM requests in flight to one server at most (GRIDTUNE_MAX_CONCURRENCY)", positive("--max-concurrency", true));
}

/** Writes runtime lines (retries, recovered answers) to stderr, so `--json` output stays clean. */
export function stderrLog(line: string): void {
  process.stderr.write(`  ↻ ${line}\n`);
}

/** The run's LM runtime from the flags; every retry goes to stderr. */
export function runtimeFromFlags(flags: LMFlags, log: (line: string) => void = stderrLog): LMRuntime {
  return new LMRuntime({
    log,
    settings: {
      ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}),
      ...(flags.rpm !== undefined ? { requestsPerMinute: flags.rpm } : {}),
      ...(flags.tpm !== undefined ? { tokensPerMinute: flags.tpm } : {}),
      ...(flags.maxConcurrency !== undefined ? { maxConcurrency: flags.maxConcurrency } : {}),
    },
  });
}
