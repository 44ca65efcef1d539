import { test } from "node:test";
import assert from "node:assert/strict";
import { makeEnv } from "../registry.js";
import { renderAnsi, xterm256 } from "./ansi.js";
import { showcase } from "./showcase-env.test.js";

const stripAnsi = (s: string): string => s.replace(/\x1b\[[\d;]*m/g, "");

function doorKey8x8Seed0() {
  const env = makeEnv("MiniGrid-DoorKey-8x8-v0");
  env.reset({ seed: 0 });
  return env;
}

test("DoorKey-8x8 seed 0 prints as Minigrid's pprint_grid does", () => {
  const text = renderAnsi(doorKey8x8Seed0(), { color: false });
  assert.equal(
    text,
    [
      "WGWGWGWGWGWGWGWG",
      "WG        WG  WG",
      "WG        LY  WG",
      "WG        WG  WG",
      "WG    VV  WG  WG",
      "WG      KYWG  WG",
      "WG        WGGGWG",
      "WGWGWGWGWGWGWGWG",
    ].join("\n"),
  );
});

test("every object's two characters, and the agent's four directions", () => {
  const env = showcase();
  const lines = renderAnsi(env, { color: false }).split("\n");
  assert.equal(lines.length, env.height);
  assert.equal(lines[1], "WGVRFBLYDR__WG");
  assert.equal(lines[3], "WGKBAGBP    WG");
  assert.equal(lines[4], "WG    ^^  GGWG");
  for (const [dir, glyph] of [[0, ">>"], [1, "VV"], [2, "<<"], [3, "^^"]] as const) {
    env.agentDir = dir;
    assert.equal(renderAnsi(env, { color: false }).split("\n")[4], `WG    ${glyph}  GGWG`);
  }
});

test("in colour: one line per row, the same text, a red agent, and the cells outside the view darker", () => {
  const env = doorKey8x8Seed0();
  const text = renderAnsi(env, { color: true });
  const lines = text.split("\n");
  assert.equal(lines.length, env.height);
  assert.equal(stripAnsi(text), renderAnsi(env, { color: false }));
  assert.ok(lines.every((l) => l.endsWith("\x1b[0m")), "each line resets its colours");
  assert.match(lines[4]!, /\x1b\[0;1;38;2;255;0;0;48;2;76;76;76mVV/);
  // Row 5: (2, 5) is in view (lightened floor), (6, 5) is behind the split wall.
  const cells = lines[5]!.split("\x1b[0").slice(1);
  assert.match(cells[2]!, /48;2;76;76;76m {2}$/);
  assert.match(cells[6]!, /48;2;0;0;0m {2}$/);
  assert.match(cells[4]!, /38;2;255;255;0;48;2;76;76;76mKY$/, "the yellow key, in view");
  assert.match(cells[7]!, /38;2;200;200;200;48;2;100;100;100mWG$/, "a wall outside the view");
  assert.match(lines[6]!, /48;2;0;255;0mGG/, "the green goal");
});

test("the 256-colour palette maps Minigrid's colours to the nearest xterm colours", () => {
  assert.equal(xterm256([255, 0, 0]), 196);
  assert.equal(xterm256([0, 255, 0]), 46);
  assert.equal(xterm256([255, 255, 0]), 226);
  assert.equal(xterm256([0, 0, 0]), 16);
  assert.equal(xterm256([100, 100, 100]), 241);
  assert.equal(xterm256([76, 76, 76]), 239);
  const env = doorKey8x8Seed0();
  const text = renderAnsi(env, { color: true, palette: "256" });
  assert.equal(stripAnsi(text), renderAnsi(env, { color: false }));
  assert.match(text, /38;5;196;48;5;239mVV/);
  assert.doesNotMatch(text, /38;2;/);
});
