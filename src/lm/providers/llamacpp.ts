/**
 * Embedded llama.cpp through `node-llama-cpp` (3.21.1): a local `.gguf` file, or an `hf:` URI
 * downloaded once into `<cacheDir>/models` (with a progress bar) when the network allows.
 *
 * Prompt format: node-llama-cpp's LlamaChatSession with its GeneralChatWrapper (no Jinja template
 * needed), i.e. `### System message`, `### Human`, `### Assistant` sections. Structured output
 * uses node-llama-cpp's JSON-schema grammar, so a reply always parses.
 * Threads default to the number of physical cores.
 */
import { existsSync, openSync, readSync, closeSync, readFileSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import type { Llama, LlamaContext, LlamaGrammar, LlamaModel, ChatHistoryItem } from "node-llama-cpp";
import { BadRequestError, ContextLengthError, ModelFileError } from "../errors.js";
import type { Provider, ProviderRequest, ProviderResponse } from "./provider.js";
import { ProgressBar } from "../../util/progress.js";

/**
 * Settings of the embedded llama.cpp runtime: threads, GPU backend, context size, sequences, build and
 * download behaviour.
 */
export interface LlamaCppOptions {
  /** Threads for evaluation; default the number of physical cores. */
  threads?: number;
  /** GPU backend: false (CPU), "auto", "cuda", "vulkan", "metal". Default "auto". */
  gpu?: false | "auto" | "cuda" | "vulkan" | "metal";
  /** Whether node-llama-cpp may build llama.cpp from source: "never", "auto", … Default "auto". */
  build?: "auto" | "never" | "forceRebuild" | "try";
  /**
   * Context size in tokens (GRIDTUNE_LLAMACPP_CONTEXT); default the smaller of the model's own and
   * 4096, raised to what the run needs when it says (`LlamaCppProvider.requireContext`).
   */
  contextSize?: number;
  /** Parallel sequences (= requests in flight); default 1. */
  sequences?: number;
  /** Where `hf:` models are downloaded to and looked up in; default `<cacheDir>/models`. */
  modelsDir?: string;
  /** Whether an `hf:` model missing from the cache may be downloaded; default true. */
  download?: boolean;
  /** Resolves true when the download host answers; default: a 3-second HEAD to huggingface.co. */
  connectivityProbe?: () => Promise<boolean>;
  /** Show a download progress bar on stderr; default true. */
  progress?: boolean;
}

/** Physical cores (distinct core ids per socket in /proc/cpuinfo), else the logical CPU count. */
export function physicalCoreCount(): number {
  try {
    const info = readFileSync("/proc/cpuinfo", "utf8");
    const cores = new Set<string>();
    let phys = "0";
    for (const line of info.split("\n")) {
      const m = /^(physical id|core id)\s*:\s*(\d+)/.exec(line);
      if (!m) continue;
      if (m[1] === "physical id") phys = m[2]!;
      else cores.add(`${phys}:${m[2]}`);
    }
    if (cores.size > 0) return cores.size;
  } catch {
    // not Linux
  }
  return Math.max(1, availableParallelism());
}

/** The default probe: can we reach Hugging Face within 3 s? */
export async function huggingFaceReachable(timeoutMs = 3000): Promise<boolean> {
  try {
    await fetch("https://huggingface.co", { method: "HEAD", signal: AbortSignal.timeout(timeoutMs) });
    return true;
  } catch {
    return false;
  }
}

function isRemote(uri: string): boolean {
  return uri.startsWith("hf:") || uri.startsWith("huggingface:") || /^https?:\/\//.test(uri);
}

/**
 * The local path of a model: the file itself, or an `hf:`/URL model found in the cache, or
 * downloaded into it. Offline, fails fast with a ModelFileError that says how to provide the file.
 */
export async function resolveGgufPath(uri: string, options: LlamaCppOptions & { modelsDir: string; signal?: AbortSignal }): Promise<string> {
  const { resolveModelFile } = await import("node-llama-cpp");
  if (!isRemote(uri)) {
    const path = resolve(uri);
    if (!existsSync(path)) {
      throw new ModelFileError(
        `no model file at ${path} (from llamacpp/${uri}); pass the path of an existing .gguf file, ` +
          `or an hf: URI to download one when online (e.g. llamacpp/hf:<user>/<repo>/<file>.gguf)`,
      );
    }
    if (!statSync(path).isFile() || !hasGgufMagic(path)) throw new ModelFileError(`${path} is not a GGUF model file (it does not start with "GGUF")`);
    return path;
  }
  const dir = options.modelsDir;
  try {
    return await resolveModelFile(uri, { directory: dir, download: false, cli: false });
  } catch {
    // not in the cache: download below
  }
  const howTo =
    `download the .gguf file on a machine with network access and pass its path as llamacpp/<path>.gguf, ` +
    `or copy it into ${dir}`;
  if (options.download === false) throw new ModelFileError(`${uri} is not in the model cache ${dir} and downloading is off; ${howTo}`);
  const online = await (options.connectivityProbe ?? (() => huggingFaceReachable()))();
  if (!online) throw new ModelFileError(`cannot download ${uri}: no network connection (the download host did not answer); ${howTo}`);
  let bar: ProgressBar | undefined;
  try {
    return await resolveModelFile(uri, {
      directory: dir,
      cli: false,
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: ({ totalSize, downloadedSize }) => {
        if (options.progress === false || totalSize <= 0) return;
        bar ??= new ProgressBar(`download ${uri}`, Math.round(totalSize / 2 ** 20));
        bar.update(Math.round(downloadedSize / 2 ** 20), "MiB");
      },
    });
  } catch (e) {
    throw new ModelFileError(`could not download ${uri}: ${(e as Error).message}; ${howTo}`);
  } finally {
    bar?.finish();
  }
}

function hasGgufMagic(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const b = Buffer.alloc(4);
    return readSync(fd, b, 0, 4, 0) === 4 && b.toString("ascii") === "GGUF";
  } finally {
    closeSync(fd);
  }
}

