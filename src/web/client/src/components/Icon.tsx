/** Player icons as inline SVG (no icon font: they render the same everywhere, offline). */
const PATHS: Record<string, string> = {
  first: "M5 4h2v16H5zM19 4v16L8 12z",
  prev: "M18 4v16L6 12z",
  play: "M7 4v16l13-8z",
  pause: "M6 4h4v16H6zM14 4h4v16h-4z",
  next: "M6 4v16l12-8z",
  last: "M17 4h2v16h-2zM5 4v16l11-8z",
};

export function Icon(p: { name: keyof typeof PATHS | string; size?: number }) {
  return (
    <svg viewBox="0 0 24 24" width={p.size ?? 16} height={p.size ?? 16} aria-hidden="true" fill="currentColor">
      <path d={PATHS[p.name] ?? ""} />
    </svg>
  );
}
