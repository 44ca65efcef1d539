/**
 * BootstrapFewShot (dspy/teleprompt/bootstrap.py): demos that a teacher program produced and the
 * metric accepted, topped up with labeled training examples.
 *
 * 1. The student is copied without demos; the teacher is `teacher ?? student`, copied. Unless the
 *    teacher is already compiled, it gets `LabeledFewShot(maxLabeledDemos)` demos first.
 * 2. The teacher runs on the training examples in order, with a trace, until `maxBootstrappedDemos`
 *    of them succeeded. Each example gets up to `maxRounds` tries; try r > 0 samples afresh
 *    (`rolloutId = r`, temperature 1.0 — on the teacher's own LMs too, unlike DSPy). The example
 *    itself is hidden from the teacher's demos while it runs. Success: `metric(example, prediction,
 *    trace) >= metricThreshold` when a threshold is set, else a truthy metric value.
 * 3. Every predictor call in a successful trace becomes a demo `{augmented: true, ...inputs,
 *    ...outputs}` for the predictor of that name (one per example: when a predictor ran several
 *    times, a seeded coin picks one, as DSPy does).
 * 4. Each student predictor gets its first `maxBootstrappedDemos` bootstrapped demos plus
 *    `Random(0).sample` of the examples that were not bootstrapped, up to `maxLabeledDemos` in all.
 *
 * The LM of the teacher's calls: a teacher predictor's own LM, else `teacherSettings.lm`, else the
 * `lm` passed to `compile`. Predictors keep their own LMs (DSPy's reset drops them).
 *
 * ```ts
 * const compiled = await new BootstrapFewShot({ metric, teacherSettings: { lm: teacherLM } })
 *   .compile(student, { trainset, lm: studentLM });
 * ```
 */
import type { LM, LMRole } from "../../lm/types.js";
import type { ProgressCallback } from "../../util/progress.js";
import type { Adapter } from "../adapters/base.js";
import { type Metric, scoreOf } from "../evaluate.js";
import { Example } from "../example.js";
import type { CallOptions, Module, TraceEntry } from "../module.js";
import type { Predict } from "../predict.js";
import { LabeledFewShot } from "./labeled-few-shot.js";
import { rolloutLM } from "./lm-wrappers.js";
import { assertSameStructure, isStop, resetCopyKeepingLMs, throwIfStopped } from "./program-tools.js";
import { PyRandom, stableHash32 } from "./py-random.js";

/** The context the teacher runs in (DSPy's `teacher_settings`, made explicit). */
export interface TeacherSettings {
  /** The teacher's LM, for predictors without their own. */
  lm?: LM;
  adapter?: Adapter;
  /** Usage-accounting role of the teacher's calls. */
  role?: LMRole;
}

/**
 * Options of {@link BootstrapFewShot}: the metric and threshold, the teacher's settings, how many demos,
 * tries and errors.
 */
export interface BootstrapFewShotOptions {
  /** Judges a teacher run: `(example, prediction, trace)`. Without one, every run that does not throw succeeds. */
  metric?: Metric;
  /** When set (and non-zero), success is `metric >= metricThreshold`. */
  metricThreshold?: number;
  teacherSettings?: TeacherSettings;
  /** Most bootstrapped demos per predictor (default 4). */
  maxBootstrappedDemos?: number;
  /** Most demos in all per predictor, bootstrapped + labeled (default 16). */
  maxLabeledDemos?: number;
  /** Tries per training example (default 1). */
  maxRounds?: number;
  /** Failed teacher runs tolerated before the error is thrown (default 10). */
  maxErrors?: number;
  /** `{phase: "bootstrap", done: examples tried, total: trainset size}`. */
  progress?: ProgressCallback;
  /** Human-readable notes (DSPy's prints). */
  log?: (line: string) => void;
}

/**
 * What {@link BootstrapFewShot.compile} runs on: the training set, an optional teacher program, the LM,
 * the adapter and a signal.
 */
