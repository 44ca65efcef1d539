/** The conformance runner's BabyAI bot check over every recorded Python BabyAIBot episode. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadFixtureFile } from "../testing/reference-fixtures.js";
import { fixturePath } from "../testing/paths.js";
import { babyaiBotCheck } from "./babyai-bot-check.js";

const fixture = loadFixtureFile(fixturePath("minigrid/babyai.json.gz"));

test("bot: every recorded bot episode of the fixture (96 levels × seeds 0–4) passes the bot check", () => {
  const failing: string[] = [];
  for (const ep of fixture.episodes) {
    const f = babyaiBotCheck(ep);
    if (f.length > 0) failing.push(`${ep.env_id} ${ep.seed}: ${f.join("; ")}`);
  }
  assert.deepEqual(failing, []);
});