// The native bindings, not models: loading llama.cpp's library twice in one process is wasted memory.
const llamas = new Map<string, Promise<Llama>>();

/** One Llama runtime (the native library) per (gpu, build, threads) in a process; models are per LMRuntime. */
async function loadLlama(gpu: LlamaCppOptions["gpu"], build: LlamaCppOptions["build"], maxThreads: number): Promise<Llama> {
  const key = JSON.stringify([gpu, build, maxThreads]);
  let p = llamas.get(key);
  if (!p) {
    const { getLlama, LlamaLogLevel } = await import("node-llama-cpp");
    p = getLlama({ gpu: gpu ?? "auto", build: build ?? "auto", maxThreads, logLevel: LlamaLogLevel.error, progressLogs: false });
    llamas.set(key, p);
    p.catch(() => llamas.delete(key));
  }
  return p;
}

interface Loaded {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
}

export class LlamaCppProvider implements Provider {
  readonly name = "llamacpp" as const;
  readonly server: string;
  readonly supportsStructuredOutput = true;
  private loading: Promise<Loaded> | undefined;
  private modelLoading: Promise<{ llama: Llama; model: LlamaModel; path: string; threads: number }> | undefined;
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();
  /** The least context the run needs (its longest prompt and reply), set before the model loads. */
  private required = 0;

  constructor(
    private readonly uri: string,
    private readonly modelId: string,
    private readonly options: LlamaCppOptions & { modelsDir: string },
  ) {
    this.server = isRemote(uri) ? uri : resolve(uri);
  }

  /** Resolves (downloading if needed) and loads the model and its context; later calls share the result. */
  load(signal?: AbortSignal): Promise<Loaded> {
    this.loading ??= this.doLoad(signal).catch((e: unknown) => {
      this.loading = undefined;
      throw e;
    });
    return this.loading;
  }

