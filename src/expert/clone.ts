/**
 * A generic deep clone for env states: prototype-preserving and memoised on a Map, so that every
 * identity relation survives the copy. When an env field (`env.obj`, `env.door`, a room's `doors`)
 * points at an object that also sits in the grid, the clone's field points at the clone's grid
 * object, exactly as in the original. Cycles are fine for the same reason.
 *
 * Handled: primitives, plain objects and class instances (own properties, including symbol keys and
 * non-enumerable ones, copied with their descriptors; the prototype is shared), arrays, typed arrays,
 * ArrayBuffers, Maps, Sets, Dates. Functions are shared (closures cannot be copied), and so is
 * anything `share` says is immutable — the planner shares walls, goals, lava and floor tiles, and the
 * scratch buffers of the envs it clones from a clone.
 */
export interface CloneOptions {
  /** Values to share instead of copy (must never be mutated by whoever uses the clone). */
  share?: (value: object) => boolean;
  /** The memo (original → copy); pass one to clone several roots that point at each other. */
  memo?: Map<object, unknown>;
}

export function deepClone<T>(value: T, opts: CloneOptions = {}): T {
  return cloneValue(value, opts.memo ?? new Map(), opts.share) as T;
}

function cloneValue(v: unknown, memo: Map<object, unknown>, share?: (value: object) => boolean): unknown {
  if (v === null || (typeof v !== "object" && typeof v !== "function")) return v;
  if (typeof v === "function") return v;
  const o = v as object;
  const seen = memo.get(o);
  if (seen !== undefined) return seen;
  if (share?.(o)) {
    memo.set(o, o);
    return o;
  }
  if (Array.isArray(o)) {
    const out: unknown[] = new Array(o.length);
    memo.set(o, out);
    if (Object.getPrototypeOf(o) !== Array.prototype) Object.setPrototypeOf(out, Object.getPrototypeOf(o));
    for (let i = 0; i < o.length; i++) out[i] = cloneValue(o[i], memo, share);
    copyExtraArrayProps(o, out, memo, share);
    return out;
  }
  if (ArrayBuffer.isView(o)) {
    if (o instanceof DataView) {
      const out = new DataView(o.buffer.slice(o.byteOffset, o.byteOffset + o.byteLength));
      memo.set(o, out);
      return out;
    }
    const out = (o as unknown as { slice(): object }).slice();
    memo.set(o, out);
    return out;
  }
  if (o instanceof ArrayBuffer) {
    const out = o.slice(0);
    memo.set(o, out);
    return out;
  }
  if (o instanceof Date) {
    const out = new Date(o.getTime());
    memo.set(o, out);
    return out;
  }
  if (o instanceof Map) {
    const out = new Map();
    memo.set(o, out);
    for (const [k, val] of o) out.set(cloneValue(k, memo, share), cloneValue(val, memo, share));
    return out;
  }
  if (o instanceof Set) {
    const out = new Set();
    memo.set(o, out);
    for (const k of o) out.add(cloneValue(k, memo, share));
    return out;
  }
  const out = Object.create(Object.getPrototypeOf(o)) as Record<PropertyKey, unknown>;
  memo.set(o, out);
  for (const key of Reflect.ownKeys(o)) {
    const d = Object.getOwnPropertyDescriptor(o, key)!;
    if ("value" in d) d.value = cloneValue(d.value, memo, share);
    Object.defineProperty(out, key, d);
  }
  return out;
}

function copyExtraArrayProps(src: unknown[], dst: unknown[], memo: Map<object, unknown>, share?: (value: object) => boolean): void {
  for (const key of Reflect.ownKeys(src)) {
    if (key === "length" || (typeof key === "string" && /^\d+$/.test(key))) continue;
    const d = Object.getOwnPropertyDescriptor(src, key)!;
    if ("value" in d) d.value = cloneValue(d.value, memo, share);
    Object.defineProperty(dst, key, d);
  }
}