export interface BootstrapFewShotCompileOptions {
  trainset: readonly Example[];
  /** The teacher program (default: a copy of the student). */
  teacher?: Module;
  /** The LM for predictors without their own (the context LM). */
  lm?: LM;
  adapter?: Adapter;
  signal?: AbortSignal;
}

/** What one compile did. */
export interface BootstrapStats {
  /** Training examples the teacher ran on. */
  examplesTried: number;
  /** Teacher runs, counting every round. */
  attempts: number;
  /** Examples whose trace became demos. */
  bootstrapped: number;
  /** Teacher runs that threw. */
  errors: number;
}

/**
 * DSPy's BootstrapFewShot: demos that a teacher program produced and the metric accepted, topped up with
 * labeled training examples.
 */
export class BootstrapFewShot {
  readonly metric: Metric | undefined;
  readonly metricThreshold: number | undefined;
  readonly teacherSettings: TeacherSettings;
  readonly maxBootstrappedDemos: number;
  readonly maxLabeledDemos: number;
  readonly maxRounds: number;
  readonly maxErrors: number;
  /** Statistics of the last compile. */
  stats: BootstrapStats = { examplesTried: 0, attempts: 0, bootstrapped: 0, errors: 0 };

  constructor(private readonly options: BootstrapFewShotOptions = {}) {
    this.metric = options.metric;
    this.metricThreshold = options.metricThreshold;
    this.teacherSettings = options.teacherSettings ?? {};
    this.maxBootstrappedDemos = options.maxBootstrappedDemos ?? 4;
    this.maxLabeledDemos = options.maxLabeledDemos ?? 16;
    this.maxRounds = options.maxRounds ?? 1;
    this.maxErrors = options.maxErrors ?? 10;
  }

  async compile<P extends Module>(studentProgram: P, options: BootstrapFewShotCompileOptions): Promise<P> {
    const { trainset, signal } = options;
    if (studentProgram.compiled) throw new Error("Student must be uncompiled.");
    const student = resetCopyKeepingLMs(studentProgram);
    let teacher: Module = (options.teacher ?? studentProgram).deepcopy();
    if (this.maxLabeledDemos && !teacher.compiled) {
      teacher = new LabeledFewShot({ k: this.maxLabeledDemos }).compile(resetCopyKeepingLMs(teacher), { trainset });
    }
    assertSameStructure(student, teacher);

    const names = new Map<Predict, string>();
    for (const [name, p] of student.namedPredictors()) names.set(p, name);
    for (const [name, p] of teacher.namedPredictors()) names.set(p, name);
    const nameToTraces = new Map<string, Example[]>(student.namedPredictors().map(([name]) => [name, []]));

    const stats: BootstrapStats = { examplesTried: 0, attempts: 0, bootstrapped: 0, errors: 0 };
    this.stats = stats;
    const bootstrapped = new Set<number>();
    for (let i = 0; i < trainset.length; i++) {
      if (bootstrapped.size >= this.maxBootstrappedDemos) break;
      throwIfStopped(signal);
      stats.examplesTried++;
      for (let round = 0; round < this.maxRounds; round++) {
        stats.attempts++;
        if (await this.bootstrapOne(trainset[i]!, round, teacher, names, nameToTraces, options)) {
          bootstrapped.add(i);
          break;
        }
      }
      this.options.progress?.({ phase: "bootstrap", done: i + 1, total: trainset.length, detail: `${bootstrapped.size} bootstrapped` });
    }
    stats.bootstrapped = bootstrapped.size;
    this.options.log?.(
      `Bootstrapped ${bootstrapped.size} full traces after ${stats.examplesTried} examples for up to ${this.maxRounds} rounds, amounting to ${stats.attempts} attempts.`,
    );

    // Training examples that were not bootstrapped, shuffled as DSPy shuffles them.
    const validation = trainset.filter((_, i) => !bootstrapped.has(i));
    new PyRandom(0).shuffle(validation);

    const rng = new PyRandom(0);
    let raw: Example[] = validation;
    for (const [name, predictor] of student.namedPredictors()) {
      const augmented = nameToTraces.get(name)!.slice(0, this.maxBootstrappedDemos);
      const size = Math.max(0, Math.min(this.maxLabeledDemos - augmented.length, raw.length));
      raw = rng.sample(raw, size);
      predictor.demos = [...augmented, ...raw];
    }
    student.compiled = true;
    return student;
  }

