/**
 * A tiny deterministic world for optimizer tests: "What is a + b?" questions, a one-predictor QA
 * program, a task FakeLM whose accuracy depends on the prompt, and a prompt FakeLM that plays the
 * proposer. Everything is a pure function of the request, so seeded runs replay exactly.
 *
 * Task model accuracy: the reply is right when `(7a + 3b) mod 4 < t`, where t starts at 1 (25%),
 * +1 with at least one demo, +2 when the instructions contain "CAREFULLY" — so demos and a good
 * instruction are both worth finding (100% with both).
 */
import type { ChatMessage, ChatOptions } from "../../lm/types.js";
import type { Metric } from "../evaluate.js";
import { Example, type Prediction } from "../example.js";
import { type CallOptions, type Inputs, Module } from "../module.js";
import { Predict } from "../predict.js";
import { FakeLM, type FakeReply } from "../testing/fake-lm.js";

export class QA extends Module {
  predictor = new Predict("question -> answer");
  forward(inputs: Inputs, options: CallOptions): Promise<Prediction> {
    return this.predictor.call(inputs, options);
  }
}

/** `n` questions; `offset` shifts them so train and val differ. */
export function dataset(n: number, offset = 0): Example[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + offset;
    const a = (i * 7 + 3) % 23;
    const b = (i * 5 + 1) % 19;
    return new Example({ question: `What is ${a} + ${b}?`, answer: String(a + b) }).withInputs("question");
  });
}

export const exactMatch: Metric = (example, prediction) => example.get("answer") === prediction.get("answer");

function lastQuestion(messages: ChatMessage[]): [number, number] | undefined {
  const last = messages[messages.length - 1]?.content ?? "";
  const m = /\[\[ ## question ## \]\]\nWhat is (\d+) \+ (\d+)\?/.exec(last);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** The task model: right or off by one, as the prompt earns. */
export function taskLM(options: { delayMs?: number } = {}): FakeLM {
  return new FakeLM({
    model: "fake/task",
    ...(options.delayMs ? { delayMs: options.delayMs } : {}),
    respond: (messages) => {
      const q = lastQuestion(messages);
      if (!q) return undefined;
      const [a, b] = q;
      const demos = (messages.length - 2) / 2;
      const careful = messages[0]!.content.includes("CAREFULLY");
      const threshold = 1 + (demos >= 1 ? 1 : 0) + (careful ? 2 : 0);
      const right = (7 * a + 3 * b) % 4 < threshold;
      return { answer: String(right ? a + b : a + b + 1) };
    },
  });
}

export interface PromptLMOptions {
  /** Proposals (by first-try rollout id) whose first reply is unparseable. */
  garbleFirstTry?: (rolloutId: number) => boolean;
  /** Proposals that never parse. */
  alwaysGarble?: (rolloutId: number | string) => boolean;
  /** Dataset-summary calls reply with nothing parseable. */
  garbleSummary?: boolean;
}

/** The prompt model: canned summaries and descriptions; instructions by rollout id. */
export function promptLM(options: PromptLMOptions = {}): FakeLM {
  return new FakeLM({
    model: "fake/prompt",
    respond: (messages: ChatMessage[], o: ChatOptions): FakeReply | undefined => {
      const system = messages[0]!.content;
      if (options.garbleSummary && (system.includes("summarize them into a brief") || system.includes("Given several examples from a dataset"))) return "…";
      if (system.includes("summarize them into a brief")) return { summary: "Summary: Arithmetic questions asking for the sum of two small integers." };
      if (system.includes("I will also provide you with a few observations")) return { observations: "COMPLETE" };
      if (system.includes("Given several examples from a dataset")) return { observations: "Every question asks for a sum of two numbers." };
      if (system.includes("Please describe what type of task")) return { program_description: "It answers arithmetic questions." };
      if (system.includes("Please describe the purpose of one of the specified module")) return { module_description: "Produces the sum." };
      if (system.includes("generate a new instruction")) {
        const id = o.rolloutId;
        if (options.alwaysGarble?.(id!)) return "I am not sure what you want.";
        if (typeof id === "number" && options.garbleFirstTry?.(id)) return "no fields here";
        const base = typeof id === "number" ? id : Number(String(id).split("-")[0]);
        return {
          proposed_instruction: base % 2 === 0 ? "Proposed Instruction: Add the two numbers CAREFULLY and reply with the sum only." : "Answer the arithmetic question.",
        };
      }
      return undefined;
    },
  });
}
