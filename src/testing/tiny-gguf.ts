/**
 * Writes a tiny, valid llama-architecture GGUF file (about 200 KB) with seeded random weights, for
 * tests of the embedded llama.cpp path without downloading a model.
 *
 * Tokenizer: a SentencePiece ("llama") vocabulary — `<unk>`, `<s>`, `</s>`, the 256 byte tokens
 * `<0x00>`…`<0xFF>`, `▁` (the space) and the printable ASCII characters — so any text tokenizes
 * (unknown characters fall back to bytes) and llama.cpp accepts it as is.
 *
 * Weights: random, except for one trick that makes the output usable. Every token embedding has a
 * large constant in dimension 0 and no layer writes to dimension 0, so after the final RMS norm
 * dimension 0 is always clearly positive; the output rows of the tokens that must never be sampled
 * (bytes ≥ 0x80, which would be lone halves of UTF-8 characters, control bytes, `<unk>`, `<s>`) hold
 * a large negative weight there, so their logits are pushed far down whatever the context. The model
 * then emits printable ASCII only, and JSON-schema grammars hold every time.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export interface TinyGgufOptions {
  /** Seed of the weights; the same seed writes the same bytes. Default 1. */
  seed?: number;
  /** Embedding width; default 32. */
  embeddingLength?: number;
  /** Transformer blocks; default 1. */
  blockCount?: number;
  /** Attention heads; default 4. */
  headCount?: number;
  /** Feed-forward width; default 64. */
  feedForwardLength?: number;
  /** Context the model claims to support; default 4096. */
  contextLength?: number;
  /** general.name; default "gridtune-tiny-test". */
  name?: string;
}

// GGUF value types
const T_UINT32 = 4;
const T_INT32 = 5;
const T_FLOAT32 = 6;
const T_BOOL = 7;
const T_STRING = 8;
const T_ARRAY = 9;
// ggml tensor types
const GGML_F32 = 0;

const ALIGNMENT = 32;

// SentencePiece token types (llama.cpp's llama_token_type)
const TOKEN_NORMAL = 1;
const TOKEN_UNKNOWN = 2;
const TOKEN_CONTROL = 3;
const TOKEN_BYTE = 6;

export interface TinyVocab {
  tokens: string[];
  scores: number[];
  types: number[];
  /** Token ids whose logits are pushed down. */
  suppressed: number[];
}