  /** One teacher run on one example; true when it succeeded (its demos are then recorded). */
  private async bootstrapOne(
    example: Example,
    round: number,
    teacher: Module,
    names: Map<Predict, string>,
    nameToTraces: Map<string, Example[]>,
    options: BootstrapFewShotCompileOptions,
  ): Promise<boolean> {
    const predictors = teacher.predictors();
    const savedDemos = predictors.map((p) => p.demos);
    const savedLMs = new Map<Predict, LM>();
    const trace: TraceEntry[] = [];
    let success = false;
    try {
      for (const p of predictors) {
        p.demos = p.demos.filter((d) => d !== example && !d.equals(example));
        if (round > 0 && p.lm) {
          savedLMs.set(p, p.lm);
          p.lm = rolloutLM(p.lm, round, 1.0);
        }
      }
      const contextLM = this.teacherSettings.lm ?? options.lm;
      const callOptions: CallOptions = { trace };
      if (contextLM) callOptions.lm = round > 0 ? rolloutLM(contextLM, round, 1.0) : contextLM;
      const adapter = this.teacherSettings.adapter ?? options.adapter;
      if (adapter) callOptions.adapter = adapter;
      if (this.teacherSettings.role) callOptions.role = this.teacherSettings.role;
      if (options.signal) callOptions.signal = options.signal;
      let prediction;
      try {
        prediction = await teacher.call(example.inputs(), callOptions);
      } finally {
        predictors.forEach((p, i) => (p.demos = savedDemos[i]!));
        for (const [p, lm] of savedLMs) p.lm = lm;
      }
      if (this.metric) {
        const value = await this.metric(example, prediction, trace);
        success = this.metricThreshold ? scoreOf(value) >= this.metricThreshold : Boolean(scoreOf(value));
      } else {
        success = true;
      }
    } catch (error) {
      if (isStop(error, options.signal)) throw error;
      this.stats.errors++;
      if (this.stats.errors >= this.maxErrors) throw error;
      this.options.log?.(`Failed to run or to evaluate example ${example} due to ${(error as Error)?.message ?? error}.`);
      return false;
    }
    if (!success) return false;

    const perName = new Map<string, Example[]>();
    for (const step of trace) {
      const name = names.get(step.predictor);
      if (name === undefined) continue;
      const demo = new Example({ augmented: true, ...step.inputs, ...step.prediction.toDict() });
      const list = perName.get(name) ?? [];
      list.push(demo);
      perName.set(name, list);
    }
    for (const [name, demos] of perName) {
      let chosen = demos;
      if (demos.length > 1) {
        // DSPy: a coin seeded by the demos picks a random earlier call or the last one.
        const rng = new PyRandom(stableHash32(JSON.stringify(demos.map((d) => d.toDict()))));
        chosen = [rng.random() < 0.5 ? rng.choice(demos.slice(0, -1)) : demos[demos.length - 1]!];
      }
      nameToTraces.get(name)!.push(...chosen);
    }
    return true;
  }
}

/**
 * A copy of `program` marked compiled, to teach exactly as it is. BootstrapFewShot (DSPy's rule,
 * bootstrap.py L104-106) gives an *uncompiled* teacher `LabeledFewShot` demos in place of its own,
 * and MIPROv2 — DSPy's and gridtune's — returns an uncompiled program; distilling from an optimized
 * program must keep its bootstrapped demos.
 */
export function teacherAsIs<P extends Module>(program: P): P {
  const teacher = program.deepcopy();
  teacher.compiled = true;
  return teacher;
}
