/**
 * The BabyAI bot check of the conformance runner (`conformance babyai`): runs gridtune's port of
 * Minigrid's BabyAIBot from a fresh `reset(seed)` and compares it with the recorded Python bot
 * episode (fixtures/minigrid/README.md, "Bot record (BabyAI)").
 *
 * - Recorded without error: the actions, step count, terminated/truncated, success and reward must match.
 * - Recorded with an error (`AssertionError: …`, `Timeout: …`): the recorded actions are a prefix.
 *   They must match, and the port must raise the same kind of error right after them. A Python hang
 *   (Timeout) need not be reproduced: continuing past the prefix is accepted too.
 */
import type { FixtureBot, FixtureEpisode } from "../testing/reference-fixtures.js";
import { runBot, type BotRun } from "../testing/babyai-bot-run.js";

export { runBot, type BotRun } from "../testing/babyai-bot-run.js";

/** Failure messages for one episode's bot record (empty = pass). */
export function babyaiBotCheck(ep: FixtureEpisode): string[] {
  const want: FixtureBot | null | undefined = ep.bot;
  if (!want) return [];
  const failures: string[] = [];
  const where = `bot${want.known_unsupported ? " (known unsupported)" : ""}`;
  let got: BotRun;
  try {
    // A recorded error bounds the run: its actions are a prefix, and a hang need not be reproduced.
    got = runBot(ep.env_id, ep.seed, want.error ? want.actions.length + 1 : Infinity);
  } catch (e) {
    return [`${where} error: ${String((e as Error).stack ?? e).split("\n").slice(0, 3).join(" | ")}`];
  }
  if (want.error === null) {
    if (got.error !== null) failures.push(`${where} raised ${got.error} after ${got.steps} actions (want none)`);
    if (got.actions !== want.actions) failures.push(`${where} actions: ${firstDiff(got.actions, want.actions)}`);
    if (got.steps !== want.steps) failures.push(`${where} steps: got ${got.steps}, want ${want.steps}`);
    if (got.terminated !== want.terminated) failures.push(`${where} terminated: got ${got.terminated}, want ${want.terminated}`);
    if (got.truncated !== want.truncated) failures.push(`${where} truncated: got ${got.truncated}, want ${want.truncated}`);
    if (got.success !== want.success) failures.push(`${where} success: got ${got.success}, want ${want.success}`);
    if (got.reward !== want.reward) failures.push(`${where} reward: got ${got.reward}, want ${want.reward}`);
    return failures;
  }
  const wantKind = want.error.split(":")[0]!;
  const prefix = got.actions.slice(0, want.actions.length);
  if (prefix !== want.actions) failures.push(`${where} actions before the recorded ${wantKind}: ${firstDiff(prefix, want.actions)}`);
  else if (got.actions.length === want.actions.length) {
    if (got.errorKind !== wantKind) failures.push(`${where}: want ${want.error} after ${want.actions.length} actions, got ${got.error ?? "no error"}`);
  } else if (wantKind !== "Timeout") {
    failures.push(`${where}: want ${want.error} after ${want.actions.length} actions, the port went on`);
  }
  return failures;
}

function firstDiff(got: string, want: string): string {
  let i = 0;
  while (i < got.length && i < want.length && got[i] === want[i]) i++;
  return `differ at action ${i}: got ${got.slice(i, i + 20) || "(end)"} (${got.length} actions), want ${want.slice(i, i + 20) || "(end)"} (${want.length} actions)`;
}
