/**
 * The package as users get it. `npm pack` (of the already built dist/) must hold the built JS, the
 * type declarations and the CLI, and no tests or test fixtures; every relative import inside it must
 * resolve to a file it holds. The tarball is then installed into an empty temporary project, where
 * `gridtune --help` runs, the entry point imports and works, and a TypeScript file using it
 * type-checks against the shipped declarations.
 *
 * The install resolves dependencies from the local npm cache first (`--prefer-offline`; `npm ci`
 * filled it), skips install scripts and optional dependencies (native builds and node-llama-cpp's
 * per-platform binaries, hundreds of MB — not needed to load the package), and is skipped with a
 * message only when the registry cannot be reached for something the cache lacks.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, posix } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "gridtune-pack-"));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
let tarball = "";
let packed: string[] = [];

/**
 * The environment for child processes: without the `npm_*` variables an enclosing `npm test` sets
 * (such as `npm_config_local_prefix`, the repository), so npm works on the directory it is run in; the
 * npm cache setting is kept.
 */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  if (process.env["npm_config_cache"]) env["npm_config_cache"] = process.env["npm_config_cache"];
  return { ...env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" };
}

function run(cmd: string, args: string[], cwd: string, timeoutMs = 120_000) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: timeoutMs, env: childEnv() });
  return { code: r.status, stdout: r.stdout ?? "", stderr: (r.stderr ?? "") + (r.error ? String(r.error) : "") };
}

before(() => {
  assert.ok(existsSync(join(repo, "dist", "src", "index.js")), "dist/ is not built: run `npm run build` first");
  // --ignore-scripts: pack the dist/ that exists; `prepare` would rebuild it under the running suite.
  const r = run(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", work], repo);
  assert.equal(r.code, 0, r.stderr);
  const info = JSON.parse(r.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, info[0]!.filename);
  packed = info[0]!.files.map((f) => f.path);
});
after(() => rmSync(work, { recursive: true, force: true }));

test("the tarball holds the built JS, the declarations and the CLI, and no tests or fixtures", () => {
  for (const f of ["package.json", "README.md", "dist/src/index.js", "dist/src/index.d.ts", "dist/src/cli/main.js", "dist/web/index.html"]) {
    assert.ok(packed.includes(f), `${f} is not in the tarball`);
  }
  const js = packed.filter((f) => f.endsWith(".js") && f.startsWith("dist/src/"));
  const missingTypes = js.filter((f) => !packed.includes(f.replace(/\.js$/, ".d.ts")));
  assert.deepEqual(missingTypes, [], "every module has its declarations");
  const testish = packed.filter((f) => /\.test\.|\.test-util\.|test-fixtures|\/testdata\/|tiny-gguf/.test(f) || f.startsWith("src/") || f.startsWith("examples/"));
  assert.deepEqual(testish, [], "no tests, test fixtures or TypeScript sources");
  const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { bin: Record<string, string>; exports: Record<string, { types: string; import: string }> };
  assert.equal(pkg.bin["gridtune"], "dist/src/cli/main.js");
  assert.ok(readFileSync(join(repo, pkg.bin["gridtune"]!), "utf8").startsWith("#!/usr/bin/env node"), "the CLI has a shebang");
  for (const p of [pkg.exports["."]!.types, pkg.exports["."]!.import]) assert.ok(packed.includes(posix.normalize(p)), `exports target ${p} is packed`);
});

test("every relative import in the tarball resolves to a packed file", () => {
  const x = run("tar", ["-xzf", tarball, "-C", work], work);
  assert.equal(x.code, 0, x.stderr);
  const root = join(work, "package");
  const have = new Set(packed);
  const broken: string[] = [];
  for (const f of packed.filter((p) => p.endsWith(".js") && (p.startsWith("dist/src/") || p.startsWith("dist/bench/")))) {
    const text = readFileSync(join(root, f), "utf8");
    for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']+)["']/gm)) {
      const target = posix.normalize(posix.join(posix.dirname(f), m[1]!));
      if (!have.has(target)) broken.push(`${f} → ${m[1]}`);
    }
  }
  assert.deepEqual(broken, [], "imports of files left out of the package");
});

