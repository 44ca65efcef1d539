import { test } from "node:test";
import assert from "node:assert/strict";
import { RateLimiter } from "./rate-limiter.js";
import type { Permit } from "./rate-limiter.js";

const tick = () => new Promise((r) => setImmediate(r));

test("no more than `concurrency` permits at once; waiters are served in order", async () => {
  const l = new RateLimiter({ concurrency: 2 });
  const order: number[] = [];
  const permits: Permit[] = [];
  const all = [0, 1, 2, 3].map((i) => l.acquire().then((p) => (order.push(i), permits.push(p))));
  await tick();
  assert.deepEqual(order, [0, 1]);
  assert.equal(l.active, 2);
  assert.equal(l.waiting, 2);
  permits[0]!.release();
  await tick();
  assert.deepEqual(order, [0, 1, 2]);
  permits[1]!.release();
  permits[1]!.release(); // a second release is ignored
  await tick();
  assert.deepEqual(order, [0, 1, 2, 3]);
  assert.equal(l.active, 2);
  await Promise.all(all);
});

test("requests per minute: the window holds at most N starts in 60 s", async () => {
  let now = 1_000_000;
  const l = new RateLimiter({ concurrency: 10, requestsPerMinute: 3 }, () => now);
  let started = 0;
  for (let i = 0; i < 5; i++) void l.acquire().then((p) => (started++, p.release()));
  await tick();
  assert.equal(started, 3);
  now += 59_000;
  l.setLimits({ concurrency: 10, requestsPerMinute: 3 }); // re-examine at the new time
  await tick();
  assert.equal(started, 3);
  now += 1_001;
  l.setLimits({ concurrency: 10, requestsPerMinute: 3 });
  await tick();
  assert.equal(started, 5);
});

test("tokens per minute: estimates count, real usage corrects them, a lone big request still runs", async () => {
  let now = 0;
  const l = new RateLimiter({ concurrency: 10, tokensPerMinute: 1000 }, () => now);
  const a = await l.acquire(600);
  let bStarted = false;
  const b = l.acquire(600).then((p) => ((bStarted = true), p));
  await tick();
  assert.equal(bStarted, false); // 600 + 600 > 1000
  a.release(100); // it used only 100
  await tick();
  assert.equal(bStarted, true);
  (await b).release(600);
  now += 61_000;
  const big = await l.acquire(5000); // larger than the whole budget, but the window is empty
  big.release(5000);
});

test("pauseFor holds everyone (a server's Retry-After), then lets them through", async () => {
  const l = new RateLimiter({ concurrency: 4 });
  l.pauseFor(40);
  const t0 = Date.now();
  const p = await l.acquire();
  assert.ok(Date.now() - t0 >= 35, `waited ${Date.now() - t0} ms`);
  p.release();
});

test("an aborted waiter leaves the queue", async () => {
  const l = new RateLimiter({ concurrency: 1 });
  const held = await l.acquire();
  const ac = new AbortController();
  const w = l.acquire(0, ac.signal);
  ac.abort(new Error("stop"));
  await assert.rejects(w, /stop/);
  assert.equal(l.waiting, 0);
  held.release();
  (await l.acquire()).release();
});

test("bad limits are refused", () => {
  assert.throws(() => new RateLimiter({ concurrency: 0 }), /concurrency must be a positive integer/);
  assert.throws(() => new RateLimiter({ concurrency: 1, requestsPerMinute: -1 }), /requestsPerMinute must be positive/);
});
