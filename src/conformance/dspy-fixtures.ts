/**
 * The DSPy conformance suite: replays cases recorded from Python DSPy 3.3.1 (`ChatAdapter.format`,
 * `ChatAdapter.parse`, `Module.dump_state`) against gridtune's DSPy layer.
 *
 * - `format[]`: the signature (through ChainOfThought when `chain_of_thought`), demos and inputs must
 *   give the recorded messages byte for byte;
 * - `parse[]`: the completion must parse to the recorded values, or raise AdapterParseError;
 * - `saved_state`: DSPy's saved JSON for a module with one ChainOfThought named `act` must load into
 *   gridtune and dump back unchanged, survive a save/load round trip through a file, and be what
 *   gridtune itself writes for the same program built in code.
 *
 * Run: `npm run conformance -- dspy fixtures/dspy/chat_adapter.json`.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChatAdapter } from "../dspy/adapters/chat.js";
import { ChainOfThought } from "../dspy/chain-of-thought.js";
import { AdapterParseError } from "../dspy/errors.js";
import { Example } from "../dspy/example.js";
import type { FieldType } from "../dspy/field-types.js";
import { type CallOptions, type Inputs, Module } from "../dspy/module.js";
import type { Prediction } from "../dspy/example.js";
import { type FieldDeclaration, Signature, inferPrefix } from "../dspy/signature.js";
import type { PredictorState } from "../dspy/state.js";

export interface CaseResult {
  name: string;
  failures: string[];
}

interface FixtureField {
  name: string;
  desc: string;
  type: FieldType;
}

interface FixtureSignature {
  instructions: string;
  inputs: FixtureField[];
  outputs: FixtureField[];
}

interface FormatCase {
  name: string;
  chain_of_thought: boolean;
  signature: FixtureSignature;
  demos: Record<string, unknown>[];
  inputs: Record<string, unknown>;
  messages: { role: string; content: string }[];
}

interface ParseCase {
  name: string;
  signature: FixtureSignature;
  completion: string;
  parsed: Record<string, unknown> | null;
  error: string | null;
}

interface FixtureFile {
  format?: FormatCase[];
  parse?: ParseCase[];
  saved_state?: Record<string, PredictorState>;
}

function buildSignature(s: FixtureSignature, skipReasoning = false): Signature {
  const fields: Record<string, FieldDeclaration> = {};
  for (const f of s.inputs) fields[f.name] = { kind: "input", desc: f.desc, type: f.type };
  for (const f of s.outputs) {
    if (skipReasoning && f.name === "reasoning") continue;
    fields[f.name] = { kind: "output", desc: f.desc, type: f.type };
  }
  return new Signature(fields, s.instructions);
}

/** The first difference between two strings, shown with some context. */
function describeDiff(label: string, expected: string, actual: string): string {
  let i = 0;
  while (i < expected.length && i < actual.length && expected[i] === actual[i]) i++;
  const ctx = (s: string) => JSON.stringify(s.slice(Math.max(0, i - 30), i + 40));
  return `${label}: differs at byte ${i} (expected length ${expected.length}, got ${actual.length}): expected …${ctx(expected)}…, got …${ctx(actual)}…`;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, canonical(x)]));
  return v;
}

