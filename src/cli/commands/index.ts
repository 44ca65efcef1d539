/** Every `gridtune` subcommand, each in its own file exporting `register(program)`. */
import type { Command } from "commander";
import { register as envs } from "./envs.js";
import { register as bench } from "./bench.js";

export const COMMANDS: ((program: Command) => void)[] = [envs, bench];
