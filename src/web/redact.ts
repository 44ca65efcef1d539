/**
 * Secrets never reach the browser. Run records are written without them, but a record from an older
 * or foreign tool might carry one: every JSON value the dashboard serves from disk passes through
 * `redactSecrets` — values under secret-named keys, strings shaped like API keys, and credentials in
 * URLs are replaced.
 */

export const REDACTED = "[redacted]";

/** Keys whose values are secrets: api_key, apiKey, secret, password, authorization, *_token (not token counts). */
const SECRET_KEY = /(^|[_-])(api[_-]?key|apikey|secret|secret[_-]?key|password|passwd|authorization|auth|bearer|access[_-]?token|auth[_-]?token|refresh[_-]?token|session[_-]?token|credentials?)$|^(apiKey|accessToken|authToken|secretKey|refreshToken|sessionToken)$/i;

/** Strings that look like provider keys (OpenAI sk-…, Groq gsk_…, Anthropic sk-ant-…, HF hf_…, bearer tokens). */
const KEY_SHAPED = /\b(sk-[A-Za-z0-9_-]{16,}|gsk_[A-Za-z0-9]{16,}|hf_[A-Za-z0-9]{16,}|xai-[A-Za-z0-9]{16,}|AIza[0-9A-Za-z_-]{30,})\b|(Bearer\s+)[A-Za-z0-9._~+/-]{12,}=*/g;

/** user:password@ in URLs. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+(:[^\s/@]*)?@/gi;

export function redactString(s: string): string {
  return s
    .replace(KEY_SHAPED, (_m, _key: string | undefined, bearer: string | undefined) => (bearer ? `${bearer}${REDACTED}` : REDACTED))
    .replace(URL_CREDENTIALS, (_m, scheme: string) => `${scheme}${REDACTED}@`);
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** A deep copy of `value` with secrets replaced by "[redacted]". */
export function redactSecrets<T>(value: T): T {
  return redact(value, 0) as T;
}

function redact(value: unknown, depth: number): unknown {
  if (typeof value === "string") return redactString(value);
  if (value === null || typeof value !== "object" || depth > 64) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = isSecretKey(k) && v !== null && v !== "" && typeof v !== "boolean" ? REDACTED : redact(v, depth + 1);
  }
  return out;
}