function checkFormat(c: FormatCase): CaseResult {
  const failures: string[] = [];
  try {
    let signature: Signature;
    if (c.chain_of_thought) {
      const cot = new ChainOfThought(buildSignature(c.signature, true));
      signature = cot.predict.signature;
      const expectedOrder = [...c.signature.inputs, ...c.signature.outputs].map((f) => f.name).join(", ");
      const gotOrder = signature.fields.map((f) => f.name).join(", ");
      if (expectedOrder !== gotOrder) failures.push(`ChainOfThought fields: expected [${expectedOrder}], got [${gotOrder}]`);
      const reasoning = c.signature.outputs.find((f) => f.name === "reasoning");
      const ours = signature.field("reasoning");
      if (reasoning && ours && reasoning.desc !== ours.desc) failures.push(`reasoning desc: expected ${reasoning.desc}, got ${ours.desc}`);
    } else {
      signature = buildSignature(c.signature);
    }
    const messages = new ChatAdapter().format(signature, c.demos, c.inputs);
    if (messages.length !== c.messages.length) {
      failures.push(`expected ${c.messages.length} messages, got ${messages.length} (roles ${messages.map((m) => m.role).join(",")})`);
    }
    c.messages.forEach((want, i) => {
      const got = messages[i];
      if (!got) return;
      if (got.role !== want.role) failures.push(`message ${i}: expected role ${want.role}, got ${got.role}`);
      if (got.content !== want.content) failures.push(describeDiff(`message ${i} (${want.role})`, want.content, got.content));
    });
  } catch (e) {
    failures.push(`threw ${(e as Error).stack ?? e}`);
  }
  return { name: `format ${c.name}`, failures };
}

function checkParse(c: ParseCase): CaseResult {
  const failures: string[] = [];
  const signature = buildSignature(c.signature);
  let parsed: Record<string, unknown> | undefined;
  let error: unknown;
  try {
    parsed = new ChatAdapter().parse(signature, c.completion);
  } catch (e) {
    error = e;
  }
  if (c.error) {
    if (error === undefined) failures.push(`expected ${c.error}, got ${JSON.stringify(parsed)}`);
    else if (!(error instanceof AdapterParseError) || error.name !== c.error) failures.push(`expected ${c.error}, got ${(error as Error).name}: ${(error as Error).message}`);
  } else if (error !== undefined) {
    failures.push(`expected ${JSON.stringify(c.parsed)}, threw ${(error as Error).name}: ${(error as Error).message}`);
  } else {
    if (!deepEqual(parsed, c.parsed)) failures.push(`expected ${JSON.stringify(c.parsed)}, got ${JSON.stringify(parsed)}`);
    // Key order is signature order in DSPy's result.
    if (c.parsed && Object.keys(parsed!).join(",") !== Object.keys(c.parsed).join(",")) {
      failures.push(`key order: expected ${Object.keys(c.parsed).join(",")}, got ${Object.keys(parsed!).join(",")}`);
    }
  }
  return { name: `parse ${c.name}`, failures };
}

/** The field names of a saved predictor: from its demos' keys when they fit, else from the prefixes. */
function fieldNames(state: PredictorState): string[] {
  const n = state.signature.fields.length;
  for (const demo of state.demos) {
    const keys = Object.keys(demo).filter((k) => k !== "augmented");
    if (keys.length === n && keys.every((k, i) => `${inferPrefix(k)}:` === state.signature.fields[i]!.prefix)) return keys;
  }
  const used = new Set<string>();
  return state.signature.fields.map((f, i) => {
    let name = f.prefix.replace(/:$/, "").trim().toLowerCase().replace(/[^\p{L}\p{N}_]+/gu, "_").replace(/^_+|_+$/g, "");
    if (!/^[\p{L}_]/u.test(name)) name = `field_${name}`;
    if (used.has(name)) name = `${name}_${i}`;
    used.add(name);
    return name;
  });
}

/** A module with one ChainOfThought `act`, like the program the fixture was saved from. */
class ActProgram extends Module {
  act: ChainOfThought;
  constructor(signature: Signature) {
    super();
    this.act = new ChainOfThought(signature);
  }
  forward(inputs: Inputs, options: CallOptions): Promise<Prediction> {
    return this.act.call(inputs, options);
  }
}

