/**
 * What the encoders read: a dataset StepRecord, a Gymnasium observation, or anything with the same
 * fields. The agent view needs the image, direction and mission; the full view also needs the grid,
 * its size and the agent's position (a StepRecord has them; an Observation does not).
 */
import { IDX_TO_COLOR, IDX_TO_OBJECT, OBJECT_TO_IDX } from "../minigrid/constants.js";
import type { Observation } from "../minigrid/minigrid-env.js";
import type { StepRecord } from "../dataset/record.js";

/** The text encodings of an observation: `ascii`, `natural`, `tuples`, `relative`, and `balrog` (babyai-text's descriptions, agent view only). */
export type EncodingType = "ascii" | "natural" | "tuples" | "relative" | "balrog";
/** Every {@link EncodingType}, in the CLI's order. */
export const ENCODING_TYPES: readonly EncodingType[] = ["ascii", "natural", "tuples", "relative", "balrog"];
/** What {@link encode} shows: the agent's view or the full grid. */
export type EncodingView = "agent" | "full";

/** A normalised input. */
export interface EncodingInput {
  mission: string;
  /** 0 right, 1 down, 2 left, 3 up. */
  direction: number;
  /** The agent's view, view×view×3 flattened [x][y][c]. */
  image: ArrayLike<number>;
  viewSize: number;
  carrying: [string, string] | null;
  /** The full grid, width×height×3 flattened [x][y][c], agent not drawn. */
  grid?: ArrayLike<number>;
  width?: number;
  height?: number;
  agentPos?: [number, number];
}

/** The state part of a dataset step record (what encoding needs of it; a whole record is one). */
export type StepState = Pick<StepRecord, "mission" | "width" | "height" | "agent_pos" | "agent_dir" | "carrying"> & {
  image: ArrayLike<number>;
  grid: ArrayLike<number>;
};

/** What {@link encode} accepts: a dataset step (record or its state), a live observation, or an {@link EncodingInput}. */
export type Encodable = StepState | Observation | EncodingInput;

/** An input cannot be encoded (no image, a full view without the grid, an unknown type or view). */
export class EncodingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EncodingError";
  }
}

export function toInput(x: Encodable): EncodingInput {
  const r = x as Partial<StepState> & Partial<Observation> & Partial<EncodingInput>;
  const image = r.image;
  if (!image) throw new EncodingError("nothing to encode: the input has no image");
  const viewSize = Math.round(Math.sqrt(image.length / 3));
  if (viewSize * viewSize * 3 !== image.length) throw new EncodingError(`an image of ${image.length} values is not view×view×3`);
  const direction = r.agent_dir ?? r.direction;
  if (direction === undefined) throw new EncodingError("the input has no direction");
  let carrying: [string, string] | null;
  if (r.carrying !== undefined) carrying = r.carrying;
  else carrying = carriedInView(image, viewSize);
  return {
    mission: r.mission ?? "",
    direction,
    image,
    viewSize,
    carrying,
    grid: r.grid,
    width: r.width,
    height: r.height,
    agentPos: r.agent_pos ?? r.agentPos,
  };
}

/** The object in the agent's own cell of the view (where Minigrid draws what it carries). */
export function carriedInView(image: ArrayLike<number>, viewSize: number): [string, string] | null {
  const o = (((viewSize >> 1) * viewSize + viewSize - 1) * 3) | 0;
  const t = image[o]!;
  if (t === OBJECT_TO_IDX.empty || t === OBJECT_TO_IDX.unseen) return null;
  return [IDX_TO_OBJECT[t] ?? "unseen", IDX_TO_COLOR[image[o + 1]!] ?? "grey"];
}

export function requireFull(inp: EncodingInput): Required<EncodingInput> {
  if (!inp.grid || inp.width === undefined || inp.height === undefined || !inp.agentPos) {
    throw new EncodingError("the full view needs grid, width, height and agent_pos (a dataset step record has them; an observation does not)");
  }
  return inp as Required<EncodingInput>;
}

export const DIR_WORDS = ["right", "down", "left", "up"] as const;

export function missionLine(inp: EncodingInput): string {
  return `Mission: ${inp.mission}`;
}
