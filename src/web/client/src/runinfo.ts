/** The run record as the browser sees it: RunInfo (src/pipeline/run-info.ts), every field optional. */
import type { RunInfo, RoleUsage, ScoreSummary } from "../../../pipeline/run-info";
import type { RoleFailure, RunStatus } from "../../api-types";

type DeepPartial<T> = T extends (infer U)[] ? DeepPartial<U>[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/**
 * The run outcome fields (status, per-role failures, the closing message): every one optional, since
 * older records have only `status` and records from other versions may name a status of their own.
 */
export interface Outcome {
  status?: RunStatus | (string & {});
  failures?: DeepPartial<RoleFailure>[];
  outcome_message?: string;
}

export type Info = DeepPartial<Omit<RunInfo, "examples" | "status" | "failures" | "outcome_message">> & Outcome;
export type Usage = DeepPartial<RoleUsage>;
export type Scores = DeepPartial<ScoreSummary>;
