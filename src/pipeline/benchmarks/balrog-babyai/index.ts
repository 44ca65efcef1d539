/**
 * BALROG's BabyAI benchmark (`gridtune evaluate --benchmark balrog-babyai`): the protocol
 * (protocol.ts), its prompt (prompt-builder.ts), the players (agents.ts), the runner (run.ts),
 * BALROG's summary and table (summary.ts) and the run record (record.ts).
 */
export * from "./protocol.js";
export { BalrogPromptBuilder } from "./prompt-builder.js";
export { naiveAgent, minigridAgentPlayer, botPlayer, type BalrogAgent, type BalrogEpisodePlayer, type BalrogReply, type BalrogStepInput, type NaiveAgentOptions } from "./agents.js";
export { evaluateBalrogBabyAI, runBalrogEpisode, type BalrogBabyAIOptions, type BalrogBabyAIResult, type BalrogAgentRun, type BalrogEpisode, type BalrogStep } from "./run.js";
export { summarizeBalrog, balrogSummaryLines, balrogComparisonRows, type BalrogSummary, type BalrogTaskSummary } from "./summary.js";
export { writeBalrogRecord, defaultBalrogRecordPath, checkRecordPathFree } from "./record.js";
export { runBalrogBabyAIBenchmark, type BalrogBenchmarkOptions, type BalrogBenchmarkRun } from "./benchmark.js";
