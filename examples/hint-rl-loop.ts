/**
 * A trained agent as a hint source inside a hand-written RL loop: tabular Q-learning on
 * MiniGrid-Empty-5x5, exploring along the LLM agent's hints instead of uniformly at random.
 *
 *     GRIDTUNE_AGENT=saved_llm_models/finetuned_….json node dist/examples/hint-rl-loop.js [episodes]
 *
 * `GRIDTUNE_AGENT` is a program saved by `gridtune finetune` (or `finetune()`); its LM is the model the
 * file names. Without it, an untrained (zero-shot) agent is used with the LM from the environment:
 * `GRIDTUNE_LOCAL_MODEL` (a .gguf file, run in-process), else Groq when `GROQ_API_KEY` is set
 * (`GROQ_BASE_URL` may point at any OpenAI-compatible server), else Ollama's `llama3.1:latest` at
 * `OLLAMA_HOST`.
 */
import { HintWrapper, LMRuntime, MinigridAgent, SOURCE_DEFAULTS, makeEnv, type LM } from "gridtune";

const EPISODES = Number(process.argv[2] ?? 20);
const ALPHA = 0.5; // learning rate
const GAMMA = 0.95; // discount
const EPSILON = 0.3; // exploration rate

/** The run's LM runtime: its LMs share limits, the usage meter and any llama.cpp model. */
const runtime = new LMRuntime({ log: (line) => console.error(line) });

/** The LM from the environment, as described above. */
function lmFromEnv(): LM {
  const gguf = process.env.GRIDTUNE_LOCAL_MODEL;
  if (gguf) return runtime.lm(`llamacpp/${gguf}`);
  if (process.env.GROQ_API_KEY) return runtime.lm(SOURCE_DEFAULTS.groq); // llama-3.3-70b-versatile
  return runtime.lm(SOURCE_DEFAULTS.local); // Ollama, llama3.1:latest
}

const agentPath = process.env.GRIDTUNE_AGENT;
const agent = agentPath ? await MinigridAgent.load(agentPath, { runtime }) : new MinigridAgent({ hintType: "action", encodingType: "ascii" }, lmFromEnv());
console.log(agentPath ? `Hints from ${agentPath} (${agent.encodingType} encoding, ${agent.view} view)` : "Hints from an untrained (zero-shot) agent");

// Ctrl-C stops the LLM calls in flight and ends the loop cleanly.
const controller = new AbortController();
process.once("SIGINT", () => controller.abort(new Error("interrupted")));

// The wrapper asks the agent every 2nd step; other observations carry hint_available = 0.
const env = new HintWrapper(makeEnv("MiniGrid-Empty-5x5-v0", { max_steps: 40 }), agent, {
  every: 2,
  signal: controller.signal,
  onError: (e) => console.warn(`no hint this step: ${(e as Error).message}`),
});

const q = new Map<string, Float64Array>();
const values = (key: string): Float64Array => {
  let v = q.get(key);
  if (!v) q.set(key, (v = new Float64Array(7)));
  return v;
};
// A tabular state: what the agent sees and where it faces.
const stateKey = (obs: { image: Uint8Array; direction: number }) => `${obs.direction}:${Buffer.from(obs.image).toString("base64")}`;
const greedy = (v: Float64Array) => v.indexOf(Math.max(...v));

let rng = 12345; // a small seeded LCG, so runs repeat
const random = () => ((rng = (rng * 1103515245 + 12345) % 2147483648) / 2147483648);

for (let episode = 0; episode < EPISODES && !controller.signal.aborted; episode++) {
  let { obs } = await env.reset({ seed: episode });
  let ret = 0;
  let steps = 0;
  let followed = 0;
  for (;;) {
    const s = stateKey(obs);
    // Explore along the hint when there is one; otherwise act greedily (or at random).
    let action: number;
    if (random() < EPSILON) {
      action = obs.hint_available ? obs.hint : Math.floor(random() * 3);
      if (obs.hint_available) followed++;
    } else action = greedy(values(s));
    const r = await env.step(action);
    const done = r.terminated || r.truncated;
    const target = r.reward + (r.terminated ? 0 : GAMMA * Math.max(...values(stateKey(r.obs))));
    values(s)[action]! += ALPHA * (target - values(s)[action]!);
    ret += r.reward;
    steps++;
    obs = r.obs;
    if (done) break;
  }
  console.log(`episode ${episode}: return ${ret.toFixed(3)} in ${steps} steps, ${followed} hints followed`);
}

const usage = runtime.usage.snapshot();
console.log(`LLM queries ${env.queries}, memo hits ${env.memoHits}; calls ${usage.total.calls} (${usage.total.cachedCalls} from the cache)`);
await runtime.dispose();
