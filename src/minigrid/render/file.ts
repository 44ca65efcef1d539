/** One call from an env to the bytes of a picture file, the format chosen by the file's extension. */
import { extname } from "node:path";
import type { MiniGridEnv } from "../minigrid-env.js";
import { encodePng } from "./png.js";
import { renderAgentView, renderFull } from "./raster.js";
import { renderSvg, type RenderView } from "./svg.js";

/** The picture formats {@link renderImageFile} writes. */
export type ImageFormat = "png" | "svg";

/**
 * Options of {@link renderImageFile}: the view, pixels per cell and whether to highlight what the agent
 * sees.
 */
export interface ImageFileOptions {
  view?: RenderView;
  tileSize?: number;
  highlight?: boolean;
}

/** "png" or "svg" from a path's extension (case-insensitive), or null for anything else. */
export function imageFormatOf(path: string): ImageFormat | null {
  const ext = extname(path).toLowerCase();
  return ext === ".png" ? "png" : ext === ".svg" ? "svg" : null;
}

/** The file's contents: PNG bytes or SVG text of the full world or the agent's view. */
export function renderImageFile(env: MiniGridEnv, format: ImageFormat, opts: ImageFileOptions = {}): Uint8Array | string {
  const { view = "full", ...raster } = opts;
  if (format === "svg") return renderSvg(env, opts);
  if (format !== "png") throw new RangeError(`image format must be 'png' or 'svg', got '${String(format)}'`);
  if (view !== "full" && view !== "agent") throw new RangeError(`view must be 'full' or 'agent', got '${String(view)}'`);
  return encodePng(view === "agent" ? renderAgentView(env, raster) : renderFull(env, raster));
}
