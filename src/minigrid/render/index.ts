/** Pictures of an env: Minigrid's RGB raster (and PNG), SVG, and coloured terminal text. */
export {
  renderFull,
  renderAgentView,
  renderTile,
  clearTileCache,
  visibleCells,
  TILE_PIXELS,
  type RgbImage,
  type RasterOptions,
} from "./raster.js";
export { encodePng, decodePng, crc32, PngError } from "./png.js";
export { renderSvg, type SvgOptions, type RenderView } from "./svg.js";
export { renderAnsi, cellText, xterm256, PPRINT_GLYPHS, type AnsiOptions, type CellGlyphs } from "./ansi.js";
export { renderImageFile, imageFormatOf, type ImageFormat, type ImageFileOptions } from "./file.js";
