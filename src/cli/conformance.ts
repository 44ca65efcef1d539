#!/usr/bin/env node
/**
 * The conformance runner: `npm run conformance -- <suite> <fixture-file>` (`.json` or `.json.gz`;
 * the recorded fixtures are in fixtures/, see fixtures/README.md).
 * Suites: minigrid, babyai (recorded Python Minigrid episodes), dspy (recorded DSPy ChatAdapter cases).
 * Prints every failure, then one line `N passed, M failed`.
 */
import { existsSync } from "node:fs";
import { checkEpisode, loadFixtureFile, type BotCheck } from "../conformance/minigrid-fixtures.js";

export interface CaseResult {
  name: string;
  failures: string[];
}

type Suite = (file: string) => Promise<CaseResult[]>;

async function envSuite(file: string, botCheck?: BotCheck): Promise<CaseResult[]> {
  const data = loadFixtureFile(file);
  return data.episodes.map((ep) => {
    const r = checkEpisode(ep, botCheck);
    return { name: `${r.envId} seed ${r.seed}`, failures: r.failures };
  });
}

const SUITES: Record<string, Suite> = {
  minigrid: (f) => envSuite(f),
  babyai: async (f) => {
    // The bot check lives with the BabyAI layer; without it only the replays are checked.
    const botModule = "../conformance/babyai-bot-check.js";
    const mod = (await import(botModule).catch(() => null)) as { babyaiBotCheck?: BotCheck } | null;
    return envSuite(f, mod?.babyaiBotCheck);
  },
  dspy: async (f) => {
    const dspyModule = "../conformance/dspy-fixtures.js";
    const mod = (await import(dspyModule)) as { runDspyFixtures: Suite };
    return mod.runDspyFixtures(f);
  },
};

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const onlyAt = args.indexOf("--only");
  const only = onlyAt >= 0 ? args.splice(onlyAt, 2)[1] : undefined;
  const [suite, file] = args;
  if (!suite || !file || !(suite in SUITES)) {
    console.error(`usage: npm run conformance -- <${Object.keys(SUITES).join("|")}> <fixture-file> [--only <name substring>]`);
    return 2;
  }
  if (!existsSync(file)) {
    console.error(`fixture file not found: ${file}`);
    return 2;
  }
  // --only <substring> keeps the cases whose name contains it (e.g. an env family).
  const results = (await SUITES[suite]!(file)).filter((r) => !only || r.name.includes(only));
  let passed = 0;
  let failed = 0;
  const byGroup = new Map<string, number>();
  for (const r of results) {
    if (r.failures.length === 0) {
      passed++;
      continue;
    }
    failed++;
    const group = r.name.split(" ")[0]!;
    byGroup.set(group, (byGroup.get(group) ?? 0) + 1);
    console.log(`FAIL ${r.name}`);
    for (const f of r.failures.slice(0, 5)) console.log(`  ${f}`);
    if (r.failures.length > 5) console.log(`  … ${r.failures.length - 5} more`);
  }
  if (byGroup.size > 0) {
    console.log("\nfailures by group:");
    for (const [g, n] of [...byGroup].sort((a, b) => b[1] - a[1])) console.log(`  ${g}: ${n}`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`conformance: ${(e as Error).message}`);
    process.exit(2);
  },
);
