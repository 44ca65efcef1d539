import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeEnv } from "../../minigrid/registry.js";
import { decodePng } from "../../minigrid/render/png.js";
import { renderAgentView, renderFull } from "../../minigrid/render/raster.js";
import { repoRoot } from "../../testing/paths.js";

const main = join(repoRoot, "dist/src/cli/main.js");

function gridtune(args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function inTempDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "gridtune-render-"));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("`gridtune render` writes DoorKey-8x8 seed 0 as a 256×256 PNG identical to renderFull", () => {
  inTempDir((dir) => {
    const out = join(dir, "doorkey.png");
    const r = gridtune(["render", "--env", "MiniGrid-DoorKey-8x8-v0", "--seed", "0", "--out", out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /wrote .*doorkey\.png/);
    const img = decodePng(readFileSync(out));
    const env = makeEnv("MiniGrid-DoorKey-8x8-v0");
    env.reset({ seed: 0 });
    assert.deepEqual([img.width, img.height], [256, 256]);
    assert.deepEqual(img.rgb, renderFull(env).rgb);
    assert.deepEqual(readdirSync(dir), ["doorkey.png"], "no temp file left behind");
  });
});

test("`--steps`, `--view agent` and `--tile-size` are applied; .svg picks SVG", () => {
  inTempDir((dir) => {
    const png = join(dir, "view.png");
    const r = gridtune(["render", "--env", "MiniGrid-DoorKey-8x8-v0", "--seed", "0", "--steps", "2,0,3", "--view", "agent", "--tile-size", "8", "--out", png]);
    assert.equal(r.code, 0, r.stderr);
    const env = makeEnv("MiniGrid-DoorKey-8x8-v0");
    env.reset({ seed: 0 });
    for (const a of [2, 0, 3]) env.step(a);
    assert.deepEqual(decodePng(readFileSync(png)).rgb, renderAgentView(env, { tileSize: 8 }).rgb);

    const svg = join(dir, "full.SVG");
    const s = gridtune(["render", "--env", "MiniGrid-DoorKey-8x8-v0", "--seed", "0", "--no-highlight", "--out", svg]);
    assert.equal(s.code, 0, s.stderr);
    const text = readFileSync(svg, "utf8");
    assert.match(text, /^<svg [^>]*viewBox="0 0 8 8"/);
    assert.doesNotMatch(text, /class="highlight"/);
  });
});

test("bad input is refused with the flag named, a non-zero exit and no file written", () => {
  const base = ["render", "--env", "MiniGrid-DoorKey-8x8-v0", "--seed", "0"];
  const cases: [string[], RegExp][] = [
    [[...base, "--out", "OUT.jpg"], /--out must end in \.png or \.svg/],
    [[...base, "--out", "OUT"], /--out must end in \.png or \.svg/],
    [[...base, "--steps", "2,7", "--out", "OUT.png"], /--steps: '7' is not an action index/],
    [[...base, "--steps", "2,,forward", "--out", "OUT.png"], /--steps/],
    [["render", "--env", "MiniGrid-DoorKey-9x9-v0", "--seed", "0", "--out", "OUT.png"], /unknown env id 'MiniGrid-DoorKey-9x9-v0'.*closest ids: MiniGrid-DoorKey/],
    [["render", "--env", "MiniGrid-DoorKey-8x8-v0", "--seed", "-1", "--out", "OUT.png"], /--seed must be a non-negative integer/],
    [["render", "--env", "MiniGrid-DoorKey-8x8-v0", "--seed", "1.5", "--out", "OUT.png"], /--seed must be a non-negative integer/],
    [[...base, "--view", "top", "--out", "OUT.png"], /--view must be 'full' or 'agent'/],
    [[...base, "--tile-size", "0", "--out", "OUT.png"], /--tile-size must be an integer/],
    [["render", "--env", "MiniGrid-DoorKey-8x8-v0", "--out", "OUT.png"], /--seed/],
  ];
  for (const [args, message] of cases) {
    inTempDir((dir) => {
      const r = gridtune(args.map((a) => a.replace("OUT", join(dir, "out"))));
      assert.notEqual(r.code, 0, `${args.join(" ")} should fail`);
      assert.match(r.stderr, message, args.join(" "));
      assert.deepEqual(readdirSync(dir), [], `${args.join(" ")} wrote a file`);
    });
  }
});
