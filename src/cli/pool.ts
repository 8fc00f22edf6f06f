/**
 * What `seqattn g2p` and `seqattn translate` decode with (`--threads N`): the model in this thread,
 * or, for many inputs on standard input, a pool of N worker threads (createPool). Its own module
 * so the subcommands only pick one.
 */
import { availableParallelism } from 'node:os';
import { createPool, loadModel, type LoadOptions, type ModelConfig, type TranslateOptions, type Translation } from '../node.js';

/** One way to decode: the same calls, in this thread or on workers. */
export interface Backend {
  readonly config: ModelConfig;
  readonly attends: boolean;
  /** Lines the stdin reader hands over per call, and how many calls it keeps running at once. */
  readonly chunkSize: number;
  readonly depth: number;
  translateBatch(inputs: string[], options: TranslateOptions): Promise<Translation[]>;
  translate(input: string, options: TranslateOptions): Promise<Translation>;
  close(): void;
}

/** --threads default: the machine's logical cores. */
export function defaultThreads(): number {
  return availableParallelism();
}

/**
 * The model `name` in this thread when `threads` is 1 or `bulk` is false (a few inputs: starting
 * workers would cost more than it saves), else a pool of `threads` workers.
 */
export async function openBackend(name: string, load: LoadOptions, threads: number, bulk: boolean): Promise<Backend> {
  if (threads > 1 && bulk) {
    const pool = await createPool(name, { ...load, workers: threads });
    return {
      config: pool.config, attends: pool.attends, chunkSize: 64 * threads, depth: 2,
      translateBatch: (inputs, o) => pool.translateBatch(inputs, o),
      translate: (input, o) => pool.translate(input, o),
      close: () => pool.close(),
    };
  }
  const model = await loadModel(name, load);
  return {
    config: model.config, attends: model.attends, chunkSize: 64, depth: 1,
    translateBatch: async (inputs, o) => model.translateBatch(inputs, o),
    translate: async (input, o) => model.translate(input, o),
    close: () => model.dispose(),
  };
}
