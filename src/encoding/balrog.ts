/**
 * `balrog`: babyai-text's descriptions of the agent's view, as BALROG shows them to its agents.
 * BALROG installs Minigrid from a fork (BartekCupial/Minigrid, `MiniGridEnv.gen_graph`) whose
 * `info["descriptions"]` lists, in this order:
 *
 *     You carry a blue key                     (when carrying)
 *     You see a wall 3 steps forward           (first non-empty cell straight ahead, if a wall)
 *     You see a wall 2 steps left              (… to the left, to the right)
 *     You see a locked yellow door 1 step right and 2 steps forward
 *
 * Objects come column by column (left to right), each top to bottom. Quirks kept byte for byte:
 * unseen cells do not stop the wall rays; a door always takes "a" ("You see a open red door": the
 * fork compares the state's name with 0); an object beside the agent has only its sideways part.
 * BALROG's `BabyAITextCleanLangWrapper` joins the lines with newlines and drops every "You see ".
 * `encode(…, {type: "balrog"})` puts the mission line first like the other encodings; BALROG's own
 * prompt has the mission in its instruction instead ({@link babyaiTextObservation}).
 */
import { IDX_TO_COLOR, IDX_TO_OBJECT, OBJECT_TO_IDX } from "../minigrid/constants.js";
import { EncodingError, missionLine, type EncodingInput } from "./input.js";

const DOOR_STATES = ["open", "closed", "locked"] as const;
const steps = (n: number) => `${n} step${n > 1 ? "s" : ""}`;

/** babyai-text's `info["descriptions"]` for an agent view (image [x][y][c], the carried object). */
export function babyaiTextDescriptions(inp: Pick<EncodingInput, "image" | "viewSize" | "carrying">): string[] {
  const { image, viewSize: s, carrying } = inp;
  const ax = s >> 1;
  const ay = s - 1;
  const type = (x: number, y: number) => image[(x * s + y) * 3]!;
  const out: string[] = [];
  if (carrying) out.push(`You carry a ${carrying[1]} ${carrying[0]}`);
  // The first cell that is neither unseen nor empty along each ray; named only when it is a wall.
  const ray = (dx: number, dy: number, word: string) => {
    for (let x = ax + dx, y = ay + dy, k = 1; x >= 0 && x < s && y >= 0; x += dx, y += dy, k++) {
      const t = type(x, y);
      if (t === OBJECT_TO_IDX.unseen || t === OBJECT_TO_IDX.empty) continue;
      if (t === OBJECT_TO_IDX.wall) out.push(`You see a wall ${steps(k)} ${word}`);
      return;
    }
  };
  ray(0, -1, "forward");
  ray(-1, 0, "left");
  ray(1, 0, "right");
  for (let x = 0; x < s; x++) {
    for (let y = 0; y < s; y++) {
      const o = (x * s + y) * 3;
      const t = image[o]!;
      if (t === OBJECT_TO_IDX.unseen || t === OBJECT_TO_IDX.empty || t === OBJECT_TO_IDX.wall) continue;
      if (x === ax && y === ay) continue;
      const color = IDX_TO_COLOR[image[o + 1]!] ?? String(image[o + 1]);
      const name = IDX_TO_OBJECT[t] ?? String(t);
      let text = t === OBJECT_TO_IDX.door ? `You see a ${DOOR_STATES[image[o + 2]!] ?? String(image[o + 2])} ${color} ${name} ` : `You see a ${color} ${name} `;
      const right = x - ax;
      const forward = ay - y;
      const side = `${steps(Math.abs(right))} ${right > 0 ? "right" : "left"}`;
      if (right === 0) text += `${steps(forward)} forward`;
      else if (forward === 0) text += side;
      else text += `${side} and ${steps(forward)} forward`;
      out.push(text);
    }
  }
  return out;
}

/** The observation text of BALROG's BabyAI wrapper: the descriptions without "You see ", one a line. */
export function babyaiTextObservation(inp: Pick<EncodingInput, "image" | "viewSize" | "carrying">): string {
  return babyaiTextDescriptions(inp)
    .map((d) => d.replaceAll("You see ", ""))
    .join("\n");
}

export function encodeBalrog(inp: EncodingInput, view: "agent" | "full"): string {
  if (view !== "agent") throw new EncodingError("the balrog encoding (babyai-text's descriptions) describes the agent's view only; use view agent");
  const text = babyaiTextObservation(inp);
  return text ? `${missionLine(inp)}\n${text}` : missionLine(inp);
}
