/** Names, colours and number formats shared by the pages. */

export const ACTION_NAMES = ["left", "right", "forward", "pickup", "drop", "toggle", "done"] as const;
export const ACTION_PHRASES = ["turn left", "turn right", "move forward", "pick up", "drop", "toggle", "done"] as const;

/** Action colours, after Minigrid's palette (blue, green, yellow, purple, red, grey). */
export const ACTION_COLORS = ["#3d6ee0", "#6f9cf2", "#1e9e4a", "#d9a800", "#7027c3", "#d93a3a", "#6b6b6b", "#a8a8a8"];

export const VERDICT_COLORS: Record<string, string> = {
  exact: "#1e9e4a",
  optimal: "#3d6ee0",
  reasonable: "#d9a800",
  wrong: "#d93a3a",
  error: "#6b6b6b",
};

export function actionName(a: number | null | undefined): string {
  if (a === null || a === undefined) return "—";
  return ACTION_NAMES[a] ?? (a === 7 ? "unparsed" : `#${a}`);
}

export function categoryLabel(k: string): string {
  const a = Number(k);
  return Number.isInteger(a) && a >= 0 && a < 7 ? `${a} ${ACTION_NAMES[a]}` : k;
}

export const pct = (x: number | null | undefined, digits = 1) => (x === null || x === undefined || !Number.isFinite(x) ? "—" : `${(x * 100).toFixed(digits)}%`);

export function usd(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  if (x === 0) return "$0";
  if (x < 0.01) return `$${x.toFixed(4)}`;
  return `$${x.toFixed(2)}`;
}

export const int = (x: number | null | undefined) => (x === null || x === undefined ? "—" : x.toLocaleString("en-US"));

export function date(s: string | null | undefined): string {
  if (!s) return "—";
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  return d.toISOString().slice(0, 16).replace("T", " ");
}