  /** The model alone (no context yet): enough to count tokens before the context is sized. */
  private loadModel(signal?: AbortSignal): Promise<{ llama: Llama; model: LlamaModel; path: string; threads: number }> {
    this.modelLoading ??= (async () => {
      const path = await resolveGgufPath(this.uri, { ...this.options, ...(signal ? { signal } : {}) });
      const threads = this.options.threads ?? physicalCoreCount();
      const llama = await loadLlama(this.options.gpu, this.options.build, threads);
      try {
        return { llama, model: await llama.loadModel({ modelPath: path }), path, threads };
      } catch (e) {
        throw new ModelFileError(`llama.cpp could not load ${path}: ${(e as Error).message}`);
      }
    })().catch((e: unknown) => {
      this.modelLoading = undefined;
      throw e;
    });
    return this.modelLoading;
  }

  private async doLoad(signal?: AbortSignal): Promise<Loaded> {
    const { llama, model, path, threads } = await this.loadModel(signal);
    const trainCtx = model.trainContextSize;
    const contextSize = this.options.contextSize ?? Math.max(Math.min(trainCtx > 0 ? trainCtx : 4096, 4096), this.required);
    let context: LlamaContext;
    try {
      context = await model.createContext({ contextSize, threads, sequences: this.options.sequences ?? 1 });
    } catch (e) {
      throw new ModelFileError(`llama.cpp could not make a ${contextSize}-token context for ${path}: ${(e as Error).message}; set GRIDTUNE_LLAMACPP_CONTEXT lower, or free memory`);
    }
    return { llama, model, context };
  }

  /**
   * Asks for a context of at least `tokens` (the run's longest prompt plus its reply). Before the model
   * loads, the context is sized to it; with an explicit contextSize (GRIDTUNE_LLAMACPP_CONTEXT) that
   * is smaller, or once loaded with a smaller context, throws a ContextLengthError naming the setting.
   */
  async requireContext(tokens: number, signal?: AbortSignal): Promise<number> {
    const explicit = this.options.contextSize;
    if (explicit !== undefined && explicit < tokens) throw this.tooSmall(explicit, tokens, "GRIDTUNE_LLAMACPP_CONTEXT");
    if (!this.loading) this.required = Math.max(this.required, tokens);
    const { context } = await this.load(signal);
    if (context.contextSize >= tokens) return context.contextSize;
    if (explicit === undefined && (this.options.sequences ?? 1) === 1 && tokens <= MAX_AUTO_CONTEXT) return (await this.grow(tokens, signal)).contextSize;
    throw this.tooSmall(context.contextSize, tokens, "GRIDTUNE_LLAMACPP_CONTEXT");
  }

  /** A new, larger context (the old one freed); only with one sequence, so nothing else is using it. */
  private async grow(tokens: number, signal?: AbortSignal): Promise<LlamaContext> {
    const old = await this.load(signal);
    this.required = Math.max(this.required, nextPowerOfTwo(tokens));
    this.loading = undefined;
    await old.context.dispose();
    return (await this.load(signal)).context;
  }

  /** Tokens of `text` in this model's tokenizer (loads the model, not yet its context). */
  async countTokens(text: string, signal?: AbortSignal): Promise<number> {
    const { model } = await this.loadModel(signal);
    return model.tokenize(text).length;
  }

  /** The context size, once loaded. */
  async contextSize(signal?: AbortSignal): Promise<number> {
    return (await this.load(signal)).context.contextSize;
  }

  private tooSmall(size: number, tokens: number, setting: string): ContextLengthError {
    const e = new ContextLengthError(this.modelId, 400, `the ${size}-token context of ${this.server} cannot hold the run's longest prompt and reply (about ${tokens} tokens)`);
    e.knob = `${setting}=${nextPowerOfTwo(tokens)} (or fewer --max-bootstrapped-demos / --max-labeled-demos, or --view agent)`;
    return e;
  }

