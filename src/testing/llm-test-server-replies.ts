/** The {@link LLMTestServer}'s replies: the token count, the scripted reply for a request, a default reply satisfying a JSON schema, the fault RNG. */
import type { ScriptedReply, TestChatRequest, TestReply } from "./llm-test-server-types.js";

/** Whitespace-separated words: the server's token count. */
export function countTestTokens(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** A value satisfying a (simple) JSON schema: objects with their properties, first enum values, zeros, "x". */
export function exampleFromSchema(schema: unknown, defs: Record<string, unknown> = {}): unknown {
  if (!schema || typeof schema !== "object") return null;
  const s = schema as Record<string, unknown>;
  const allDefs = { ...defs, ...((s.$defs as Record<string, unknown>) ?? {}), ...((s.definitions as Record<string, unknown>) ?? {}) };
  if (typeof s.$ref === "string") {
    const name = s.$ref.split("/").pop()!;
    return exampleFromSchema(allDefs[name], allDefs);
  }
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  for (const k of ["anyOf", "oneOf", "allOf"]) if (Array.isArray(s[k]) && (s[k] as unknown[]).length > 0) return exampleFromSchema((s[k] as unknown[])[0], allDefs);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries((s.properties as Record<string, unknown>) ?? {})) out[k] = exampleFromSchema(v, allDefs);
      return out;
    }
    case "array":
      return s.minItems ? Array.from({ length: Number(s.minItems) }, () => exampleFromSchema(s.items, allDefs)) : [];
    case "string":
      return "x".repeat(Math.max(1, Number(s.minLength ?? 1)));
    case "integer":
    case "number":
      return typeof s.minimum === "number" ? s.minimum : 0;
    case "boolean":
      return true;
    case "null":
      return null;
    default:
      return s.properties ? exampleFromSchema({ ...s, type: "object" }, allDefs) : null;
  }
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The reply for a chat request: the first script that matches the last user message (a script used
 * up is removed from `replies`), else `defaultReply`, else JSON satisfying the requested format, else "test reply".
 */
export function replyFor(chat: TestChatRequest, replies: ScriptedReply[], defaultReply: ((req: TestChatRequest) => string | TestReply) | undefined): TestReply {
  const lastUser = [...chat.messages].reverse().find((m) => m.role === "user")?.content ?? "";
  for (let i = 0; i < replies.length; i++) {
    const r = replies[i]!;
    if (r.model !== undefined && r.model !== chat.model) continue;
    const ok =
      r.match === undefined ? true : typeof r.match === "string" ? lastUser.includes(r.match) : r.match instanceof RegExp ? r.match.test(lastUser) : r.match(chat);
    if (!ok) continue;
    if (r.times !== undefined && --r.times <= 0) replies.splice(i, 1);
    const v = typeof r.reply === "function" ? r.reply(chat) : r.reply;
    return typeof v === "string" ? { text: v } : v;
  }
  if (defaultReply) {
    const v = defaultReply(chat);
    return typeof v === "string" ? { text: v } : v;
  }
  if (chat.responseFormat?.type === "json_schema") return { text: JSON.stringify(exampleFromSchema(chat.responseFormat.schema)) };
  if (chat.responseFormat?.type === "json_object") return { text: '{"answer": "test reply"}' };
  return { text: "test reply" };
}
