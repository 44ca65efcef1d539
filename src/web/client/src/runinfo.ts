/** The run record as the browser sees it: RunInfo (src/pipeline/run-info.ts), every field optional. */
import type { RunInfo, RoleUsage, ScoreSummary } from "../../../pipeline/run-info";

type DeepPartial<T> = T extends (infer U)[] ? DeepPartial<U>[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

export type Info = DeepPartial<Omit<RunInfo, "examples">>;
export type Usage = DeepPartial<RoleUsage>;
export type Scores = DeepPartial<ScoreSummary>;
