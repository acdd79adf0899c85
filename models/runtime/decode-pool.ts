// A large batch decode split across threads, each with one-thread ONNX Runtime sessions of the same model: rows
// decode independently (a row's tokens do not depend on its batch-mates; decode-reference.test.ts checks a batch
// against one row at a time), so the threads need no word from each other until their rows are done. On two
// cores this beat one two-thread session on the same rows by ~20 % (2026-12-07, reference architecture, batch
// 256: the session's thread pool meets at every kernel of every step; two threads apart never meet). It also
// keeps the core's own thread free: onnxruntime-node runs a session synchronously on the calling thread.
import type { Worker } from 'node:worker_threads';
import { siblingModule, tsThread } from '../threads/ts-thread.ts';
import type { Decoded, DecodeOptions, SampleOptions } from './decode.ts';
import type { RuntimeModel } from './vae-runtime.ts';

/** What a thread needs of the model (structured-cloneable: the vocabulary as its tokens). */
export type PoolModel = Omit<RuntimeModel, 'vocabulary'> & { tokens: string[] };
export type PoolTask = { id: number; z: Float32Array; rowIds: number[]; padTo?: number } & (
  | { kind: 'greedy'; options: Omit<DecodeOptions, 'shouldStop'> }
  | { kind: 'sample'; options: Omit<SampleOptions, 'shouldStop'> }
  | { kind: 'reference'; options: Record<string, never> }
);
export type PoolReply = { ready: true } | { id: number; decoded: Decoded[] } | { id: number; error: string };

/** Below this many rows a batch is decoded on the caller's session: a thread's share would be too small. */
export const POOL_MIN_ROWS = 32;

export class DecodePool {
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (d: Decoded[]) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;

  private constructor(
    private readonly workers: Worker[],
    private readonly latent: number,
  ) {
    for (const w of workers) {
      w.on('message', (r: PoolReply) => {
        if ('ready' in r) return;
        const p = this.waiting.get(r.id);
        this.waiting.delete(r.id);
        if ('error' in r) p?.reject(new Error(`decode thread: ${r.error}`));
        else p?.resolve(r.decoded);
      });
      const fail = (why: string) => this.fail(new Error(`decode thread: ${why}`));
      w.on('error', (e) => fail(e.message));
      w.on('exit', (code) => fail(`stopped (exit code ${code})`));
    }
  }

  /** Starts `threads` threads (default 2) and waits until each has its sessions. */
  static async open(model: RuntimeModel, o: { threads?: number } = {}): Promise<DecodePool> {
    const { vocabulary, ...rest } = model;
    const data: PoolModel = { ...rest, tokens: vocabulary.toJSON().tokens };
    const module = siblingModule(import.meta.url, 'decode-thread.ts', 'decode-thread.mjs');
    const workers = Array.from({ length: Math.max(1, o.threads ?? 2) }, () => tsThread(module, { workerData: { model: data } }));
    try {
      await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
        w.on('message', (r: PoolReply) => 'ready' in r && resolve());
        w.once('error', reject);
        w.once('exit', (code) => reject(new Error(`decode thread stopped (exit code ${code}) while starting`)));
      })));
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
    // idle threads never keep a process alive; busy ones do (split() refs them while their rows decode)
    for (const w of workers) w.unref();
    return new DecodePool(workers, model.latent);
  }

  /** Whether the threads still run (a failed pool is not used again: its caller decodes on its own session). */
  get usable(): boolean {
    return this.failure === null;
  }

  greedy(z: Float32Array, rows: number, options: Omit<DecodeOptions, 'shouldStop'> = {}): Promise<Decoded[]> {
    return this.split(z, rows, (part) => ({ ...part, kind: 'greedy', options }));
  }

  /** Sampling: row r draws from row r's generator, whichever thread decodes it (as sampleDecode does). */
  sample(z: Float32Array, rows: number, options: Omit<SampleOptions, 'shouldStop'> = {}): Promise<Decoded[]> {
    return this.split(z, rows, (part) => ({ ...part, kind: 'sample', options }));
  }

  /** The benchmark's greedy decode of the reference architecture (reference-architecture.ts), rows split. */
  async reference(z: Float32Array, rows: number, padTo: number): Promise<void> {
    await this.split(z, rows, (part) => ({ ...part, kind: 'reference', options: {}, padTo }));
  }

  private async split(z: Float32Array, rows: number, task: (part: { id: number; z: Float32Array; rowIds: number[] }) => PoolTask): Promise<Decoded[]> {
    if (this.failure) throw this.failure;
    const L = this.latent, n = this.workers.length;
    for (const w of this.workers) w.ref();
    const parts = Promise.all(this.workers.map((w, i) => {
      const from = Math.floor((i * rows) / n), to = Math.floor(((i + 1) * rows) / n);
      if (to === from) return Promise.resolve([] as Decoded[]);
      const id = ++this.seq;
      const rowIds = Array.from({ length: to - from }, (_, k) => from + k);
      return new Promise<Decoded[]>((resolve, reject) => {
        this.waiting.set(id, { resolve, reject });
        w.postMessage(task({ id, z: z.slice(from * L, to * L), rowIds }));
      });
    }));
    try {
      return (await parts).flat();
    } finally {
      if (this.waiting.size === 0) for (const w of this.workers) w.unref();
    }
  }

  private fail(error: Error) {
    if (this.failure) return;
    this.failure = error;
    for (const p of this.waiting.values()) p.reject(error);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    this.fail(new Error('decode pool closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
