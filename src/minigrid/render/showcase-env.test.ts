/** A small env holding one of every renderable object, shared by the render tests (no tests of its own). */
import { Grid } from "../grid.js";
import { MiniGridEnv } from "../minigrid-env.js";
import { Ball, Box, Door, Floor, Goal, Key, Lava } from "../world-object.js";

/**
 * 7×6, walls around. Row 1: lava, blue floor, locked yellow door, closed red door, open green door.
 * Row 3: blue key, green ball, purple box. Goal at (5, 4). The agent at (3, 4) faces up.
 */
export class ShowcaseEnv extends MiniGridEnv {
  constructor() {
    super({ width: 7, height: 6, maxSteps: 50 });
  }
  protected genGrid(width: number, height: number): void {
    this.grid = new Grid(width, height);
    this.grid.wallRect(0, 0, width, height);
    this.putObj(new Lava(), 1, 1);
    this.putObj(new Floor("blue"), 2, 1);
    this.putObj(new Door("yellow", { isLocked: true }), 3, 1);
    this.putObj(new Door("red"), 4, 1);
    this.putObj(new Door("green", { isOpen: true }), 5, 1);
    this.putObj(new Key("blue"), 1, 3);
    this.putObj(new Ball("green"), 2, 3);
    this.putObj(new Box("purple"), 3, 3);
    this.putObj(new Goal(), 5, 4);
    this.agentPos = [3, 4];
    this.agentDir = 3;
    this.mission = 'look <around> & "see"';
  }
}

export function showcase(): ShowcaseEnv {
  const env = new ShowcaseEnv();
  env.reset({ seed: 0 });
  return env;
}
