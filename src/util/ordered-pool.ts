/**
 * One worker pool for "run these n tasks, at most k at once": Evaluate, the pipeline's evaluation and
 * MIPROv2's demo sets and proposals all use it.
 *
 * The error rule: a task that throws stops the pool — no new task starts, the ones running finish,
 * and once every started task has settled the failure of the lowest index is thrown. Tasks that must
 * tolerate errors (Evaluate's `maxErrors`) catch them and return a result saying so. A `signal` that
 * aborts stops the pool the same way, with its reason as the failure of the next task.
 *
 * `onResult(value, i)` is called in index order, each as soon as task i and every earlier task are
 * done (MIPROv2 commits and checkpoints there); if it throws, the pool stops as if a task had.
 */

/** Options of {@link runOrderedPool}. */
export interface OrderedPoolOptions<T> {
  /** Most tasks running at once (at least 1). With 1 it is the plain sequential loop. */
  concurrency: number;
  /** Stops the pool; no task starts after it aborts. */
  signal?: AbortSignal;
  /** Called in index order with each result (see the module comment). */
  onResult?: (value: T, index: number) => void;
}

/** Runs `task(0)…task(count − 1)`; resolves with the results in index order (see the module comment for the error rule). */
export async function runOrderedPool<T>(count: number, task: (index: number) => Promise<T>, options: OrderedPoolOptions<T>): Promise<T[]> {
  type Outcome = { ok: true; value: T } | { ok: false; error: unknown };
  const outcomes: (Outcome | undefined)[] = new Array<Outcome | undefined>(count);
  let next = 0;
  let committed = 0;
  let stopped = false;
  const fail = (index: number, error: unknown) => {
    outcomes[index] = { ok: false, error };
    stopped = true;
  };
  const flush = () => {
    while (committed < count) {
      const o = outcomes[committed];
      if (!o || !o.ok) return;
      if (options.onResult) {
        try {
          options.onResult(o.value, committed);
        } catch (error) {
          fail(committed, error);
          return;
        }
      }
      committed++;
    }
  };
  const worker = async () => {
    while (!stopped && next < count) {
      const i = next++;
      if (options.signal?.aborted) {
        fail(i, options.signal.reason);
        break;
      }
      try {
        outcomes[i] = { ok: true, value: await task(i) };
      } catch (error) {
        fail(i, error);
      }
      flush();
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(options.concurrency) || 1, count));
  await Promise.all(Array.from({ length: count === 0 ? 0 : workers }, worker));
  flush();
  const failure = outcomes.find((o): o is { ok: false; error: unknown } => o !== undefined && !o.ok);
  if (failure) throw failure.error;
  return outcomes.map((o) => (o as { ok: true; value: T }).value);
}
