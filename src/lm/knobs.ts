/**
 * What a user changes when an LM error is fatal: the flag of the role's model, an environment
 * variable, fewer demos… One table, so every command says the same thing.
 */
import type { FatalLMError, UnreachableHostError } from "./errors.js";
import type { ModelSpec } from "./model-spec.js";

/** The flag that picks a role's model (`proposer` is the teacher's model). */
export function modelFlagFor(role: string | undefined): string {
  if (role === "proposer" || role === "teacher") return "--teacher-model";
  if (role === "assessor") return "--assessor-model";
  if (role === "student") return "--student-model";
  return "the model id";
}

/** The knob for a fatal error of an LM with this spec and role; undefined keeps the error's own. */
export function knobFor(e: FatalLMError | UnreachableHostError, spec: ModelSpec, role: string | undefined, server: string): string | undefined {
  const flag = modelFlagFor(role);
  const smallerPrompt = "fewer --max-bootstrapped-demos / --max-labeled-demos or --samples-per-category, or --view agent (a smaller observation)";
  switch (e.kind) {
    case "model_decommissioned": {
      const replacement = (e as { replacement?: string }).replacement;
      return replacement ? `${flag} ${spec.provider === "groq" ? `groq/${replacement}` : replacement}` : `${flag} (a model the provider serves)`;
    }
    case "model_not_found":
      return spec.provider === "ollama" ? `\`ollama pull ${spec.model}\`, or ${flag}` : `${flag} (a model the provider lists)`;
    case "context_length":
      return spec.provider === "llamacpp" ? (e.knob ?? `GRIDTUNE_LLAMACPP_CONTEXT (or ${smallerPrompt})`) : `${smallerPrompt}, or ${flag} with a longer context`;
    case "request_too_large":
      return `${smallerPrompt}; or a higher tier of the provider, or ${flag}`;
    case "quota":
      return `wait for the quota to reset and rerun with --resume, or ${flag} (another model or provider); GRIDTUNE_MAX_RETRY_AFTER_S sets the longest wait`;
    case "auth":
      return e.knob;
    case "unreachable":
      return spec.provider === "ollama"
        ? `start \`ollama serve\`, or set OLLAMA_HOST (now ${server})`
        : spec.provider === "openai-compatible"
          ? `start the server, or fix --${role ?? "student"}-base-url`
          : e.knob;
    case "bad_request":
      return flag;
    default:
      return e.knob;
  }
}
