import { test } from "node:test";
import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import { crc32, decodePng, encodePng, PngError } from "./png.js";
import type { RgbImage } from "./raster.js";

function noise(width: number, height: number, seed: number): RgbImage {
  const rgb = new Uint8Array(width * height * 3);
  let s = seed;
  for (let k = 0; k < rgb.length; k++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    rgb[k] = k % 7 === 0 ? 40 : s >>> 24;
  }
  return { width, height, rgb };
}

/** A PNG built by hand, each row with the given filter type (the rows are stored unfiltered-equivalent). */
function pngWithFilters(img: RgbImage, filterOf: (y: number) => number): Uint8Array {
  const { width, height, rgb } = img;
  const stride = width * 3;
  const raw = new Uint8Array((stride + 1) * height);
  const paeth = (a: number, b: number, c: number) => {
    const p = a + b - c;
    const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  };
  for (let y = 0; y < height; y++) {
    const f = filterOf(y);
    raw[y * (stride + 1)] = f;
    for (let x = 0; x < stride; x++) {
      const cur = rgb[y * stride + x]!;
      const a = x >= 3 ? rgb[y * stride + x - 3]! : 0;
      const b = y > 0 ? rgb[(y - 1) * stride + x]! : 0;
      const c = x >= 3 && y > 0 ? rgb[(y - 1) * stride + x - 3]! : 0;
      const pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][f]!;
      raw[y * (stride + 1) + 1 + x] = (cur - pred) & 0xff;
    }
  }
  const chunk = (type: string, data: Uint8Array) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, "latin1");
    out.set(data, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  // Two IDAT chunks, to check they are joined.
  const z = deflateSync(raw);
  const half = z.length >> 1;
  return Buffer.concat([sig, chunk("IHDR", ihdr), chunk("tEXt", Buffer.from("Comment\0hi")), chunk("IDAT", z.subarray(0, half)), chunk("IDAT", z.subarray(half)), chunk("IEND", Buffer.alloc(0))]);
}

test("CRC-32 matches the standard check values", () => {
  assert.equal(crc32(Buffer.from("123456789")), 0xcbf43926);
  assert.equal(crc32(Buffer.from("IEND")), 0xae426082);
  assert.equal(crc32(new Uint8Array(0)), 0);
});

test("an encoded image decodes to the same pixels, for odd sizes and a single pixel", () => {
  for (const [w, h] of [[1, 1], [3, 5], [64, 17], [256, 256]] as const) {
    const img = noise(w, h, w * 31 + h);
    const back = decodePng(encodePng(img));
    assert.deepEqual([back.width, back.height], [w, h]);
    assert.deepEqual(back.rgb, img.rgb, `${w}×${h}`);
  }
});

test("the encoding is a PNG: signature, IHDR for 8-bit RGB, IEND last", () => {
  const png = Buffer.from(encodePng(noise(4, 2, 1)));
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.toString("latin1", 12, 16), "IHDR");
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25], png[28]], [4, 2, 8, 2, 0]);
  assert.equal(png.toString("latin1", png.length - 8, png.length - 4), "IEND");
});

test("the decoder undoes all five row filters and joins IDAT chunks", () => {
  const img = noise(9, 10, 7);
  const back = decodePng(pngWithFilters(img, (y) => y % 5));
  assert.deepEqual(back.rgb, img.rgb);
});

test("the decoder refuses what it does not read", () => {
  const good = Buffer.from(encodePng(noise(2, 2, 3)));
  assert.throws(() => decodePng(Buffer.from("GIF89a....")), PngError);
  const badCrc = Buffer.from(good);
  badCrc[good.length - 20] ^= 0xff;
  assert.throws(() => decodePng(badCrc), /CRC/);
  const grey = Buffer.from(good);
  grey[25] = 0; // colour type: greyscale
  grey.writeUInt32BE(crc32(grey.subarray(12, 29)), 29);
  assert.throws(() => decodePng(grey), /8-bit RGB/);
  assert.throws(() => decodePng(good.subarray(0, good.length - 12)), /IEND/);
});

test("the encoder refuses an image whose bytes do not fit its size", () => {
  assert.throws(() => encodePng({ width: 2, height: 2, rgb: new Uint8Array(11) }), PngError);
  assert.throws(() => encodePng({ width: 0, height: 2, rgb: new Uint8Array(0) }), PngError);
});
