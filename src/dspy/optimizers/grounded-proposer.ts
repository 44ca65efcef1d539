/**
 * Grounded instruction proposal (dspy/propose/grounded_proposer.py, dataset_summary_generator.py,
 * utils.py): the prompt model writes new instructions for a predictor from
 *
 * - a **dataset summary** — observations on batches of 10 training examples (at most 10 calls; a
 *   reply starting with "COMPLETE" adds nothing, 5 of those end it), then a 2-3 sentence summary;
 * - a **program description** — the program's code (its signatures, and its class source unless it
 *   is a bare Predict/ChainOfThought) described by the model, and each module's role in it;
 * - **task demos** — up to 3 bootstrapped demos from the demo sets, starting at the set the proposal
 *   belongs to (set 0 gets "No task demos provided.");
 * - a **tip**, drawn per proposal: none, creative, simple, description, high stakes, persona.
 *
 * Prompts are DSPy's (signatures, instructions and field descriptions verbatim). As in DSPy, every
 * proposal describes the program and its predictor's module afresh, with that proposal's task demos
 * as the example, its rollout id and `init_temperature` (3 calls a proposal). Differences, for
 * robustness:
 * - a proposal whose reply cannot be parsed (or whose call fails) is retried with a fresh rollout,
 *   then skipped — never fatal (DSPy aborts the run, stanfordnlp/dspy#1539, #8440);
 * - a stop (the caller's abort, the budget) always propagates.
 */
import type { LM, LMRole } from "../../lm/types.js";
import type { Adapter } from "../adapters/base.js";
import { ChainOfThought } from "../chain-of-thought.js";
import type { Example } from "../example.js";
import { typeName } from "../field-types.js";
import type { Module } from "../module.js";
import { Predict } from "../predict.js";
import { pyRepr, pyStr, pyStrRepr } from "../pycompat.js";
import { InputField, OutputField, Signature, type FieldDeclaration } from "../signature.js";
import { rolloutLM } from "./lm-wrappers.js";
import { isStop } from "./program-tools.js";

/** DSPy's prompting tips, in DSPy's order (a proposal draws one uniformly). */
export const TIPS: Readonly<Record<string, string>> = Object.freeze({
  none: "",
  creative: "Don't be afraid to be creative when creating the new instruction!",
  simple: "Keep the instruction clear and concise.",
  description: "Make sure your instruction is very informative and descriptive.",
  high_stakes: "The instruction should include a high stakes scenario in which the LM must solve the task!",
  persona: 'Include a persona that is relevant to the task in the instruction (ie. "You are a ...")',
});

// ---- DSPy's proposer signatures ------------------------------------------------------------

export const ObservationSummarizer = new Signature(
  {
    observations: InputField({ desc: "Observations I have made about my dataset" }),
    summary: OutputField({ desc: "Two to Three sentence summary of only the most significant highlights of my observations" }),
  },
  "Given a series of observations I have made about my dataset, please summarize them into a brief 2-3 sentence summary which highlights only the most important details.",
);

export const DatasetDescriptor = new Signature(
  {
    examples: InputField({ desc: "Sample data points from the dataset" }),
    observations: OutputField({ desc: "Somethings that holds true for most or all of the data you observed" }),
  },
  "Given several examples from a dataset please write observations about trends that hold for most or all of the samples. " +
    "Some areas you may consider in your observations: topics, content, syntax, conciseness, etc. " +
    "It will be useful to make an educated guess as to the nature of the task this dataset will enable. Don't be afraid to be creative",
);

export const DatasetDescriptorWithPriorObservations = new Signature(
  {
    examples: InputField({ desc: "Sample data points from the dataset" }),
    prior_observations: InputField({ desc: "Some prior observations I made about the data" }),
    observations: OutputField({ desc: "Somethings that holds true for most or all of the data you observed or COMPLETE if you have nothing to add" }),
  },
  "Given several examples from a dataset please write observations about trends that hold for most or all of the samples. " +
    "I will also provide you with a few observations I have already made.  Please add your own observations or if you feel the observations are comprehensive say 'COMPLETE' " +
    "Some areas you may consider in your observations: topics, content, syntax, conciceness, etc. " +
    "It will be useful to make an educated guess as to the nature of the task this dataset will enable. Don't be afraid to be creative",
);

