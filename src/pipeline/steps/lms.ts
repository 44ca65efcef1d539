/**
 * The LMs of a run, one per role, each observed by the run's {@link FailureLedger} (calls and
 * failures counted per role; the first fatal error stops the run).
 */
import type { LMConfig, ManagedLM, ModelSpec, UsageTracker } from "../../lm/index.js";
import { roleLM, roleSpec } from "../../agent/lms.js";
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

/** Builds the role LMs (usage to `usage`, retry lines to `log`), each observed by `ledger`. */
export function buildLMs(c: FinetuneConfig, specs: RoleSpecs, config: LMConfig, usage: UsageTracker, ledger: FailureLedger, log: (line: string) => void): RunLMs {
  const common = { concurrency: c.concurrency, usage, config, log };
  return {
    teacher: ledger.observe(roleLM(specs.teacher.id, { role: "teacher", ...common }), "teacher"),
    proposer: ledger.observe(roleLM(specs.teacher.id, { role: "proposer", ...common }), "proposer"),
    student: ledger.observe(roleLM(specs.student.id, { role: "student", ...common, ...(specs.student.baseUrl ? { baseUrl: specs.student.baseUrl } : {}) }), "student"),
    assessor: specs.assessor ? ledger.observe(roleLM(specs.assessor.id, { role: "assessor", ...common }), "assessor") : undefined,
  };
}
