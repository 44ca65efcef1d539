/**
 * The deterministic world of the GEPA conformance fixtures (fixtures/*.json), ported line for line
 * from the recorder (fixtures/README.md): the same LMs (pure functions of the messages), programs,
 * data and metrics as the Python run, so a replay must make the same calls.
 */
import type { ChatMessage } from "../../../lm/types.js";
import { Example, type Prediction } from "../../example.js";
import { type CallOptions, type Inputs, Module } from "../../module.js";
import { Predict } from "../../predict.js";
import { FakeLM } from "../../testing/fake-lm.js";
import type { GEPAFeedbackMetric } from "./adapter.js";

const KEYWORDS = ["CAREFULLY", "BLAH", "CARRY", "CHECK"];
const WORDS = ["W0", "W1", "W2", "W3", "W4", "W5", "W6", "W7"];

/** The recorder's `MODE["many"]`: eight words, each fixing one class of questions. */
export type WorldMode = "default" | "many";

function instrOf(system: string): string {
  const parts = system.split("In adhering to this structure, your objective is: \n");
  return parts.length > 1 ? parts[1]! : "";
}

function field(user: string, name: string): string {
  const m = new RegExp(`\\[\\[ ## ${name} ## \\]\\]\\n([\\s\\S]*?)(?:\\n\\n|$)`).exec(user);
  return m ? m[1]! : "";
}

/** The recorder's `task_reply`. */
export function taskReply(messages: readonly ChatMessage[], mode: WorldMode = "default"): string {
  const system = messages[0]!.content;
  const user = messages[messages.length - 1]!.content;
  const instr = instrOf(system);
  const q = field(user, "question");
  const m = /^What is (\d+) \+ (\d+)\?/.exec(q)!;
  const a = Number(m[1]);
  const b = Number(m[2]);
  let right: boolean;
  if (system.includes("`plan`") && system.includes("Your output fields are:\n1. `plan`")) {
    const plan = instr.includes("ALPHA") ? "use alpha" : "guess";
    return `[[ ## plan ## ]]\n${plan}\n\n[[ ## completed ## ]]`;
  }
  if (system.includes("`plan`")) {
    const plan = field(user, "plan");
    right = (a % 2 === 0 && plan === "use alpha") || (a % 2 === 1 && instr.includes("BETA")) || ((a + b) % 5 === 0 && plan === "guess");
  } else if (mode === "many") {
    const broken = WORDS.some((w, k) => instr.includes(w) && (a + b) % 8 === (k + 4) % 8);
    right = ((7 * a + 3 * b) % 4 === 0 && !broken) || WORDS.some((w, k) => instr.includes(w) && (a + b) % 8 === k);
  } else {
    const t = 1 + ["CAREFULLY", "CARRY", "CHECK"].filter((k) => instr.includes(k)).length;
    right = (7 * a + 3 * b) % 4 < t;
  }
  return `[[ ## answer ## ]]\n${right ? a + b : a + b + 1}\n\n[[ ## completed ## ]]`;
}

function count(s: string, sub: string): number {
  return s.split(sub).length - 1;
}

/** The recorder's `reflect_reply`. */
export function reflectReply(prompt: string, mode: WorldMode = "default"): string {
  const cur = prompt.split("```\n").slice(1).join("```\n").split("\n```")[0]!;
  const n = count(prompt, "# Example ");
  let next: string;
  if (cur.includes("`plan`") && cur.includes("produce the fields `plan`")) {
    next = cur + (!cur.includes("ALPHA") ? " Use ALPHA." : " Be brief.");
  } else if (cur.includes("produce the fields `answer`") && cur.includes("`plan`")) {
    next = cur + (!cur.includes("BETA") ? " Use BETA." : " Be brief.");
  } else if (mode === "many") {
    const present = WORDS.filter((w) => cur.includes(w));
    const missing = WORDS.filter((w) => !cur.includes(w));
    const keep = [...present.slice(-1), missing[[...prompt].length % missing.length]!];
    next = cur.split(" Use ")[0]! + keep.map((w) => ` Use ${w}.`).join("");
  } else {
    const missing = KEYWORDS.filter((k) => !cur.includes(k));
    const wrong = count(prompt, "Wrong");
    const nxt = missing.length ? missing[wrong % missing.length] : undefined;
    next = cur + (nxt ? ` Add ${nxt} (seen ${n}, wrong ${wrong}).` : " Done.");
  }
  const style = [...prompt].length % 3;
  if (style === 0) return `Here is the new instruction:\n\`\`\`text\n${next}\n\`\`\`\nGood luck.`;
  if (style === 1) return `\`\`\`\n${next}\n\`\`\``;
  return next;
}

export function fixtureTaskLM(mode: WorldMode = "default"): FakeLM {
  return new FakeLM({ model: "det/task", respond: (messages) => taskReply(messages, mode) });
}

export function fixtureReflectionLM(mode: WorldMode = "default"): FakeLM {
  return new FakeLM({ model: "det/reflect", respond: (messages) => reflectReply(messages[messages.length - 1]!.content, mode) });
}

export function fixtureDataset(n: number, offset: number): Example[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + offset;
    const a = (i * 7 + 3) % 23;
    const b = (i * 5 + 1) % 19;
    return new Example({ question: `What is ${a} + ${b}?`, answer: String(a + b) }).withInputs("question");
  });
}

export class QA extends Module {
  predictor = new Predict("question -> answer");
  forward(inputs: Inputs, options: CallOptions): Promise<Prediction> {
    return this.predictor.call(inputs, options);
  }
}

export class Solver extends Module {
  plan = new Predict("question -> plan");
  answer = new Predict("question, plan -> answer");
  async forward(inputs: Inputs, options: CallOptions): Promise<Prediction> {
    const p = await this.plan.call({ question: inputs.question }, options);
    return this.answer.call({ question: inputs.question, plan: p.get("plan") }, options);
  }
}

export const feedbackMetric: GEPAFeedbackMetric = (gold, pred, _trace, predName) => {
  const ok = gold.get("answer") === pred.get("answer");
  let fb = ok ? "Correct." : `Wrong: the answer is ${String(gold.get("answer"))}, not ${String(pred.get("answer"))}.`;
  if (predName !== undefined && predName !== null) fb = `[${predName}] ${fb}`;
  return { score: ok ? 1 : 0, feedback: fb };
};

export const plainMetric: GEPAFeedbackMetric = (gold, pred) => (gold.get("answer") === pred.get("answer") ? 1 : 0);