export const DescribeProgram = new Signature(
  {
    program_code: InputField({ desc: "Pseudocode for a language model program designed to solve a particular task." }),
    program_example: InputField({ desc: "An example of the program in use." }),
    program_description: OutputField({ desc: "Describe what task the program is designed to solve, and how it goes about solving this task." }),
  },
  "Below is some pseudo-code for a pipeline that solves tasks with calls to language models. Please describe what type of task this program appears to be designed to solve, and how it appears to work.",
);

export const DescribeModule = new Signature(
  {
    program_code: InputField({ desc: "Pseudocode for a language model program designed to solve a particular task." }),
    program_example: InputField({ desc: "An example of the program in use." }),
    program_description: InputField({ desc: "Summary of the task the program is designed to solve, and how it goes about solving it." }),
    module: InputField({ desc: "The module in the program that we want to describe." }),
    module_description: OutputField({ desc: "Description of the module's role in the broader program." }),
  },
  "Below is some pseudo-code for a pipeline that solves tasks with calls to language models. Please describe the purpose of one of the specified module in this pipeline.",
);

/** DSPy's `generate_instruction_class`: the instruction generator's signature for these flags. */
export function generateInstructionSignature(flags: {
  useDatasetSummary: boolean;
  programAware: boolean;
  useInstructHistory?: boolean;
  useTip: boolean;
}): Signature {
  const fields: Record<string, FieldDeclaration> = {};
  if (flags.useDatasetSummary) fields.dataset_description = InputField({ desc: "A description of the dataset that we are using." });
  if (flags.programAware) {
    fields.program_code = InputField({ desc: "Language model program designed to solve a particular task." });
    fields.program_description = InputField({ desc: "Summary of the task the program is designed to solve, and how it goes about solving it." });
    fields.module = InputField({ desc: "The module to create an instruction for." });
    fields.module_description = InputField({ desc: "Description of the module to create an instruction for." });
  }
  fields.task_demos = InputField({ desc: "Example inputs/outputs of our module." });
  if (flags.useInstructHistory) {
    fields.previous_instructions = InputField({ desc: "Previous instructions we've attempted, along with their associated scores." });
  }
  fields.basic_instruction = InputField({ desc: "Basic instruction." });
  if (flags.useTip) fields.tip = InputField({ desc: "A suggestion for how to go about generating the new instruction." });
  fields.proposed_instruction = OutputField({ desc: "Propose an instruction that will be used to prompt a Language Model to perform this task." });
  return new Signature(
    fields,
    "Use the information below to learn about a task that we are trying to solve using calls to an LM, then generate a new instruction that will be used to prompt a Language Model to better solve the task.",
  );
}

// ---- text helpers ----------------------------------------------------------------------------

/** DSPy's `strip_prefix`: drops a leading `Label:` of up to five words (and stray `*`), then quotes. */
export function stripPrefix(text: string): string {
  const w = "[\\p{L}\\p{N}_'\\-]";
  const pattern = new RegExp(`^[*\\s]*((${w}+\\s+){0,4}${w}+):\\s*`, "u");
  return text.replace(pattern, "").replace(/^"+|"+$/g, "");
}

/** Python's `repr` of an Example, with its input keys sorted (DSPy's `order_input_keys_in_string`). */
export function pyExampleRepr(e: Example): string {
  const fields = Object.fromEntries(e.items());
  const keys = e.inputKeys ? `{${[...e.inputKeys].map(pyStrRepr).sort().join(", ")}}` : "None";
  return `Example(${pyRepr(fields)}) (input_keys=${keys})`;
}

/** DSPy's `create_example_string`: one `Prefix value` line per signature field. */
export function exampleString(signature: Signature, example: Example): string {
  return signature.fields.map((f) => `${f.prefix} ${example.has(f.name) ? pyStr(example.get(f.name)) : "None"}`).join("\n");
}

/** A signature as DSPy prints a string signature (`str(signature)`). */
export function signatureSource(signature: Signature): string {
  const lines = signature.fields.map(
    (f) =>
      `    ${f.name} = Field(annotation=${typeName(f.type)} required=True json_schema_extra={'__dspy_field_type': '${f.kind}', 'desc': ${pyStrRepr(f.desc)}, 'prefix': ${pyStrRepr(f.prefix)}})`,
  );
  return `StringSignature(${signature.signature}\n    instructions=${pyStrRepr(signature.instructions)}\n${lines.join("\n")}\n)`;
}