  async complete(req: ProviderRequest): Promise<ProviderResponse> {
    const loaded = await this.load(req.signal);
    const llama = loaded.llama;
    let context = loaded.context;
    const { LlamaChatSession, GeneralChatWrapper } = await import("node-llama-cpp");
    const messages = req.messages;
    let lastUser = -1;
    for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === "user") {
      lastUser = i;
      break;
    }
    if (lastUser < 0 || lastUser !== messages.length - 1) {
      throw new BadRequestError(this.modelId, 400, "the last message must be the user's (llamacpp answers the last user message)");
    }
    const history: ChatHistoryItem[] = [];
    for (const m of messages.slice(0, lastUser)) {
      if (m.role === "system") history.push({ type: "system", text: m.content });
      else if (m.role === "user") history.push({ type: "user", text: m.content });
      else history.push({ type: "model", response: [m.content] });
    }
    const grammar = await this.grammarFor(llama, req.responseFormat);
    const promptTokens0 = context.model.tokenize(messages.map((m) => m.content).join("\n")).length;
    // node-llama-cpp would silently drop the start of a prompt that does not fit (context shift): grow
    // the context to the prompt instead (unless pinned, or other sequences are in use), else fail.
    const need = promptTokens0 + (req.maxTokens ?? 256) + 64;
    if (need > context.contextSize) {
      if (this.options.contextSize === undefined && (this.options.sequences ?? 1) === 1 && need <= MAX_AUTO_CONTEXT) context = await this.grow(need, req.signal);
      else throw this.tooSmall(context.contextSize, need, "GRIDTUNE_LLAMACPP_CONTEXT");
    }
    const sequence = context.getSequence();
    const session = new LlamaChatSession({ contextSequence: sequence, chatWrapper: new GeneralChatWrapper(), autoDisposeSequence: false });
    try {
      session.setChatHistory(history);
      const inBefore = sequence.tokenMeter.usedInputTokens;
      const outBefore = sequence.tokenMeter.usedOutputTokens;
      const text = await session.prompt(messages[lastUser]!.content, {
        ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
        ...(req.maxTokens !== undefined ? { maxTokens: req.maxTokens } : {}),
        ...(req.topP !== undefined ? { topP: req.topP } : {}),
        ...(req.seed !== undefined ? { seed: req.seed } : {}),
        ...(req.stop !== undefined && req.stop.length > 0 ? { customStopTriggers: req.stop } : {}),
        ...(grammar ? { grammar } : {}),
        signal: req.signal,
        stopOnAbortSignal: false,
      });
      const promptTokens = sequence.tokenMeter.usedInputTokens - inBefore;
      const completionTokens = sequence.tokenMeter.usedOutputTokens - outBefore;
      return { text, usage: { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens } };
    } catch (e) {
      if (e instanceof Error && /too long|context size|context is full|exceeds the context/i.test(e.message)) {
        throw this.tooSmall(context.contextSize, promptTokens0 + (req.maxTokens ?? 0), "GRIDTUNE_LLAMACPP_CONTEXT");
      }
      throw e;
    } finally {
      session.dispose({ disposeSequence: false });
      sequence.dispose();
    }
  }

  private grammarFor(llama: Llama, rf: ProviderRequest["responseFormat"]): Promise<LlamaGrammar> | undefined {
    if (!rf) return undefined;
    const key = rf.type === "json_schema" ? JSON.stringify(rf.schema) : "json";
    let g = this.grammars.get(key);
    if (!g) {
      g =
        rf.type === "json_schema"
          ? // node-llama-cpp takes a subset of JSON Schema; for anything outside it, any JSON.
            Promise.resolve()
              .then(() => llama.createGrammarForJsonSchema(rf.schema as never) as Promise<LlamaGrammar>)
              .catch(() => llama.getGrammarFor("json"))
          : llama.getGrammarFor("json");
      this.grammars.set(key, g);
    }
    return g;
  }

  async dispose(): Promise<void> {
    const l = this.loading;
    const m = this.modelLoading;
    this.loading = undefined;
    this.modelLoading = undefined;
    try {
      if (l) await (await l).context.dispose();
    } catch {
      // the context never loaded
    }
    try {
      if (m) await (await m).model.dispose();
    } catch {
      // never loaded
    }
  }
}

/** The largest context gridtune sizes on its own; beyond it GRIDTUNE_LLAMACPP_CONTEXT must say so. */
const MAX_AUTO_CONTEXT = 32_768;

function nextPowerOfTwo(n: number): number {
  let p = 512;
  while (p < n) p *= 2;
  return p;
}

/** `<cacheDir>/models`. */
export function defaultModelsDir(cacheDir: string): string {
  return join(cacheDir, "models");
}
