/** Every `gridtune` subcommand, each in its own file exporting `register(program)`. */
import type { Command } from "commander";
import { register as envs } from "./envs.js";
import { register as collect } from "./collect.js";
import { register as bench } from "./bench.js";
import { register as start } from "./start.js";
import { register as render } from "./render.js";
import { register as serve } from "./serve.js";
import { register as finetune } from "./finetune.js";
import { register as evaluate } from "./evaluate.js";
import { register as play } from "./play.js";

export const COMMANDS: ((program: Command) => void)[] = [start, envs, bench, render, serve, collect, finetune, evaluate, play];
