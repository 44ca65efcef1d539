import { test } from "node:test";
import assert from "node:assert/strict";
import { makeEnv } from "../registry.js";
import { visibleCells } from "./raster.js";
import { renderSvg } from "./svg.js";
import { showcase } from "./showcase-env.test.js";

/** Checks that every tag is closed in order and every attribute quoted; returns the element names. */
function parseXml(doc: string): string[] {
  const names: string[] = [];
  const stack: string[] = [];
  const body = doc.replace(/<title>[^<]*<\/title>/, "<title/>");
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(body); m !== null; m = tag.exec(body)) {
    assert.equal(body.slice(last, m.index).trim(), "", `stray text before ${m[0]}`);
    last = tag.lastIndex;
    const [, close, name, , selfClose] = m as unknown as [string, string, string, string, string];
    if (close) assert.equal(stack.pop(), name, `closing </${name}>`);
    else {
      names.push(name);
      if (!selfClose) stack.push(name);
    }
  }
  assert.equal(body.slice(last).trim(), "", "stray text at the end");
  assert.deepEqual(stack, [], "unclosed elements");
  return names;
}

const count = (s: string, sub: string): number => s.split(sub).length - 1;

test("DoorKey-8x8 seed 0 as SVG: well-formed, 8×8 cells at 32 px, the expected shapes", () => {
  const env = makeEnv("MiniGrid-DoorKey-8x8-v0");
  env.reset({ seed: 0 });
  const svg = renderSvg(env);
  const names = parseXml(svg);
  assert.equal(names[0], "svg");
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="256" height="256" viewBox="0 0 8 8">/);
  assert.equal(count(svg, "<g transform="), 64, "one group per cell");
  assert.equal(count(svg, 'data-cell="wall grey"'), 28 + 5, "28 border walls, the split wall's 6 inner cells minus its door");
  assert.match(svg, /<g transform="translate\(6 6\)" data-cell="goal green">.*<rect x="0" y="0" width="1" height="1" fill="#00ff00"\/>/);
  assert.match(svg, /data-cell="key yellow">.*<circle cx="0.56" cy="0.28" r="0.19" fill="#ffff00"\/>/);
  assert.match(svg, /data-cell="door yellow">.*fill="#727200"/, "the locked door's panel is 0.45 × yellow");
  assert.equal(count(svg, 'class="agent"'), 1);
  assert.match(svg, /<g transform="translate\(3 4\)"[^\n]*<polygon class="agent" points="0.12,0.19 0.87,0.5 0.12,0.81" fill="#ff0000" transform="rotate\(90 0.5 0.5\)"\/>/);
  assert.equal(count(svg, 'class="highlight"'), visibleCells(env).reduce((a, b) => a + b, 0));
  assert.equal(count(renderSvg(env, { highlight: false }), 'class="highlight"'), 0);
  assert.match(svg, /<title>MiniGrid-DoorKey-8x8-v0: use the key to open the door and then get to the goal<\/title>/);
});

test("the agent view as SVG is 7×7 cells with the agent at the bottom centre facing up", () => {
  const env = makeEnv("MiniGrid-DoorKey-8x8-v0");
  env.reset({ seed: 0 });
  const svg = renderSvg(env, { view: "agent", tileSize: 10 });
  parseXml(svg);
  assert.match(svg, /width="70" height="70" viewBox="0 0 7 7"/);
  assert.equal(count(svg, "<g transform="), 49);
  assert.match(svg, /<g transform="translate\(3 6\)"[^\n]*transform="rotate\(270 0.5 0.5\)"/);
  assert.match(svg, /translate\(2 5\)" data-cell="key yellow"/);
  assert.match(svg, /translate\(0 6\)" data-cell="empty"/, "hidden cells are drawn empty");
});

test("every object has its vector glyph: lava waves, floor, three door states, key, ball, box", () => {
  const env = showcase();
  const svg = renderSvg(env, { tileSize: 16 });
  parseXml(svg);
  assert.equal(count(svg, "<polyline"), 3, "three lava waves");
  assert.match(svg, /data-cell="lava red"><rect[^>]*\/><rect[^>]*\/><rect x="0" y="0" width="1" height="1" fill="#ff8000"\/>/);
  assert.match(svg, /data-cell="floor blue">.*fill="#00007f"/);
  assert.match(svg, /data-cell="door green">.*<rect x="0.88" y="0" width="0.12" height="1" fill="#00ff00"\/>/, "open door");
  assert.match(svg, /data-cell="door red">.*<circle cx="0.75" cy="0.5" r="0.08" fill="#ff0000"\/>/, "closed door handle");
  assert.match(svg, /data-cell="ball green">.*<circle cx="0.5" cy="0.5" r="0.31" fill="#00ff00"\/>/);
  assert.match(svg, /data-cell="box purple">.*fill="#7027c3"/);
  assert.match(svg, /data-cell="key blue">/);
  assert.match(svg, /<title>ShowcaseEnv: look &lt;around&gt; &amp; &quot;see&quot;<\/title>/, "the title is escaped");
  assert.throws(() => renderSvg(env, { view: "side" as never }), /view/);
});
