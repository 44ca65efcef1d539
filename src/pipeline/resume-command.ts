/**
 * The exact command that continues a run: `gridtune finetune` with the run's settings (those that
 * differ from the defaults) and `--resume`, quoted for a POSIX shell.
 */
import { DEFAULTS, type FinetuneConfig } from "./config.js";

function quote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function kebab(k: string): string {
  return k.replace(/[A-Z]/g, (m) => "-" + m.toLowerCase());
}

/** Boolean settings spelled as a flag pair: the flag that sets true, the flag that sets false. */
const BOOL_FLAGS: Partial<Record<keyof FinetuneConfig, [string, string]>> = {
  teacherGroq: ["--teacher-groq", "--no-teacher-groq"],
  studentGroq: ["--student-groq", "--no-student-groq"],
  assessorGroq: ["--assessor-groq", "--no-assessor-groq"],
  finetuneWeights: ["--finetune-weights", ""],
};

/** `gridtune finetune --dataset-path D [settings…] --resume` for `c`. */
export function resumeCommand(c: FinetuneConfig): string {
  const args = ["gridtune", "finetune", "--dataset-path", quote(c.datasetPath)];
  const defaults = DEFAULTS as unknown as Record<string, unknown>;
  const conf = c as unknown as Record<string, unknown>;
  for (const k of Object.keys(conf) as (keyof FinetuneConfig)[]) {
    const v = conf[k];
    if (v === undefined || k === "datasetPath" || k === "name" || k === "resume" || k === "dryRun") continue;
    if (k === "budget") {
      const b = c.budget;
      if (b && (b.calls !== undefined || b.costUsd !== undefined)) {
        args.push("--budget", [b.calls !== undefined ? `calls=${b.calls}` : "", b.costUsd !== undefined ? `usd=${b.costUsd}` : ""].filter(Boolean).join(","));
      }
      continue;
    }
    if (k in defaults && defaults[k] === v) continue;
    const pair = BOOL_FLAGS[k];
    if (pair) {
      const flag = v ? pair[0] : pair[1];
      if (flag) args.push(flag);
      continue;
    }
    args.push(`--${kebab(k)}`, quote(String(v)));
  }
  args.push("--resume");
  return args.join(" ");
}
