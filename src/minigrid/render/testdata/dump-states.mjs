// Step 1 of regenerating minigrid-render.json: replay the frame cases with the built gridtune env and
// print each state (grid encoding, agent, carrying) as JSON for make-fixtures.py.
//   npx tsc -p . && node src/minigrid/render/testdata/dump-states.mjs > /tmp/render-states.json
import { makeEnv } from "../../../../dist/src/minigrid/registry.js";

const DOORKEY_8X8_SEED_0_SOLUTION = [2, 0, 3, 0, 2, 2, 2, 1, 2, 5, 2, 2, 1, 2, 2, 2, 2];
const cases = [
  ...[0, 3, 10, 17].map((n) => ({ env: "MiniGrid-DoorKey-8x8-v0", seed: 0, actions: DOORKEY_8X8_SEED_0_SOLUTION.slice(0, n) })),
  { env: "MiniGrid-DoorKey-5x5-v0", seed: 1, actions: [1, 2, 2] },
  { env: "MiniGrid-DoorKey-16x16-v0", seed: 2, actions: [] },
  { env: "MiniGrid-DoorKey-16x16-v0", seed: 2, actions: [0, 2, 2, 2, 1, 2] },
  { env: "MiniGrid-Empty-8x8-v0", seed: 0, actions: [2, 2, 1, 2] },
];
const states = cases.map((c) => {
  const env = makeEnv(c.env);
  env.reset({ seed: c.seed });
  for (const a of c.actions) env.step(a);
  return {
    ...c,
    width: env.width,
    height: env.height,
    grid: Array.from(env.grid.encode()),
    agentPos: env.agentPos,
    agentDir: env.agentDir,
    carrying: env.carrying ? env.carrying.encode() : null,
    agentViewSize: env.agentViewSize,
    seeThroughWalls: env.seeThroughWalls,
  };
});
console.log(JSON.stringify(states));
