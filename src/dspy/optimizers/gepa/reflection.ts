/**
 * The reflective proposal (gepa 0.1.4 `strategies/instruction_proposal.py`, as DSPy's adapter calls
 * it): the current instruction and the reflective dataset rendered as markdown into gepa's prompt —
 * byte for byte — sent to the reflection LM as one user message; the new instruction is read from
 * the first to the last ``` fence of the reply.
 */
import { pyStr, pyStrip } from "../../pycompat.js";

/** gepa's `InstructionProposalSignature.default_prompt_template`. */
export const REFLECTION_PROMPT_TEMPLATE = `I provided an assistant with the following instructions to perform a task for me:
\`\`\`
<curr_param>
\`\`\`

The following are examples of different task inputs provided to the assistant along with the assistant's response for each of them, and some feedback on how the assistant's response could be better:
\`\`\`
<side_info>
\`\`\`

Your task is to write a new instruction for the assistant.

Read the inputs carefully and identify the input format and infer detailed task description about the task I wish to solve with the assistant.

Read all the assistant responses and the corresponding feedback. Identify all niche and domain specific factual information about the task and include it in the instruction, as a lot of it may not be available to the assistant in the future. The assistant may have utilized a generalizable strategy to solve the task, if so, include that in the instruction as well.

Provide the new instructions within \`\`\` blocks.`;

/** One record of the reflective dataset: a predictor's inputs, its outputs (or a parse failure) and feedback. */
export interface ReflectiveExample {
  Inputs: Record<string, unknown>;
  "Generated Outputs": Record<string, unknown> | string;
  Feedback: string;
}

function renderValue(value: unknown, level: number): string {
  if (Array.isArray(value)) {
    let s = "";
    value.forEach((item, i) => {
      s += `${"#".repeat(level)} Item ${i + 1}\n`;
      s += renderValue(item, Math.min(level + 1, 6));
    });
    if (value.length === 0) s += "\n";
    return s;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    let s = "";
    for (const [k, v] of entries) {
      s += `${"#".repeat(level)} ${k}\n`;
      s += renderValue(v, Math.min(level + 1, 6));
    }
    if (entries.length === 0) s += "\n";
    return s;
  }
  return `${pyStrip(pyStr(value))}\n\n`;
}

/** The reflective dataset as gepa's markdown (`# Example N`, `## key`, `### sub-key`). */
export function renderReflectiveDataset(samples: readonly Readonly<Record<string, unknown>>[]): string {
  return samples
    .map((sample, n) => {
      let s = `# Example ${n + 1}\n`;
      for (const [key, val] of Object.entries(sample)) {
        s += `## ${key}\n`;
        s += renderValue(val, 3);
      }
      return s;
    })
    .join("\n\n");
}

/** Python's `str.replace(old, new)`: every occurrence, the replacement taken literally. */
function replaceAllLiteral(s: string, old: string, replacement: string): string {
  return s.split(old).join(replacement);
}

/** The reflection prompt for one component. */
export function reflectionPrompt(currentInstruction: string, dataset: readonly Readonly<Record<string, unknown>>[], template = REFLECTION_PROMPT_TEMPLATE): string {
  const text = renderReflectiveDataset(dataset);
  return replaceAllLiteral(replaceAllLiteral(template, "<curr_param>", currentInstruction), "<side_info>", text);
}

/** gepa's `output_extractor`: the text between the first and last ``` (minus a language tag), else the reply. */
export function extractInstruction(reply: string): string {
  const lmOut = pyStrip(reply);
  const first = lmOut.indexOf("```");
  const start = (first === -1 ? -1 : first) + 3;
  const end = lmOut.lastIndexOf("```");
  if (start >= end) {
    const stripped = pyStrip(lmOut);
    if (stripped.startsWith("```")) {
      const m = /^```\S*\n?/.exec(lmOut);
      if (m) return pyStrip(lmOut.slice(m[0].length));
    } else if (stripped.endsWith("```")) {
      return pyStrip(stripped.slice(0, -3));
    }
    return stripped;
  }
  let content = lmOut.slice(start, end);
  const m = /^\S*\n/.exec(content);
  if (m) content = content.slice(m[0].length);
  return pyStrip(content);
}