test("installed into an empty project: `gridtune --help`, the entry point, and its types", async (t) => {
  const project = join(work, "consumer");
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true, type: "module" }, null, 2));
  const install = run(npm, ["install", tarball, "--prefer-offline", "--ignore-scripts", "--omit=optional", "--no-audit", "--no-fund", "--loglevel=error"], project, 300_000);
  if (install.code !== 0) {
    if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTCACHED|ENETUNREACH|network/i.test(install.stderr)) {
      t.skip(`the npm registry is unreachable and the cache lacks a dependency; not installing the tarball:\n${install.stderr.slice(0, 600)}`);
      return;
    }
    assert.fail(`npm install of the tarball failed:\n${install.stderr}`);
  }
  const installed = join(project, "node_modules", "gridtune");
  assert.ok(statSync(installed).isDirectory());
  assert.ok(!existsSync(join(installed, "src")), "no TypeScript sources installed");

  // The CLI through the bin link npm made.
  const bin = join(project, "node_modules", ".bin", "gridtune");
  const help = run(bin, ["--help"], project);
  assert.equal(help.code, 0, help.stderr);
  for (const cmd of ["Usage: gridtune", "collect", "finetune", "evaluate", "serve"]) assert.ok(help.stdout.includes(cmd), `--help lacks ${cmd}:\n${help.stdout}`);
  const envs = run(bin, ["envs", "--filter", "DoorKey-5x5", "--json"], project);
  assert.equal(envs.code, 0, envs.stderr);
  assert.deepEqual((JSON.parse(envs.stdout) as { id: string }[]).map((e) => e.id), ["MiniGrid-DoorKey-5x5-v0"]);

  // The entry point, by package name, from plain JavaScript.
  writeFileSync(
    join(project, "use.mjs"),
    `import * as g from "gridtune";
const names = ["makeEnv", "HintWrapper", "collect", "loadDataset", "encode", "lm", "configureLM", "Signature", "Predict", "ChainOfThought", "Module", "Evaluate", "MIPROv2", "MinigridAgent", "Judge", "finetune", "evaluate", "evaluateProgram"];
const missing = names.filter((n) => !(n in g));
if (missing.length) throw new Error("missing exports: " + missing.join(", "));
const env = g.makeEnv("MiniGrid-DoorKey-5x5-v0");
const { obs } = env.reset({ seed: 0 });
const r = await g.collect({ envIds: ["MiniGrid-Empty-5x5-v0"], seeds: [0], episodes: 1, out: "ds" });
const data = await g.loadDataset(r.dir);
console.log(JSON.stringify({ mission: obs.mission, steps: r.manifest.counts.steps, train: data.train.length + data.validation.length + data.test.length, text: g.encode(data.train[0] ?? data.test[0], { type: "relative" }).split("\\n")[0], local: g.SOURCE_DEFAULTS.local }));
`,
  );
  const use = run(process.execPath, ["use.mjs"], project);
  assert.equal(use.code, 0, use.stderr);
  const out = JSON.parse(use.stdout) as { mission: string; steps: number; train: number; text: string; local: string };
  assert.equal(out.mission, "use the key to open the door and then get to the goal");
  assert.equal(out.steps, out.train);
  assert.match(out.text, /^Mission: /);
  assert.equal(out.local, "ollama/llama3.1:latest");

  // A TypeScript consumer type-checks against the shipped declarations (errors in other packages'
  // declarations are theirs; ours and the consumer's must be clean).
  writeFileSync(
    join(project, "main.ts"),
    `import { makeEnv, encode, finetune, evaluate, MinigridAgent, HintWrapper, type FinetuneConfig, type FinetuneResult, type ProgressEvent } from "gridtune";
const env = makeEnv("MiniGrid-Empty-5x5-v0");
const text: string = encode(env.reset({ seed: 1 }).obs, { type: "ascii" });
const config: Partial<FinetuneConfig> = { datasetPath: "ds", hintType: "action" };
const run: Promise<FinetuneResult> = finetune(config, { signal: new AbortController().signal, progress: (e: ProgressEvent) => void e.done });
export { text, run, evaluate, MinigridAgent, HintWrapper };
`,
  );
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: false, types: ["node"], typeRoots: [join(repo, "node_modules", "@types")] }, files: ["main.ts"] }),
  );
  const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");
  const check = run(process.execPath, [tsc, "-p", "."], project);
  const ours = (check.stdout + check.stderr).split("\n").filter((l) => /^(main\.ts|node_modules\/gridtune\/)/.test(l));
  assert.deepEqual(ours, [], `type errors in the consumer or in gridtune's declarations:\n${check.stdout}`);
});
