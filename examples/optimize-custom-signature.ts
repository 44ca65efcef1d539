/**
 * Optimize a signature of your own, on your own data, with MIPROv2 — no Minigrid agent involved.
 *
 * The task: read a BabyAI mission ("go to the red ball") and name the target's colour and kind. The
 * data is a JSON Lines file of `{"mission": …, "color": …, "object": …}` records (the second argument),
 * or, without one, missions generated from BabyAI-GoToObj seeds and labelled by a regular expression.
 *
 *     node dist/examples/optimize-custom-signature.js [out.json] [data.jsonl]
 *
 * LMs come from the environment: `GRIDTUNE_LOCAL_MODEL` (a .gguf file, run in-process), else Groq when
 * `GROQ_API_KEY` is set (`GROQ_BASE_URL` may point at any OpenAI-compatible server), else Ollama's
 * `llama3.1:latest` at `OLLAMA_HOST`. The same model is the task model and the prompt model here;
 * pass a larger one as `promptModel` when you have it.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ChainOfThought,
  Evaluate,
  Example,
  InputField,
  MIPROv2,
  Module,
  OutputField,
  Signature,
  LMRuntime,
  SOURCE_DEFAULTS,
  makeEnv,
  type CallOptions,
  type Inputs,
  type LM,
  type Metric,
  type Prediction,
} from "gridtune";

/** The run's LM runtime: its LMs share limits, the usage meter and any llama.cpp model. */
const runtime = new LMRuntime({ log: (line) => console.error(line) });

/** The LM from the environment, as described above. */
function lmFromEnv(): LM {
  const gguf = process.env.GRIDTUNE_LOCAL_MODEL;
  if (gguf) return runtime.lm(`llamacpp/${gguf}`);
  if (process.env.GROQ_API_KEY) return runtime.lm(SOURCE_DEFAULTS.groq); // llama-3.3-70b-versatile
  return runtime.lm(SOURCE_DEFAULTS.local); // Ollama, llama3.1:latest
}

// 1. The data: records → Examples whose input is `mission` (the rest are labels).
type Row = { mission: string; color: string; object: string };
function generatedRows(n: number): Row[] {
  const env = makeEnv("BabyAI-GoToObj-v0");
  const rows: Row[] = [];
  for (let seed = 0; rows.length < n; seed++) {
    const { obs } = env.reset({ seed });
    const m = /go to the (\w+) (\w+)/.exec(obs.mission);
    if (m) rows.push({ mission: obs.mission, color: m[1]!, object: m[2]! });
  }
  return rows;
}
const file = process.argv[3];
const rows: Row[] = file
  ? readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Row)
  : generatedRows(24);
const examples = rows.map((r) => new Example(r).withInputs("mission"));
const trainset = examples.slice(0, 10); // demos are bootstrapped from these
const valset = examples.slice(10, 16); // trials are scored on these
const devset = examples.slice(16); // held out: before/after

// 2. The signature and a program using it.
const findTarget = new Signature(
  {
    mission: InputField({ desc: "a BabyAI mission, e.g. 'go to the red ball'" }),
    color: OutputField({ desc: "the target's colour", type: { literal: ["red", "green", "blue", "purple", "yellow", "grey"] } }),
    object: OutputField({ desc: "the kind of object", type: { literal: ["ball", "box", "key", "door"] } }),
  },
  "Name the colour and the kind of the object the mission is about.",
);

class TargetFinder extends Module {
  readonly find = new ChainOfThought(findTarget);
  forward(inputs: Inputs, options: CallOptions): Promise<Prediction> {
    return this.find.call(inputs, options);
  }
}

// 3. The metric: half a point for each label right.
const metric: Metric = (example, prediction) =>
  (Number(prediction.get("color") === example.get("color")) + Number(prediction.get("object") === example.get("object"))) / 2;

const model = lmFromEnv();
const program = new TargetFinder();
program.setLM(model);
const evaluator = new Evaluate({ devset, metric, numThreads: 4 });
const before = await evaluator.run(program);
console.log(`Before optimization: ${before.score}% on ${devset.length} held-out missions`);

// 4. MIPROv2: propose instructions, bootstrap demos, search combinations (small settings: a demo).
const controller = new AbortController();
process.once("SIGINT", () => controller.abort(new Error("interrupted")));
const { program: optimized, report } = await new MIPROv2({
  metric,
  taskModel: model,
  promptModel: model,
  auto: null,
  numCandidates: 2,
  numTrials: 3,
  maxBootstrappedDemos: 1,
  maxLabeledDemos: 2,
  minibatch: false, // a valset this small is scored whole in every trial
  seed: 0,
  progress: (e) => e.done === e.total && console.error(`${e.phase}: ${e.done}/${e.total} done`),
  log: (line) => console.log(line),
}).compile(program, { trainset, valset, signal: controller.signal });

const after = await evaluator.run(optimized);
console.log(`After optimization: ${after.score}% (best validation score ${report.bestScore ?? "n/a"}, ${report.calls.calls} LM calls)`);
console.log(`Instructions: ${optimized.find.predict.signature.instructions}`);

// 5. Save it as DSPy JSON (Python's `dspy` loads it too); `new TargetFinder().load(path)` reads it back.
const out = process.argv[2] ?? join(mkdtempSync(join(tmpdir(), "gridtune-example-")), "target-finder.json");
optimized.save(out);
console.log(`Saved ${out}; LM usage: ${runtime.usage.snapshot().total.calls} calls`);
await runtime.dispose();
