/**
 * Env throughput: random actions on one core, resetting (with a fresh seed) whenever an episode ends.
 * Reports steps/s (resets included in the time), resets/s measured separately, and heap growth.
 */
import { makeEnv } from "../src/minigrid/registry.js";
import { NumpyGenerator } from "../src/minigrid/rng.js";

export interface EnvBenchResult {
  env: string;
  steps_per_s: number;
  resets_per_s: number;
  /** The same rates per second of this process's CPU time: steadier when the machine is busy. */
  steps_per_cpu_s: number;
  resets_per_cpu_s: number;
  steps: number;
  resets: number;
  seconds: number;
  heap_mb_start: number;
  heap_mb_end: number;
}

/** Resets made before timing, so that the reset path is optimised like the step path. */
const RESET_WARMUP = 3000;

export function benchEnv(envId: string, seconds: number): EnvBenchResult {
  const env = makeEnv(envId);
  const actions = new NumpyGenerator(12345); // the policy's own stream, independent of the env's
  let seed = 0;
  env.reset({ seed: seed++ });
  // Warm up the JIT before timing.
  for (let i = 0; i < 20000; i++) {
    const r = env.step(actions.integers(0, 7));
    if (r.terminated || r.truncated) env.reset({ seed: seed++ });
  }
  // And the reset path: envs with long episodes (BossLevel: hundreds of steps each) reset only a
  // few dozen times above, so their level generation was still being optimised while timed.
  for (let i = 0; i < RESET_WARMUP; i++) env.reset({ seed: seed++ });
  globalThis.gc?.();
  const heapStart = process.memoryUsage().heapUsed;
  const half = (seconds * 1000) / 2;

  let steps = 0;
  let stepResets = 0;
  let cpu0 = process.cpuUsage();
  let t0 = performance.now();
  let deadline = t0 + half;
  let now = t0;
  while (now < deadline) {
    for (let i = 0; i < 1000; i++) {
      const r = env.step(actions.integers(0, 7));
      steps++;
      if (r.terminated || r.truncated) {
        env.reset({ seed: seed++ });
        stepResets++;
      }
    }
    now = performance.now();
  }
  const stepSeconds = (now - t0) / 1000;
  const stepCpu = cpuSeconds(process.cpuUsage(cpu0));

  let resets = 0;
  cpu0 = process.cpuUsage();
  t0 = performance.now();
  deadline = t0 + half;
  now = t0;
  while (now < deadline) {
    for (let i = 0; i < 100; i++) env.reset({ seed: seed++ });
    resets += 100;
    now = performance.now();
  }
  const resetSeconds = (now - t0) / 1000;
  const resetCpu = cpuSeconds(process.cpuUsage(cpu0));
  globalThis.gc?.();
  const heapEnd = process.memoryUsage().heapUsed;
  return {
    env: envId,
    steps_per_s: Math.round(steps / stepSeconds),
    resets_per_s: Math.round(resets / resetSeconds),
    steps_per_cpu_s: Math.round(steps / stepCpu),
    resets_per_cpu_s: Math.round(resets / resetCpu),
    steps,
    resets: resets + stepResets,
    seconds: Math.round((stepSeconds + resetSeconds) * 100) / 100,
    heap_mb_start: Math.round((heapStart / 2 ** 20) * 10) / 10,
    heap_mb_end: Math.round((heapEnd / 2 ** 20) * 10) / 10,
  };
}

function cpuSeconds(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1e6;
}
