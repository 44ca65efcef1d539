/**
 * A play session: one env, its seed, the expert and optionally a trained agent, stepped by a person
 * (or a program) one action at a time — what `gridtune play` shows in the terminal, without the
 * terminal. The CLI reads keys and draws; everything else lives here, so a web page, a notebook or a
 * test can drive the same session.
 *
 *     const session = new PlaySession({ env: "BabyAI-GoToObj-v0", seed: 1, agent });
 *     session.expertHint();          // {action, optimalActions, subgoal} for the current state
 *     await session.advise();        // the agent's hint and reasoning
 *     await session.agentAct();      // apply it
 *     session.act(2);                // or act yourself
 *     session.saveImage("now.png");
 */
import { dirname } from "node:path";
import { makeDirectory } from "../util/make-dir.js";
import { Expert, type ExpertOptions } from "../expert/expert.js";
import type { ExpertDecision } from "../expert/model.js";
import type { LMRole } from "../lm/types.js";
import type { MiniGridEnv } from "../minigrid/minigrid-env.js";
import { makeEnv } from "../minigrid/registry.js";
import { renderAnsi, type AnsiOptions } from "../minigrid/render/ansi.js";
import { imageFormatOf, renderImageFile, type ImageFileOptions } from "../minigrid/render/file.js";
import { renderAgentView, renderFull, type RasterOptions, type RgbImage } from "../minigrid/render/raster.js";
import type { RenderView } from "../minigrid/render/svg.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { UserError } from "../util/errors.js";
import type { EncodingType, ViewType } from "./actions.js";
import type { AgentAdvice, MinigridAgent } from "./minigrid-agent.js";
import { observationText, observationTextSync, stepFromEnv } from "./observation.js";
import { AgentMemory } from "./history.js";
import { ACTION_PHRASES } from "../minigrid/constants.js";
import { ASCII_GLYPHS } from "../encoding/ascii.js";

/** Options of {@link PlaySession}: the env, the seed, the agent (optional) and how observations are shown. */
export interface PlaySessionOptions {
  /** An env id (made with its defaults) or an env of your own. */
  env: string | MiniGridEnv;
  /** The seed of the first episode (default 0). */
  seed?: number;
  /** The trained agent whose advice {@link PlaySession.advise} asks for; without one, only the expert helps. */
  agent?: MinigridAgent | null;
  /** The encoding {@link PlaySession.observationText} shows (default: the agent's, else "ascii"). */
  encoding?: EncodingType;
  /** The view {@link PlaySession.observationText} shows (default: the agent's, else "agent"). */
  view?: ViewType;
  /** The role the agent's LM calls are counted under (default "student"). */
  role?: LMRole;
  /** Options of the expert that gives the optimal actions. */
  expert?: ExpertOptions;
}

/** One action taken in a {@link PlaySession} and what the env answered. */
export interface PlayStep {
  /** The action index 0–6. */
  action: number;
  /** Who chose it: you (through {@link PlaySession.act}) or the agent. */
  by: "user" | "agent";
  /** The reward of this step (Minigrid: `1 - 0.9 · steps/maxSteps` on success, else 0). */
  reward: number;
  /** The episode ended by the env's rules (goal reached, lava, `done` in some envs). */
  terminated: boolean;
  /** The episode ended at the step limit. */
  truncated: boolean;
  /** `terminated || truncated`: the episode is over. */
  done: boolean;
  /** The episode ended with a positive reward (the mission is accomplished). */
  success: boolean;
}

/** Why {@link PlaySession.agentPlay} stopped. */
export type AgentPlayStop = "done" | "no-action" | "limit";

/** Options of {@link PlaySession.agentPlay}. */
export interface AgentPlayOptions {
  /** Cancels the play between steps and the agent's LM call in flight. */
  signal?: AbortSignal;
  /** At most this many agent steps (default: the env's remaining steps). */
  maxSteps?: number;
  /** Called after every step, once the agent's advice for the new state is known (draw here). */
  onStep?: (step: PlayStep) => void | Promise<void>;
}

/** {@link PlaySession.act} or {@link PlaySession.agentAct} after the episode ended: reset first. */
export class EpisodeOverError extends UserError {
  constructor() {
    super("the episode is over: reset() to play it again or reset(seed) for another seed");
    this.name = "EpisodeOverError";
  }
}

