/** The ordered worker pool: concurrency, in-order results and commits, and its one error rule. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runOrderedPool } from "./ordered-pool.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("runs at most `concurrency` tasks at once and returns the results in index order", async () => {
  let running = 0;
  let most = 0;
  const results = await runOrderedPool(
    7,
    async (i) => {
      running++;
      most = Math.max(most, running);
      await sleep((7 - i) * 2); // later tasks finish first
      running--;
      return i * 10;
    },
    { concurrency: 3 },
  );
  assert.deepEqual(results, [0, 10, 20, 30, 40, 50, 60]);
  assert.equal(most, 3);
  assert.deepEqual(await runOrderedPool(0, async () => 1, { concurrency: 4 }), []);
});

test("onResult sees the results in index order, each once every earlier task is done", async () => {
  const seen: number[] = [];
  const finished = new Set<number>();
  await runOrderedPool(
    6,
    async (i) => {
      await sleep(i % 2 === 0 ? 8 : 1);
      finished.add(i);
      return i;
    },
    {
      concurrency: 3,
      onResult: (v, i) => {
        assert.equal(v, i);
        for (let j = 0; j <= i; j++) assert.ok(finished.has(j));
        seen.push(i);
      },
    },
  );
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5]);
});

test("a failure stops the pool: no new task starts, running ones finish, the done prefix is committed, the lowest failed index is thrown", async () => {
  const started: number[] = [];
  const committed: number[] = [];
  let runningAtEnd = 0;
  await assert.rejects(
    runOrderedPool(
      10,
      async (i) => {
        started.push(i);
        runningAtEnd++;
        await sleep(i === 1 ? 2 : 10);
        runningAtEnd--;
        if (i === 1 || i === 2) throw new Error(`task ${i}`);
        return i;
      },
      { concurrency: 3, onResult: (_v, i) => committed.push(i) },
    ),
    /task 1/,
  );
  assert.equal(runningAtEnd, 0, "every started task settled before the pool threw");
  assert.deepEqual(started, [0, 1, 2], "nothing started after the failure");
  assert.deepEqual(committed, [0]);
});

test("an onResult that throws stops the pool like a failed task; an aborted signal starts nothing more", async () => {
  const started: number[] = [];
  await assert.rejects(
    runOrderedPool(
      5,
      async (i) => {
        started.push(i);
        return i;
      },
      {
        concurrency: 1,
        onResult: (_v, i) => {
          if (i === 1) throw new Error("commit failed");
        },
      },
    ),
    /commit failed/,
  );
  assert.deepEqual(started, [0, 1]);
  const controller = new AbortController();
  const ran: number[] = [];
  await assert.rejects(
    runOrderedPool(
      5,
      async (i) => {
        ran.push(i);
        if (i === 1) controller.abort(new Error("stopped by the caller"));
        return i;
      },
      { concurrency: 1, signal: controller.signal },
    ),
    /stopped by the caller/,
  );
  assert.deepEqual(ran, [0, 1]);
});
