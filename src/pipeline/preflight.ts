/**
 * The pipeline's preflight: every role's model checked through the LM runtime before any work
 * (src/lm/preflight.ts), with the longest prompt the run will send — the longest example with the
 * most demos the optimizer may put in front of it — so an embedded llama.cpp context is sized to it.
 */
import { ChatAdapter, type Example } from "../dspy/index.js";
import type { Signature } from "../dspy/signature.js";
import type { LMRuntime, ManagedLM, PreflightReport } from "../lm/index.js";

/** One role of a run and its LM. */
export interface RoleToCheck {
  role: "teacher" | "proposer" | "student" | "assessor";
  lm: ManagedLM;
  /** The flag picking this role's model (default `--<role>-model`, the teacher's for the proposer). */
  flag?: string;
}

/** What sizes the longest prompt: the program's signature, the examples, the demos in front of one. */
export interface PromptShape {
  signature: Signature;
  examples: readonly Example[];
  /** Demos the optimizer may put in one prompt (DSPy: at most max(labeled, bootstrapped), and no more than the trainset). */
  maxDemos: number;
}

/** The longest prompt of a run as text: the longest example after `maxDemos` of the longest ones. */
export function longestPromptText(shape: PromptShape): string {
  if (shape.examples.length === 0) return "";
  const size = (e: Example) => JSON.stringify(e.toDict()).length;
  const sorted = [...shape.examples].sort((a, b) => size(b) - size(a));
  const demos = sorted.slice(0, Math.max(0, shape.maxDemos));
  const messages = new ChatAdapter().format(shape.signature, demos, sorted[0]!.inputs().toDict());
  return messages.map((m) => m.content).join("\n");
}

/** Checks every role's model before the run (see the module comment); throws PreflightError. */
export async function preflightRoles(runtime: LMRuntime, roles: RoleToCheck[], shape: PromptShape | undefined, signal?: AbortSignal, probe = true): Promise<PreflightReport> {
  const prompt = shape ? longestPromptText(shape) : undefined;
  const tokens = prompt ? Math.ceil(prompt.length / 4) : undefined;
  return runtime.preflight(
    roles.map((r) => ({
      role: r.role,
      lm: r.lm,
      ...(r.flag ? { flag: r.flag } : {}),
      // The assessor and proposer see other prompts; the student's and teacher's are the agent's.
      ...(prompt && (r.role === "student" || r.role === "teacher") ? { longestPrompt: prompt, longestPromptTokens: tokens! } : {}),
    })),
    { ...(signal ? { signal } : {}), probe },
  );
}