/** The vocabulary: 3 specials, 256 bytes, "▁", printable ASCII 0x21–0x7E. */
export function tinyVocab(): TinyVocab {
  const tokens: string[] = ["<unk>", "<s>", "</s>"];
  const types: number[] = [TOKEN_UNKNOWN, TOKEN_CONTROL, TOKEN_CONTROL];
  const suppressed: number[] = [0, 1];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`);
    types.push(TOKEN_BYTE);
    if (b >= 0x80 || (b < 0x20 && b !== 0x0a) || b === 0x7f) suppressed.push(tokens.length - 1);
  }
  tokens.push("\u2581");
  types.push(TOKEN_NORMAL);
  for (let c = 0x21; c <= 0x7e; c++) {
    tokens.push(String.fromCharCode(c));
    types.push(TOKEN_NORMAL);
  }
  const scores = tokens.map((_, i) => (types[i] === TOKEN_NORMAL ? -i : 0));
  return { tokens, scores, types, suppressed };
}

/** mulberry32 + Box–Muller: a small seeded normal generator. */
function normalRng(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => {
    const u = Math.max(uniform(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
}

interface Tensor {
  name: string;
  /** ggml order: ne[0] is the fastest-moving (the row length). */
  dims: number[];
  data: Float32Array;
}

class Writer {
  private chunks: Buffer[] = [];
  length = 0;
  push(b: Buffer): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }
  i32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.push(b);
  }
  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  f32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.push(b);
  }
  str(s: string): void {
    const b = Buffer.from(s, "utf8");
    this.u64(b.length);
    this.push(b);
  }
  pad(): void {
    const n = (ALIGNMENT - (this.length % ALIGNMENT)) % ALIGNMENT;
    if (n) this.push(Buffer.alloc(n));
  }
  concat(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

type KV =
  | { key: string; type: "u32"; value: number }
  | { key: string; type: "f32"; value: number }
  | { key: string; type: "bool"; value: boolean }
  | { key: string; type: "string"; value: string }
  | { key: string; type: "string[]"; value: string[] }
  | { key: string; type: "f32[]"; value: number[] }
  | { key: string; type: "i32[]"; value: number[] };

function writeKv(w: Writer, kv: KV): void {
  w.str(kv.key);
  switch (kv.type) {
    case "u32":
      w.u32(T_UINT32);
      w.u32(kv.value);
      break;
    case "f32":
      w.u32(T_FLOAT32);
      w.f32(kv.value);
      break;
    case "bool":
      w.u32(T_BOOL);
      w.push(Buffer.from([kv.value ? 1 : 0]));
      break;
    case "string":
      w.u32(T_STRING);
      w.str(kv.value);
      break;
    case "string[]":
      w.u32(T_ARRAY);
      w.u32(T_STRING);
      w.u64(kv.value.length);
      for (const s of kv.value) w.str(s);
      break;
    case "f32[]":
      w.u32(T_ARRAY);
      w.u32(T_FLOAT32);
      w.u64(kv.value.length);
      for (const v of kv.value) w.f32(v);
      break;
    case "i32[]":
      w.u32(T_ARRAY);
      w.u32(T_INT32);
      w.u64(kv.value.length);
      for (const v of kv.value) w.i32(v);
      break;
  }
}

/** The GGUF bytes of a tiny random llama model. */
export function tinyGgufBytes(options: TinyGgufOptions = {}): Buffer {
  const nEmbd = options.embeddingLength ?? 32;
  const nLayer = options.blockCount ?? 1;
  const nHead = options.headCount ?? 4;
  const nFf = options.feedForwardLength ?? 64;
  const nCtx = options.contextLength ?? 4096;
  if (nEmbd % nHead !== 0) throw new RangeError("embeddingLength must be a multiple of headCount");
  const vocab = tinyVocab();
  const nVocab = vocab.tokens.length;
  const randn = normalRng(options.seed ?? 1);

  const matrix = (nIn: number, nOut: number, scale: number): Float32Array => {
    const a = new Float32Array(nIn * nOut);
    for (let i = 0; i < a.length; i++) a[i] = randn() * scale;
    return a;
  };
  const ones = (n: number): Float32Array => new Float32Array(n).fill(1);
  /** Zero output row 0 of a [nIn, nOut] weight, so the layer never writes to residual dimension 0. */
  const noWriteToDim0 = (a: Float32Array, nIn: number): Float32Array => {
    a.fill(0, 0, nIn);
    return a;
  };

  const tokenEmbd = matrix(nEmbd, nVocab, 0.5);
  for (let t = 0; t < nVocab; t++) tokenEmbd[t * nEmbd] = 2; // the constant dimension
  const output = matrix(nEmbd, nVocab, 1);
  for (let t = 0; t < nVocab; t++) output[t * nEmbd] = 0;
  for (const t of vocab.suppressed) output[t * nEmbd] = -100;

  const tensors: Tensor[] = [
    { name: "token_embd.weight", dims: [nEmbd, nVocab], data: tokenEmbd },
    { name: "output_norm.weight", dims: [nEmbd], data: ones(nEmbd) },
    { name: "output.weight", dims: [nEmbd, nVocab], data: output },
  ];
  const s = 1 / Math.sqrt(nEmbd);
  for (let i = 0; i < nLayer; i++) {
    tensors.push(
      { name: `blk.${i}.attn_norm.weight`, dims: [nEmbd], data: ones(nEmbd) },
      { name: `blk.${i}.attn_q.weight`, dims: [nEmbd, nEmbd], data: matrix(nEmbd, nEmbd, s) },
      { name: `blk.${i}.attn_k.weight`, dims: [nEmbd, nEmbd], data: matrix(nEmbd, nEmbd, s) },
      { name: `blk.${i}.attn_v.weight`, dims: [nEmbd, nEmbd], data: matrix(nEmbd, nEmbd, s) },
      { name: `blk.${i}.attn_output.weight`, dims: [nEmbd, nEmbd], data: noWriteToDim0(matrix(nEmbd, nEmbd, s), nEmbd) },
      { name: `blk.${i}.ffn_norm.weight`, dims: [nEmbd], data: ones(nEmbd) },
      { name: `blk.${i}.ffn_gate.weight`, dims: [nEmbd, nFf], data: matrix(nEmbd, nFf, s) },
      { name: `blk.${i}.ffn_up.weight`, dims: [nEmbd, nFf], data: matrix(nEmbd, nFf, s) },
      { name: `blk.${i}.ffn_down.weight`, dims: [nFf, nEmbd], data: noWriteToDim0(matrix(nFf, nEmbd, 1 / Math.sqrt(nFf)), nFf) },
    );
  }

  const kvs: KV[] = [
    { key: "general.architecture", type: "string", value: "llama" },
    { key: "general.name", type: "string", value: options.name ?? "gridtune-tiny-test" },
    { key: "general.alignment", type: "u32", value: ALIGNMENT },
    { key: "general.file_type", type: "u32", value: 0 }, // all F32
    { key: "llama.context_length", type: "u32", value: nCtx },
    { key: "llama.embedding_length", type: "u32", value: nEmbd },
    { key: "llama.block_count", type: "u32", value: nLayer },
    { key: "llama.feed_forward_length", type: "u32", value: nFf },
    { key: "llama.attention.head_count", type: "u32", value: nHead },
    { key: "llama.attention.head_count_kv", type: "u32", value: nHead },
    { key: "llama.rope.dimension_count", type: "u32", value: nEmbd / nHead },
    { key: "llama.rope.freq_base", type: "f32", value: 10000 },
    { key: "llama.attention.layer_norm_rms_epsilon", type: "f32", value: 1e-5 },
    { key: "llama.vocab_size", type: "u32", value: nVocab },
    { key: "tokenizer.ggml.model", type: "string", value: "llama" },
    { key: "tokenizer.ggml.tokens", type: "string[]", value: vocab.tokens },
    { key: "tokenizer.ggml.scores", type: "f32[]", value: vocab.scores },
    { key: "tokenizer.ggml.token_type", type: "i32[]", value: vocab.types },
    { key: "tokenizer.ggml.unknown_token_id", type: "u32", value: 0 },
    { key: "tokenizer.ggml.bos_token_id", type: "u32", value: 1 },
    { key: "tokenizer.ggml.eos_token_id", type: "u32", value: 2 },
    { key: "tokenizer.ggml.add_bos_token", type: "bool", value: true },
    { key: "tokenizer.ggml.add_eos_token", type: "bool", value: false },
  ];

  const w = new Writer();
  w.push(Buffer.from("GGUF", "ascii"));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(kvs.length);
  for (const kv of kvs) writeKv(w, kv);
  let offset = 0;
  const offsets: number[] = [];
  for (const t of tensors) {
    offsets.push(offset);
    offset += t.data.byteLength;
    offset += (ALIGNMENT - (offset % ALIGNMENT)) % ALIGNMENT;
  }
  tensors.forEach((t, i) => {
    w.str(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(GGML_F32);
    w.u64(offsets[i]!);
  });
  w.pad();
  for (const t of tensors) {
    w.push(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    w.pad();
  }
  return w.concat();
}

/** Writes the tiny model to `path` (folders created) and returns the path. */
export function writeTinyGguf(path: string, options: TinyGgufOptions = {}): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, tinyGgufBytes(options));
  return path;
}
