/**
 * Epoch-shuffled minibatches (gepa 0.1.4 `EpochShuffledBatchSampler`): the trainset ids are shuffled
 * once per epoch with the shared RNG and padded up to a multiple of the minibatch size with the least
 * used ids; iteration i takes the i-th slice.
 */
import type { PyRandom } from "../py-random.js";

/** What a checkpoint keeps of the sampler. */
export interface SamplerState {
  shuffledIds: number[];
  epoch: number;
  /** `Counter` entries in insertion order (their order breaks ties when padding). */
  idFreqs: [number, number][];
  lastTrainsetSize: number;
}

export class EpochShuffledBatchSampler {
  private shuffledIds: number[] = [];
  private epoch = -1;
  private idFreqs = new Map<number, number>();
  private lastTrainsetSize = 0;

  constructor(
    readonly minibatchSize: number,
    private readonly rng: PyRandom,
  ) {}

  private updateShuffled(trainsetSize: number): void {
    this.lastTrainsetSize = trainsetSize;
    this.shuffledIds = Array.from({ length: trainsetSize }, (_, i) => i);
    this.rng.shuffle(this.shuffledIds);
    this.idFreqs = new Map();
    for (const id of this.shuffledIds) this.idFreqs.set(id, (this.idFreqs.get(id) ?? 0) + 1);
    const mod = trainsetSize % this.minibatchSize;
    const pad = mod !== 0 ? this.minibatchSize - mod : 0;
    for (let k = 0; k < pad; k++) {
      // Counter.most_common()[::-1][0]: the lowest count, the last inserted among equals.
      let pick = -1;
      let low = Number.POSITIVE_INFINITY;
      for (const [id, n] of this.idFreqs) {
        if (n <= low) {
          low = n;
          pick = id;
        }
      }
      this.shuffledIds.push(pick);
      this.idFreqs.set(pick, low + 1);
    }
  }

  /** The minibatch (trainset indices) for iteration `i` (gepa's `state.i`, from 0). */
  nextMinibatchIds(trainsetSize: number, i: number): number[] {
    if (trainsetSize === 0) throw new Error("GEPA: cannot sample a minibatch from an empty trainset");
    let base = i * this.minibatchSize;
    const currEpoch = this.epoch === -1 ? 0 : Math.floor(base / Math.max(this.shuffledIds.length, 1));
    if (this.shuffledIds.length === 0 || trainsetSize !== this.lastTrainsetSize || currEpoch > this.epoch) {
      this.epoch = currEpoch;
      this.updateShuffled(trainsetSize);
    }
    base = base % this.shuffledIds.length;
    return this.shuffledIds.slice(base, base + this.minibatchSize);
  }

  getState(): SamplerState {
    return { shuffledIds: [...this.shuffledIds], epoch: this.epoch, idFreqs: [...this.idFreqs], lastTrainsetSize: this.lastTrainsetSize };
  }

  setState(s: SamplerState): void {
    this.shuffledIds = [...s.shuffledIds];
    this.epoch = s.epoch;
    this.idFreqs = new Map(s.idFreqs);
    this.lastTrainsetSize = s.lastTrainsetSize;
  }
}