/**
 * The "program code" the proposer reads (DSPy's `get_dspy_source_code`): each distinct signature of
 * the predictors the program holds, then the program class's source unless the program is a bare
 * Predict or ChainOfThought. A Predict holds no predictor (its signature is not a parameter), so a
 * bare Predict's code is empty, as in DSPy.
 */
export function programCodeString(program: Module, maxClassChars = 6000): string {
  const seen = new Set<string>();
  const header: string[] = [];
  for (const p of program instanceof Predict ? [] : program.predictors()) {
    const src = signatureSource(p.signature);
    if (!seen.has(src)) {
      seen.add(src);
      header.push(src);
    }
  }
  let base = "";
  if (program.constructor !== Predict && program.constructor !== ChainOfThought) {
    base = String(program.constructor);
    if (base.length > maxClassChars) base = base.slice(0, maxClassChars) + "\n    // …";
  }
  return `${header.join("\n\n")}\n\n${base}`;
}

/** `Predict(in1, in2) -> out1, out2`: the module line of DSPy's module description. */
export function moduleCode(predictor: Predict): string {
  return `Predict(${predictor.signature.inputNames.join(", ")}) -> ${predictor.signature.outputNames.join(", ")}`;
}

// ---- the proposer ----------------------------------------------------------------------------

export interface ProposerContext {
  /** The prompt model (the proposer). */
  lm: LM;
  adapter?: Adapter;
  signal?: AbortSignal;
  /** Usage role of the calls (default "proposer"). */
  role?: LMRole;
  log?: (line: string) => void;
}

/**
 * DSPy's `create_dataset_summary`: observations over batches of `viewDataBatchSize` examples, then a
 * summary. Later batches that fail end the observation loop early (as in DSPy); the first and last
 * calls throw.
 */
