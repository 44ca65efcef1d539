/** What the pipeline commands share: progress bars per phase, Ctrl-C handling, flag parsers. */
import { ProgressBar, type ProgressCallback, type ProgressEvent } from "../../util/progress.js";
import { UserError } from "../../util/errors.js";

const LABELS: Record<string, string> = {
  bootstrap: "bootstrap demos",
  propose: "propose instructions",
  search: "search trials",
  evaluate: "  evaluating",
  distill: "distill",
  test: "test",
  rollout: "episodes",
  collect: "collect",
  index: "index steps",
};

/** One bar per phase; a new phase finishes the previous bar. The inner evaluation bar of a trial is shown only on a TTY. */
export function progressBars(enabled = true): ProgressCallback & { finish(): void } {
  let current: { phase: string; bar: ProgressBar } | null = null;
  const tty = Boolean(process.stderr.isTTY);
  const cb = ((e: ProgressEvent) => {
    if (!enabled) return;
    if (e.phase === "evaluate" && !tty) return;
    if (!current || current.phase !== e.phase || e.done < 1) {
      if (current && current.phase !== e.phase) current.bar.finish();
      current = { phase: e.phase, bar: new ProgressBar(LABELS[e.phase] ?? e.phase, e.total) };
    }
    current.bar.update(e.done, e.detail ?? "");
    if (e.done >= e.total) {
      current.bar.finish(e.detail ?? "");
      current = null;
    }
  }) as ProgressCallback & { finish(): void };
  cb.finish = () => {
    current?.bar.finish();
    current = null;
  };
  return cb;
}

/** An AbortSignal that Ctrl-C (SIGINT) or SIGTERM fires once; a second Ctrl-C exits at once. */
export function interruptSignal(onStop: () => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    onStop();
    controller.abort(new InterruptedError(sig));
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}

export class InterruptedError extends UserError {
  constructor(sig: string) {
    super(`stopped by ${sig}`, 130);
    this.name = "InterruptedError";
  }
}

export function intFlag(flag: string, min = 0) {
  return (v: string): number => {
    if (!/^\s*\d+\s*$/.test(v) || Number(v) < min) throw new UserError(`${flag} must be an integer ≥ ${min}, got '${v}'`);
    return Number(v);
  };
}

export function choiceFlag<T extends string>(flag: string, choices: readonly T[]) {
  return (v: string): T => {
    if (!choices.includes(v as T)) throw new UserError(`${flag}: unknown value '${v}'; use ${choices.join(", ")}`);
    return v as T;
  };
}
