/** Hash routing: `#/runs/a%2Fb?x=1` → { parts: ["runs", "a/b"], query }. */
import { useEffect, useState } from "preact/hooks";

export interface Route {
  parts: string[];
  query: URLSearchParams;
}

function parse(): Route {
  const h = location.hash.replace(/^#/, "") || "/";
  const [path, q] = h.split("?", 2) as [string, string | undefined];
  const parts = path
    .split("/")
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  return { parts, query: new URLSearchParams(q ?? "") };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const on = () => setRoute(parse());
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return route;
}

export function href(...parts: (string | number)[]): string {
  return "#/" + parts.map((p) => encodeURIComponent(String(p))).join("/");
}

/** Change the query of the current hash without a new history entry. */
export function replaceQuery(params: Record<string, string | number | null>): void {
  const h = location.hash.replace(/^#/, "") || "/";
  const [path, q] = h.split("?", 2) as [string, string | undefined];
  const query = new URLSearchParams(q ?? "");
  for (const [k, v] of Object.entries(params)) {
    if (v === null) query.delete(k);
    else query.set(k, String(v));
  }
  const s = query.toString();
  history.replaceState(null, "", `#${path}${s ? `?${s}` : ""}`);
}