function checkSavedState(saved: Record<string, PredictorState>): CaseResult[] {
  const results: CaseResult[] = [];
  for (const [path, state] of Object.entries(saved)) {
    const failures: string[] = [];
    const name = `saved_state ${path}`;
    try {
      if (path !== "act.predict") failures.push(`expected the predictor path act.predict, got ${path}`);
      const names = fieldNames(state);
      const r = names.indexOf("reasoning");
      const split = r >= 0 ? r : names.length - 1;
      const inputs = names.slice(0, split);
      const outputs = names.slice(split).filter((n) => n !== "reasoning");
      const bare = Signature.parse(`${inputs.join(", ")} -> ${outputs.join(", ")}`);

      // 1. DSPy's file loads into gridtune and dumps back unchanged.
      const loaded = new ActProgram(bare);
      const paths = loaded.namedPredictors().map(([p]) => p);
      if (paths.join(",") !== "act.predict") failures.push(`namedPredictors: expected [act.predict], got [${paths.join(", ")}]`);
      loaded.loadState(saved);
      const dumped = loaded.dumpState();
      if (!deepEqual(dumped, saved)) failures.push(`load → dump changed the state:\n    expected ${JSON.stringify(saved)}\n    got      ${JSON.stringify(dumped)}`);
      const p = loaded.act.predict;
      if (p.signature.instructions !== state.signature.instructions) failures.push("instructions not loaded");
      if (p.demos.length !== state.demos.length || !(p.demos[0] === undefined || p.demos[0] instanceof Example)) failures.push("demos not loaded as Examples");

      // 2. A save/load round trip through a file keeps it, and the file carries DSPy's metadata.
      const dir = mkdtempSync(join(tmpdir(), "gridtune-dspy-"));
      try {
        const file = join(dir, "program.json");
        loaded.save(file);
        const raw = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
        const versions = (raw["metadata"] as { dependency_versions?: Record<string, unknown> } | undefined)?.dependency_versions;
        if (!versions || !["python", "dspy", "cloudpickle"].every((k) => typeof versions[k] === "string")) {
          failures.push(`saved file lacks metadata.dependency_versions {python, dspy, cloudpickle}: ${JSON.stringify(raw["metadata"])}`);
        }
        const again = new ActProgram(bare);
        again.load(file);
        if (!deepEqual(again.dumpState(), saved)) failures.push("save → load through a file changed the state");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }

      // 3. The same program built in code dumps to the same state.
      const declared: Record<string, FieldDeclaration> = {};
      names.forEach((n, i) => {
        if (n === "reasoning") return;
        const f = state.signature.fields[i]!;
        declared[n] = { kind: i < split ? "input" : "output", desc: f.description, prefix: f.prefix };
      });
      const built = new ActProgram(new Signature(declared, state.signature.instructions));
      built.act.predict.demos = state.demos.map((d) => new Example(d));
      const reasoningState = state.signature.fields[r];
      if (r >= 0 && reasoningState) {
        const ours = built.act.predict.signature.field("reasoning")!;
        if (ours.prefix !== reasoningState.prefix || ours.desc !== reasoningState.description) {
          failures.push(`ChainOfThought reasoning field: expected ${reasoningState.prefix} ${reasoningState.description}, got ${ours.prefix} ${ours.desc}`);
        }
      }
      if (!deepEqual(built.dumpState(), saved)) {
        failures.push(`a program built in code dumps differently:\n    expected ${JSON.stringify(saved)}\n    got      ${JSON.stringify(built.dumpState())}`);
      }
    } catch (e) {
      failures.push(`threw ${(e as Error).stack ?? e}`);
    }
    results.push({ name, failures });
  }
  return results;
}

/** Runs every case in a DSPy fixture file; one result per format case, parse case and saved predictor. */
export async function runDspyFixtures(file: string): Promise<CaseResult[]> {
  const data = JSON.parse(readFileSync(file, "utf8")) as FixtureFile;
  return [
    ...(data.format ?? []).map(checkFormat),
    ...(data.parse ?? []).map(checkParse),
    ...(data.saved_state ? checkSavedState(data.saved_state) : []),
  ];
}