/**
 * One interactive episode at a time in an env, with the expert's optimal actions and, given an agent,
 * its advice — the library side of `gridtune play`.
 *
 * The session caches, per state, the expert's decision and the agent's advice, so asking twice costs
 * nothing; {@link PlaySession.act}, {@link PlaySession.reset} and {@link PlaySession.agentAct} move to a
 * new state.
 *
 * @example
 * ```ts
 * const agent = await MinigridAgent.load("saved_llm_models/my_agent.json");
 * const session = new PlaySession({ env: "MiniGrid-Empty-5x5-v0", seed: 1, agent });
 * console.log(session.ansi({ color: true }), session.expertHint()?.optimalActions);
 * const advice = await session.advise();         // hint, action, reasoning
 * const step = await session.agentAct();         // the agent's action, applied (null if it named none)
 * if (step?.done) session.reset(session.seed + 1);
 * ```
 */
export class PlaySession {
  /** The env being played. */
  readonly env: MiniGridEnv;
  /** The agent, or null when playing with the expert only. */
  readonly agent: MinigridAgent | null;
  /** The encoding {@link PlaySession.observationText} uses by default. */
  readonly encoding: EncodingType;
  /** The view {@link PlaySession.observationText} uses by default. */
  readonly view: ViewType;
  private readonly role: LMRole;
  private readonly expertOptions: ExpertOptions | undefined;
  private expert: Expert;
  private currentSeed: number;
  private episodeNumber = 0;
  private reward = 0;
  private last: PlayStep | null = null;
  private expertMemo: { key: string; decision: ExpertDecision } | null = null;
  private adviceMemo: { key: string; advice: AgentAdvice } | null = null;
  private lastError: { key: string; error: Error } | null = null;
  /** The agent's memory of this episode (agents with history): every step taken, by whoever took it. */
  private memory: AgentMemory | null = null;

  constructor(options: PlaySessionOptions) {
    this.env = typeof options.env === "string" ? makeEnv(options.env) : options.env;
    this.agent = options.agent ?? null;
    this.encoding = options.encoding ?? this.agent?.encodingType ?? "ascii";
    this.view = options.view ?? this.agent?.view ?? "agent";
    this.role = options.role ?? "student";
    this.expertOptions = options.expert;
    this.expert = new Expert(this.expertOptions);
    this.currentSeed = options.seed ?? 0;
    this.reset(this.currentSeed);
  }

  /** The seed of the current episode. */
  get seed(): number {
    return this.currentSeed;
  }

  /** How many episodes this session has started (1 after construction). */
  get episode(): number {
    return this.episodeNumber;
  }

  /** Steps taken in this episode. */
  get stepCount(): number {
    return this.env.stepCount;
  }

  /** The env's step limit. */
  get maxSteps(): number {
    return this.env.maxSteps;
  }

  /** The mission of this episode. */
  get mission(): string {
    return this.env.mission;
  }

  /** The sum of the rewards of this episode so far. */
  get totalReward(): number {
    return this.reward;
  }

  /** The last step of this episode, or null before the first. */
  get lastStep(): PlayStep | null {
    return this.last;
  }

  /** Whether the episode is over (terminated or truncated). */
  get done(): boolean {
    return this.last?.done ?? false;
  }

  /** The agent's advice for the current state, if {@link PlaySession.advise} was asked since the last move. */
  get advice(): AgentAdvice | null {
    return this.adviceMemo?.key === this.stateKey() ? this.adviceMemo.advice : null;
  }

  /** The error of the agent's last {@link PlaySession.advise} for the current state, if it failed. */
  get adviceError(): Error | null {
    return this.lastError?.key === this.stateKey() ? this.lastError.error : null;
  }

  /** Starts a new episode: `reset({seed})` with this seed (default: the current one, i.e. a restart). */
  reset(seed: number = this.currentSeed): void {
    this.currentSeed = seed;
    this.env.reset({ seed });
    this.expert = new Expert(this.expertOptions);
    this.episodeNumber++;
    this.reward = 0;
    this.last = null;
    this.memory = this.agent && this.agent.history > 0 ? new AgentMemory(this.agent.history) : null;
  }

  /**
   * Takes an action (0–6: left, right, forward, pickup, drop, toggle, done).
   *
   * @throws {@link EpisodeOverError} when the episode is over.
   */
  act(action: number): PlayStep {
    return this.apply(action, "user");
  }

  /**
   * The agent's advice for the current state (its hint, the action it names and its reasoning); asked
   * once per state. Null without an agent or after the episode ended. A failed call is rethrown and
   * kept in {@link PlaySession.adviceError} for this state.
   */
  async advise(options: { signal?: AbortSignal } = {}): Promise<AgentAdvice | null> {
    if (!this.agent || this.done) return null;
    const key = this.stateKey();
    if (this.adviceMemo?.key === key) return this.adviceMemo.advice;
    try {
      const advice = await this.agent.advise(this.env, { role: this.role, ...(options.signal ? { signal: options.signal } : {}) }, this.memory ?? undefined);
      if (this.stateKey() === key) this.adviceMemo = { key, advice };
      return advice;
    } catch (e) {
      if (this.stateKey() === key && !options.signal?.aborted) this.lastError = { key, error: e as Error };
      throw e;
    }
  }

