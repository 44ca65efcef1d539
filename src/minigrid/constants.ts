/** Minigrid's index tables, exactly as minigrid/core/constants.py defines them. */

export const OBJECT_TO_IDX = {
  unseen: 0,
  empty: 1,
  wall: 2,
  floor: 3,
  door: 4,
  key: 5,
  ball: 6,
  box: 7,
  goal: 8,
  lava: 9,
  agent: 10,
} as const;
/** A world object's type name (`wall`, `door`, `key`, …), as Minigrid's `OBJECT_TO_IDX`. */
export type ObjectType = keyof typeof OBJECT_TO_IDX;
/** Object type index → name (the first channel of an observation image). */
export const IDX_TO_OBJECT: readonly ObjectType[] = Object.keys(OBJECT_TO_IDX) as ObjectType[];

/** Colour name → index (the second channel of an observation image). */
export const COLOR_TO_IDX = { red: 0, green: 1, blue: 2, purple: 3, yellow: 4, grey: 5 } as const;
/** One of Minigrid's six colours. */
export type Color = keyof typeof COLOR_TO_IDX;
/** Colour index → name. */
export const IDX_TO_COLOR: readonly Color[] = ["red", "green", "blue", "purple", "yellow", "grey"];
/** Sorted colour names: `_rand_color` indexes this list, not COLOR_TO_IDX. */
export const COLOR_NAMES: readonly Color[] = ["blue", "green", "grey", "purple", "red", "yellow"];

/** RGB of each colour, as Minigrid renders it. */
export const COLORS: Record<Color, readonly [number, number, number]> = {
  red: [255, 0, 0],
  green: [0, 255, 0],
  blue: [0, 0, 255],
  purple: [112, 39, 195],
  yellow: [255, 255, 0],
  grey: [100, 100, 100],
};

/** Door state → index (the third channel of an observation image): open, closed, locked. */
export const STATE_TO_IDX = { open: 0, closed: 1, locked: 2 } as const;

/** Direction index → unit vector: 0 right (+x), 1 down (+y), 2 left (−x), 3 up (−y). */
export const DIR_TO_VEC: readonly (readonly [number, number])[] = [
  [1, 0],
  [0, 1],
  [-1, 0],
  [0, -1],
];

/** The seven Minigrid actions. */
export const Actions = { left: 0, right: 1, forward: 2, pickup: 3, drop: 4, toggle: 5, done: 6 } as const;
/** An action index 0–6. */
export type ActionIndex = 0 | 1 | 2 | 3 | 4 | 5 | 6;
/** The actions' names, indexed by action number (Minigrid's `Actions` enum). */
export const ACTION_NAMES = ["left", "right", "forward", "pickup", "drop", "toggle", "done"] as const;
/** An action's name, as Minigrid's `Actions` enum. */
export type ActionName = (typeof ACTION_NAMES)[number];
/** The phrases the LLM agent answers with, index-aligned with the actions. */
export const ACTION_PHRASES = ["turn left", "turn right", "move forward", "pick up", "drop", "toggle", "done"] as const;

/** Whether a value is an action index, an integer 0–6. */
export function isActionIndex(a: unknown): a is ActionIndex {
  return typeof a === "number" && Number.isInteger(a) && a >= 0 && a <= 6;
}
