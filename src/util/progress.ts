/**
 * A small terminal progress bar for long work (collection, evaluation, optimization).
 * Draws on stderr only when it is a TTY; otherwise prints a line every ~10% so logs stay readable.
 */
export interface ProgressEvent {
  /** What is being done, e.g. "collect" or "evaluate". */
  phase: string;
  done: number;
  total: number;
  /** Short free text, e.g. the current env id or the running score. */
  detail?: string;
}

/** Receives a {@link ProgressEvent} as long operations advance; draw your own progress bar with it. */
export type ProgressCallback = (e: ProgressEvent) => void;

/**
 * A terminal progress bar on stderr (redrawn on a TTY, a line every 10% otherwise); `callback()` turns it
 * into a {@link ProgressCallback}.
 */
export class ProgressBar {
  private lastPrinted = -1;
  private readonly start = Date.now();
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly enabled = true,
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  update(done: number, detail = ""): void {
    if (!this.enabled || this.total <= 0) return;
    const frac = Math.min(1, done / this.total);
    if (this.tty) {
      const width = 28;
      const filled = Math.round(frac * width);
      const elapsed = (Date.now() - this.start) / 1000;
      const eta = frac > 0 ? elapsed / frac - elapsed : 0;
      const line = `${this.label} [${"█".repeat(filled)}${"░".repeat(width - filled)}] ${done}/${this.total} ${(frac * 100).toFixed(0)}% ${elapsed.toFixed(1)}s${done < this.total ? ` eta ${eta.toFixed(0)}s` : ""} ${detail}`;
      this.stream.write(`\r\x1b[2K${line.slice(0, (this.stream.columns || 120) - 1)}`);
    } else {
      const decile = Math.floor(frac * 10);
      if (decile > this.lastPrinted) {
        this.lastPrinted = decile;
        this.stream.write(`${this.label}: ${done}/${this.total} (${(frac * 100).toFixed(0)}%) ${detail}\n`);
      }
    }
  }

  finish(detail = ""): void {
    if (!this.enabled) return;
    this.update(this.total, detail);
    if (this.tty) this.stream.write("\n");
  }

  /** A ProgressCallback that drives this bar. */
  callback(): ProgressCallback {
    return (e) => this.update(e.done, e.detail);
  }
}