  /**
   * Asks the agent (unless it was asked for this state already) and takes the action it names.
   *
   * @returns the step, or null when the agent's reply names no action (see {@link PlaySession.advice}).
   * @throws {@link EpisodeOverError} when the episode is over; a UserError without an agent.
   */
  async agentAct(options: { signal?: AbortSignal } = {}): Promise<PlayStep | null> {
    if (!this.agent) throw new UserError("no agent in this play session (pass `agent` to act for you)");
    if (this.done) throw new EpisodeOverError();
    const advice = await this.advise(options);
    if (advice?.action === null || advice?.action === undefined) return null;
    return this.apply(advice.action, "agent");
  }

  /**
   * Lets the agent play until the episode ends, it names no action, or `maxSteps` steps were taken;
   * after each step it is asked about the new state before `onStep` is called.
   */
  async agentPlay(options: AgentPlayOptions = {}): Promise<{ steps: number; stopped: AgentPlayStop }> {
    const limit = options.maxSteps ?? Math.max(0, this.env.maxSteps - this.env.stepCount);
    let steps = 0;
    while (!this.done) {
      if (steps >= limit) return { steps, stopped: "limit" };
      options.signal?.throwIfAborted();
      const step = await this.agentAct(options);
      if (!step) return { steps, stopped: "no-action" };
      steps++;
      if (!step.done) await this.advise(options);
      await options.onStep?.(step);
    }
    return { steps, stopped: "done" };
  }

  /** The expert's decision for the current state (optimal action set, its action, subgoal); null once the episode is over. */
  expertHint(): ExpertDecision | null {
    if (this.done) return null;
    const key = this.stateKey();
    if (this.expertMemo?.key !== key) this.expertMemo = { key, decision: this.expert.act(this.env) };
    return this.expertMemo.decision;
  }

  /** The observation text the agent reads (or another encoding and view), with the mission. */
  observationText(encoding: EncodingType = this.encoding, view: ViewType = this.view): Promise<string> {
    return observationText(stepFromEnv(this.env), encoding, view);
  }

  /**
   * The grid as terminal text (`renderAnsi`), coloured or plain, in the `ascii` encoding's cell tokens
   * (`We` grey wall, `Ky` yellow key, `vv` the agent facing down), as the agent reads them.
   */
  ansi(options: AnsiOptions = { color: false }): string {
    return renderAnsi(this.env, { glyphs: ASCII_GLYPHS, ...options });
  }

  /** The current frame as RGB pixels: the full world (default, cells in view highlighted) or the agent's view. */
  frame(options: RasterOptions & { view?: RenderView } = {}): RgbImage {
    const { view = "full", ...raster } = options;
    return view === "agent" ? renderAgentView(this.env, raster) : renderFull(this.env, { highlight: true, ...raster });
  }

  /** The file name `gridtune play` saves the current frame under: `play_<env>_seed<seed>_step<n>.png`. */
  imageName(): string {
    return `play_${this.env.envId}_seed${this.currentSeed}_step${this.env.stepCount}.png`;
  }

  /**
   * Saves the current frame as PNG or SVG (by the extension; 32-pixel tiles, cells in view highlighted),
   * atomically; creates the directory.
   *
   * @returns the path written.
   */
  saveImage(path: string, options: ImageFileOptions = {}): string {
    const format = imageFormatOf(path);
    if (!format) throw new UserError(`${path}: the image file must end in .png or .svg`);
    makeDirectory(dirname(path));
    writeFileAtomic(path, renderImageFile(this.env, format, { tileSize: 32, highlight: true, ...options }));
    return path;
  }

  private apply(action: number, by: PlayStep["by"]): PlayStep {
    if (this.done) throw new EpisodeOverError();
    if (this.memory && this.agent) {
      this.memory.record(observationTextSync(stepFromEnv(this.env), this.agent.encodingType, this.agent.view), ACTION_PHRASES[action] ?? String(action));
    }
    const r = this.env.step(action);
    this.reward += r.reward;
    const done = r.terminated || r.truncated;
    this.last = { action, by, reward: r.reward, terminated: r.terminated, truncated: r.truncated, done, success: r.terminated && r.reward > 0 };
    return this.last;
  }

  private stateKey(): string {
    return `${this.episodeNumber}:${this.env.stepCount}`;
  }
}
