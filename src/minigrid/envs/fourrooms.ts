/**
 * FourRooms — the classic four-room maze: four 9×9 rooms joined by four one-cell gaps.
 *
 * Recipe: a 19×19 grid with walls around; for the top-left, top-right and bottom-left rooms, in
 * that order, a wall on the right (with a gap at a random row) and/or a wall below (with a gap at a
 * random column); the agent at a random free cell facing a random way; the goal at a random free
 * cell. With `agentPos` the agent starts there (the cell is cleared) facing a random way; with
 * `goalPos` the goal is put there.
 *
 * Mission: "reach the goal". Rewards: 1 − 0.9 · (step_count / max_steps) for the goal, 0 otherwise.
 * Termination: the goal is reached or max_steps (100) runs out. Registered: MiniGrid-FourRooms-v0.
 */
import { Grid } from "../grid.js";
import { MiniGridEnv, type MiniGridOptions } from "../minigrid-env.js";
import { family } from "../registration.js";
import { Goal, type Point } from "../world-object.js";

export interface FourRoomsOptions extends Omit<MiniGridOptions, "gridSize" | "width" | "height"> {
  agentPos?: Point | null;
  goalPos?: Point | null;
}

export class FourRoomsEnv extends MiniGridEnv {
  private readonly agentDefaultPos: Point | null;
  private readonly goalDefaultPos: Point | null;
  readonly size = 19;

  constructor({ agentPos = null, goalPos = null, maxSteps = 100, ...rest }: FourRoomsOptions = {}) {
    super({ ...rest, width: 19, height: 19, maxSteps });
    this.agentDefaultPos = agentPos;
    this.goalDefaultPos = goalPos;
  }

  protected genGrid(width: number, height: number): void {
    this.grid = new Grid(width, height);
    this.grid.horzWall(0, 0);
    this.grid.horzWall(0, height - 1);
    this.grid.vertWall(0, 0);
    this.grid.vertWall(width - 1, 0);

    const roomW = Math.floor(width / 2);
    const roomH = Math.floor(height / 2);
    for (let j = 0; j < 2; j++) {
      for (let i = 0; i < 2; i++) {
        const xL = i * roomW;
        const yT = j * roomH;
        const xR = xL + roomW;
        const yB = yT + roomH;
        if (i + 1 < 2) {
          this.grid.vertWall(xR, yT, roomH);
          this.grid.set(xR, this.randInt(yT + 1, yB), null);
        }
        if (j + 1 < 2) {
          this.grid.horzWall(xL, yB, roomW);
          this.grid.set(this.randInt(xL + 1, xR), yB, null);
        }
      }
    }

    if (this.agentDefaultPos !== null) {
      this.agentPos = [...this.agentDefaultPos];
      this.grid.set(this.agentPos[0], this.agentPos[1], null);
      this.agentDir = this.randInt(0, 4);
    } else {
      this.placeAgent();
    }

    if (this.goalDefaultPos !== null) {
      this.putObj(new Goal(), this.goalDefaultPos[0], this.goalDefaultPos[1]);
    } else {
      this.placeObj(new Goal());
    }
    this.mission = "reach the goal";
  }
}

export const FOURROOMS_ENVS = family("FourRooms", FourRoomsEnv, {
  "MiniGrid-FourRooms-v0": {},
});