export async function createDatasetSummary(trainset: readonly Example[], viewDataBatchSize: number, ctx: ProposerContext): Promise<string> {
  const call = (sig: Signature, inputs: Record<string, unknown>) =>
    new Predict(sig, { config: { temperature: 1.0 } }).call(inputs, {
      lm: ctx.lm,
      role: ctx.role ?? "proposer",
      ...(ctx.adapter ? { adapter: ctx.adapter } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  const repr = (batch: readonly Example[]) => `[${batch.map(pyExampleRepr).join(", ")}]`;
  const first = await call(DatasetDescriptor, { examples: repr(trainset.slice(0, Math.min(trainset.length, viewDataBatchSize))) });
  let observations = String(first.get("observations") ?? "");
  let skips = 0;
  try {
    let calls = 0;
    for (let b = viewDataBatchSize; b < trainset.length; b += viewDataBatchSize) {
      calls++;
      if (calls >= 10) break;
      const out = await call(DatasetDescriptorWithPriorObservations, {
        prior_observations: observations,
        examples: repr(trainset.slice(b, Math.min(trainset.length, b + viewDataBatchSize))),
      });
      const obs = String(out.get("observations") ?? "");
      if (obs.length >= 8 && obs.slice(0, 8).toUpperCase() === "COMPLETE") {
        skips++;
        if (skips >= 5) break;
        continue;
      }
      observations += obs;
    }
  } catch (error) {
    if (isStop(error, ctx.signal)) throw error;
    ctx.log?.(`dataset summary: ${(error as Error).message}; using the observations so far`);
  }
  const summary = await call(ObservationSummarizer, { observations });
  return stripPrefix(String(summary.get("summary") ?? ""));
}

/** The program-level grounding of a proposal (modules not described keep the placeholders). */
export interface ProgramDescription {
  /** The description of the whole program ("Not available" when describing failed). */
  program: string;
  /** Per predictor: its module line and its role ("Not provided" when describing failed). */
  modules: { code: string; description: string }[];
}

/** Task demos for a proposal (DSPy's `gather_examples_from_sets`). */
export function taskDemosFor(
  predictor: Predict,
  demoSets: readonly (readonly Example[])[] | null,
  demoSetIndex: number,
  numDemosInContext: number,
): string {
  if (!demoSets || demoSets.length === 0) return "No task demos provided.";
  const ordered = [demoSets[demoSetIndex] ?? [], ...demoSets.slice(demoSetIndex + 1), ...demoSets.slice(0, demoSetIndex)];
  const strings: string[] = [];
  outer: for (const set of ordered) {
    for (const ex of set) {
      if (ex.keys().includes("augmented")) {
        strings.push(exampleString(predictor.signature, ex));
        if (strings.length >= numDemosInContext) break outer;
      }
    }
  }
  const text = strings.join("\n\n") + "\n\n";
  return !text.trim() || demoSetIndex === 0 ? "No task demos provided." : text;
}

/**
 * Describes the program, then the modules of `ctx.predictors` (default: every predictor) — DSPy's
 * DescribeProgram / DescribeModule, which its proposer runs for each proposal with that proposal's
 * task demos as `programExample` and only the module being proposed for. A failure is not fatal:
 * what is not described keeps DSPy's placeholders.
 */
export async function describeProgram(
  program: Module,
  programCode: string,
  programExample: string,
  ctx: ProposerContext & { temperature: number; rolloutId: string | number; predictors?: readonly number[] },
): Promise<ProgramDescription> {
  const lm = rolloutLM(ctx.lm, ctx.rolloutId, ctx.temperature);
  const opts = { lm, role: ctx.role ?? "proposer", ...(ctx.adapter ? { adapter: ctx.adapter } : {}), ...(ctx.signal ? { signal: ctx.signal } : {}) };
  const predictors = program.predictors();
  const result: ProgramDescription = { program: "Not available", modules: predictors.map(() => ({ code: "Not provided", description: "Not provided" })) };
  try {
    const d = await new Predict(DescribeProgram).call({ program_code: programCode, program_example: programExample }, opts);
    result.program = stripPrefix(String(d.get("program_description") ?? ""));
    for (const i of ctx.predictors ?? predictors.keys()) {
      const code = moduleCode(predictors[i]!);
      result.modules[i]!.code = code;
      const m = await new Predict(DescribeModule).call(
        { program_code: programCode, program_description: result.program, program_example: programExample, module: code },
        opts,
      );
      result.modules[i]!.description = String(m.get("module_description") ?? "");
    }
  } catch (error) {
    if (isStop(error, ctx.signal)) throw error;
    ctx.log?.(`Error getting program description. Running without program aware proposer. Error: ${(error as Error).message}`);
  }
  return result;
}

export interface ProposalRequest {
  predictor: Predict;
  predictorIndex: number;
  /** Grounding; null parts are left out of the generator's signature. */
  datasetSummary: string | null;
  programCode: string | null;
  description: ProgramDescription | null;
  taskDemos: string;
  /** The tip text ("" = no tip field). */
  tip: string;
  rolloutId: number;
  temperature: number;
  /** Extra tries after a failed one, each with a fresh rollout (default 2). */
  retries?: number;
}

/** One proposed instruction, or undefined when every try failed (the proposal is skipped). */
export async function proposeInstruction(req: ProposalRequest, ctx: ProposerContext): Promise<string | undefined> {
  const programAware = req.programCode !== null && req.description !== null;
  const signature = generateInstructionSignature({
    useDatasetSummary: req.datasetSummary !== null,
    programAware,
    useTip: Boolean(req.tip),
  });
  const module = req.description?.modules[req.predictorIndex];
  const inputs: Record<string, unknown> = {
    dataset_description: req.datasetSummary,
    program_code: req.programCode,
    program_description: req.description?.program ?? "Not available",
    module: module?.code ?? "Not provided",
    module_description: module?.description ?? "Not provided",
    task_demos: req.taskDemos,
    basic_instruction: req.predictor.signature.instructions,
    tip: req.tip,
  };
  const tries = 1 + (req.retries ?? 2);
  for (let attempt = 0; attempt < tries; attempt++) {
    const rollout = attempt === 0 ? req.rolloutId : `${req.rolloutId}-retry${attempt}`;
    try {
      const out = await new Predict(signature).call(inputs, {
        lm: rolloutLM(ctx.lm, rollout, req.temperature),
        role: ctx.role ?? "proposer",
        ...(ctx.adapter ? { adapter: ctx.adapter } : {}),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      const instruction = stripPrefix(stripPrefix(String(out.get("proposed_instruction") ?? ""))).trim();
      if (instruction) return instruction;
      ctx.log?.(`proposal for predictor ${req.predictorIndex} came back empty (try ${attempt + 1} of ${tries})`);
    } catch (error) {
      if (isStop(error, ctx.signal)) throw error;
      ctx.log?.(`proposal for predictor ${req.predictorIndex} failed (try ${attempt + 1} of ${tries}): ${(error as Error).message.split("\n")[0]}`);
    }
  }
  return undefined;
}
