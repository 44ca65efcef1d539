/**
 * Subgoals: what the agent is about to do next, in a small fixed grammar.
 *
 *     subgoal := "go to the " object        (reach the goal, or stand where the task's final action succeeds)
 *              | "pick up the " object
 *              | "open the " color " door"  (a closed door, or a locked one with its key)
 *              | "open the " color " box"   (toggling a box, which reveals what it holds)
 *              | "close the " color " door"
 *              | "drop the " object
 *     object  := color " " type             (e.g. "green goal", "yellow key", "blue ball", "red door")
 *
 * The subgoal of a state is read off the expert's own plan: follow the chosen (tie-broken) optimal
 * actions from the state; the first object interaction on that path (a pickup, a drop, a toggle that
 * changes something, or the final action that succeeds) names the subgoal. Since the chosen path is a
 * function of the state, the same state always yields the same subgoal.
 */
import { IDX_TO_COLOR, IDX_TO_OBJECT } from "../minigrid/constants.js";

export const SubgoalVerb = { goTo: 1, pickUp: 2, open: 3, drop: 4, close: 5 } as const;
export type SubgoalVerb = (typeof SubgoalVerb)[keyof typeof SubgoalVerb];

/** No interaction (a turn, a move, or an action that changed nothing). */
export const NO_INTERACTION = 0;

/** Pack a subgoal into one small integer (stored per plan edge). */
export function subgoalCode(verb: SubgoalVerb, typeIdx: number, colorIdx: number): number {
  return (verb << 8) | (typeIdx << 4) | colorIdx;
}

export function subgoalText(code: number): string {
  if (code === NO_INTERACTION) return "";
  const verb = code >> 8;
  const type = IDX_TO_OBJECT[(code >> 4) & 15] ?? "object";
  const color = IDX_TO_COLOR[code & 15] ?? "grey";
  const obj = `${color} ${type}`;
  switch (verb) {
    case SubgoalVerb.goTo:
      return `go to the ${obj}`;
    case SubgoalVerb.pickUp:
      return `pick up the ${obj}`;
    case SubgoalVerb.open:
      return `open the ${obj}`;
    case SubgoalVerb.drop:
      return `drop the ${obj}`;
    case SubgoalVerb.close:
      return `close the ${obj}`;
    default:
      throw new RangeError(`bad subgoal code ${code}`);
  }
}

/** Every sentence the grammar can produce starts with one of these. */
export const SUBGOAL_PATTERN = /^(go to|pick up|open|close|drop) the (red|green|blue|purple|yellow|grey) (goal|key|ball|box|door|lava|floor|wall)$/;
