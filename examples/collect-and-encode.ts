/**
 * Collect a small dataset with the optimal expert, load it back, and print the four text encodings
 * of one step — what the LLM agent reads — for the agent's view and for the full grid.
 *
 *     node dist/examples/collect-and-encode.js [out-dir]
 *
 * No LLM is needed. Without `out-dir` the dataset goes to a temporary directory.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENCODING_TYPES, collect, encode, loadDataset, makeEnv, parseSeeds, type StepRecord } from "gridtune";

const out = process.argv[2] ?? join(mkdtempSync(join(tmpdir(), "gridtune-example-")), "doorkey");

// 1. Collect: the expert plays DoorKey-5x5 for seeds 0–2, two episodes each (reset(seed), then reset()).
const { dir, manifest } = await collect(
  { envIds: ["MiniGrid-DoorKey-5x5-v0"], seeds: parseSeeds("0-2"), episodes: 2, out },
  { progress: (e) => e.done === e.total && console.error(`collected ${e.done} of ${e.total} episodes`) },
);
console.log(`Collected ${manifest.counts.episodes} episodes, ${manifest.counts.steps} steps into ${dir}`);

// 2. Load it back: every step, split 80/10/10 by episode (all steps of an episode in one split).
const data = await loadDataset(dir, { seed: 0, log: (line) => console.log(line) });
console.log(`train ${data.train.length}, validation ${data.validation.length}, test ${data.test.length} steps`);

// 3. One step — the first in the training split that picks something up, else the first one.
const step: StepRecord = data.train.find((s) => s.action === 3) ?? data.train[0]!;
console.log(`\nStep ${step.step} of ${step.env_id} seed ${step.seed} episode ${step.episode}: the expert does action ${step.action}, optimal ${JSON.stringify(step.optimal_actions)}, subgoal "${step.subgoal}"`);

for (const type of ENCODING_TYPES) {
  console.log(`\n── ${type}, agent view ──\n${encode(step, { type, view: "agent" })}`);
}
console.log(`\n── ascii, full view ──\n${encode(step, { type: "ascii", view: "full" })}`);

// 4. A live observation encodes the same way (the agent view needs only image, direction and mission).
const env = makeEnv("MiniGrid-DoorKey-5x5-v0");
const { obs } = env.reset({ seed: 0 });
console.log(`\n── natural, from a live observation ──\n${encode(obs, { type: "natural" })}`);
