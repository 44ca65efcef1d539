/**
 * The LMs of a run, one per role, each observed by the run's {@link FailureLedger} (calls and
 * failures counted per role; the first fatal error stops the run).
 */
import { roleSpec, type LMRuntime, type ManagedLM, type ModelSpec } from "../../lm/index.js";
import type { FinetuneConfig } from "../config.js";
import type { FailureLedger } from "../outcome.js";

/** The resolved model of each role (the assessor only for the ai-feedback metric). */
export interface RoleSpecs {
  teacher: ModelSpec;
  student: ModelSpec;
  assessor: ModelSpec | null;
}

/** The role LMs of a run. */
export interface RunLMs {
  teacher: ManagedLM;
  proposer: ManagedLM;
  student: ManagedLM;
  assessor: ManagedLM | undefined;
}

/** Resolves each role's model id (bare ids by the role's `--<role>-groq`). */
export function roleSpecs(c: FinetuneConfig): RoleSpecs {
  return {
    teacher: roleSpec(c.teacherModel, "teacher", c.teacherGroq),
    student: roleSpec(c.studentModel, "student", c.studentGroq, c.studentBaseUrl),
    assessor: c.metric === "ai-feedback" ? roleSpec(c.assessorModel, "assessor", c.assessorGroq) : null,
  };
}

/** Builds the role LMs from the run's LM runtime (its usage meter, limiters and retry log), each observed by `ledger`. */
export function buildLMs(c: FinetuneConfig, specs: RoleSpecs, runtime: LMRuntime, ledger: FailureLedger): RunLMs {
  const common = { concurrency: c.concurrency };
  return {
    teacher: ledger.observe(runtime.lm(specs.teacher.id, { role: "teacher", ...common }), "teacher"),
    proposer: ledger.observe(runtime.lm(specs.teacher.id, { role: "proposer", ...common }), "proposer"),
    student: ledger.observe(runtime.lm(specs.student.id, { role: "student", ...common, ...(specs.student.baseUrl ? { baseUrl: specs.student.baseUrl } : {}) }), "student"),
    assessor: specs.assessor ? ledger.observe(runtime.lm(specs.assessor.id, { role: "assessor", ...common }), "assessor") : undefined,
  };
}
