import assert from "node:assert/strict";
import { test } from "node:test";
import { extractInstruction, reflectionPrompt } from "./reflection.js";

// Expected values computed with gepa 0.1.4's InstructionProposalSignature (output_extractor, prompt_renderer).
const EXTRACT: [string, string][] = [["```\nA\n```", "A"], ["x ```python\nB\n``` y", "B"], ["```\nunclosed", "unclosed"], ["```json\nunclosed2", "unclosed2"], ["no fences", "no fences"], ["ends```", "ends"], ["``` only one", "only one"], ["  ```\n  padded  \n```  ", "padded"], ["a ``` b ``` c ``` d", "b ``` c"], ["```\n```", ""], ["```text inline```", "text inline"], ["```lang\n\nC\n\n```", "C"]];

test("the instruction is read from the reply as gepa reads it", () => {
  for (const [reply, expected] of EXTRACT) assert.equal(extractInstruction(reply), expected, JSON.stringify(reply));
});

const RENDER = {"dataset": [{"Inputs": {"q": "  hi  ", "n": "3"}, "Generated Outputs": "Couldn't parse\n```\nraw\n```\n\n", "Feedback": "bad"}, {"Inputs": {}, "Generated Outputs": {"a": "x", "nested": {"b": "y"}, "lst": ["1", "2"], "empty": []}, "Feedback": "ok <curr_param> $& done"}], "instruction": "Do it <side_info> $1.", "prompt": "I provided an assistant with the following instructions to perform a task for me:\n```\nDo it # Example 1\n## Inputs\n### q\nhi\n\n### n\n3\n\n## Generated Outputs\nCouldn't parse\n```\nraw\n```\n\n## Feedback\nbad\n\n\n\n# Example 2\n## Inputs\n\n## Generated Outputs\n### a\nx\n\n### nested\n#### b\ny\n\n### lst\n#### Item 1\n1\n\n#### Item 2\n2\n\n### empty\n\n## Feedback\nok <curr_param> $& done\n\n $1.\n```\n\nThe following are examples of different task inputs provided to the assistant along with the assistant's response for each of them, and some feedback on how the assistant's response could be better:\n```\n# Example 1\n## Inputs\n### q\nhi\n\n### n\n3\n\n## Generated Outputs\nCouldn't parse\n```\nraw\n```\n\n## Feedback\nbad\n\n\n\n# Example 2\n## Inputs\n\n## Generated Outputs\n### a\nx\n\n### nested\n#### b\ny\n\n### lst\n#### Item 1\n1\n\n#### Item 2\n2\n\n### empty\n\n## Feedback\nok <curr_param> $& done\n\n\n```\n\nYour task is to write a new instruction for the assistant.\n\nRead the inputs carefully and identify the input format and infer detailed task description about the task I wish to solve with the assistant.\n\nRead all the assistant responses and the corresponding feedback. Identify all niche and domain specific factual information about the task and include it in the instruction, as a lot of it may not be available to the assistant in the future. The assistant may have utilized a generalizable strategy to solve the task, if so, include that in the instruction as well.\n\nProvide the new instructions within ``` blocks."} as { dataset: Record<string, unknown>[]; instruction: string; prompt: string };

test("the reflection prompt renders nested records, lists, empty values and placeholders as gepa does", () => {
  assert.equal(reflectionPrompt(RENDER.instruction, RENDER.dataset), RENDER.prompt);
});
