// A large batch decode split across threads, each with one-thread ONNX Runtime sessions of the same model: rows
// decode independently (a row's tokens do not depend on its batch-mates; decode-reference.test.ts checks a batch
// against one row at a time), so the threads need no word from each other until their rows are done. On two
// cores this beat one two-thread session on the same rows by ~20 % (2026-12-07, reference architecture, batch
// 256: the session's thread pool meets at every kernel of every step; two threads apart never meet). It also
// keeps the core's own thread free: onnxruntime-node runs a session synchronously on the calling thread.
// Large encodes go here too (encode()): a row's encoding does not depend on its batch either, and two one-thread
// encoders beat one two-thread one by 19 % on the reference batch and 40 % on 2,048 real molecules (2026-12-07,
// .tmp A/B, same numbers to the bit).
import type { Worker } from 'node:worker_threads';
import { siblingModule, startThreads } from '../threads/ts-thread.ts';
import { ThreadCalls } from '../threads/thread-calls.ts';
import type { Decoded, DecodeOptions, SampleOptions } from './decode.ts';
import type { RuntimeModel } from './vae-runtime.ts';

/** What a thread needs of the model (structured-cloneable: the vocabulary as its tokens). */
export type PoolModel = Omit<RuntimeModel, 'vocabulary'> & { tokens: string[] };
/** A thread's workerData: the model, and a flag the pool sets on close ([0] = 1: stop decoding at the next step). */
export interface PoolThreadData {
  model: PoolModel;
  stop: Int32Array;
}
/** Rows of z to decode: z holds them [rowIds.length × latent]; rowIds are their indices in the caller's batch. */
type DecodeRows = { id: number; z: Float32Array; rowIds: number[] };
export type PoolTask =
  | (DecodeRows & { kind: 'greedy'; options: Omit<DecodeOptions, 'shouldStop'> })
  | (DecodeRows & { kind: 'sample'; options: Omit<SampleOptions, 'shouldStop'> })
  | (DecodeRows & { kind: 'reference'; padTo: number })
  | { id: number; kind: 'encode'; seqs: Int32Array[]; batchSize: number };
export interface Encoded {
  mu: Float32Array;
  logvar: Float32Array;
}
export type PoolReply = { ready: true } | { id: number; decoded: Decoded[] } | { id: number; encoded: Encoded } | { id: number; error: string };

/** Below this many rows a batch is decoded on the caller's session: a thread's share would be too small. */
export const POOL_MIN_ROWS = 32;

export class DecodePool {
  private constructor(
    private readonly calls: ThreadCalls<PoolTask, Exclude<PoolReply, { ready: true }>>,
    private readonly latent: number,
    /** [0] set to 1 by close(): the threads' decodes stop at their next step */
    private readonly stop: Int32Array,
  ) {}

  /** Starts `threads` threads (default 2) and waits until each has its sessions. */
  static async open(model: RuntimeModel, o: { threads?: number } = {}): Promise<DecodePool> {
    const { vocabulary, ...rest } = model;
    const data: PoolModel = { ...rest, tokens: vocabulary.toJSON().tokens };
    const module = siblingModule(import.meta.url, 'decode-thread.ts', 'decode-thread.mjs');
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const workers = await startThreads(module, Array.from({ length: Math.max(1, o.threads ?? 2) }, (): PoolThreadData => ({ model: data, stop })), 'decode thread');
    // idle threads never keep a process alive; busy ones do (split() refs them while their rows decode)
    for (const w of workers) w.unref();
    return new DecodePool(new ThreadCalls(workers, 'decode thread'), model.latent, stop);
  }

  private get workers(): readonly Worker[] {
    return this.calls.workers;
  }

  /** Whether the threads still run (a failed pool is not used again: its caller decodes on its own session). */
  get usable(): boolean {
    return this.calls.usable;
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
    await this.split(z, rows, (part) => ({ ...part, kind: 'reference', padTo }));
  }

  /**
   * mu and logvar [rows × latent] of token sequences, as VaeRuntime.encodeIds gives them: the rows dealt round
   * the threads in order of length, so each thread gets as many long ones as short ones, and encoded there in
   * chunks of batchSize. A row's numbers do not depend on its batch-mates (stepped-encoder.ts), so they are the
   * caller's session's to the bit (decode-pool.test.ts).
   */
  async encode(seqs: readonly Int32Array[], batchSize = 256): Promise<Encoded> {
    const L = this.latent, n = this.workers.length;
    const order = [...seqs.keys()].sort((a, b) => seqs[a].length - seqs[b].length);
    const dealt = Array.from({ length: n }, (_, i) => order.filter((_, k) => k % n === i));
    const parts = await this.dispatch(dealt.map((rows) => (id: number) => ({ id, kind: 'encode', seqs: rows.map((r) => seqs[r]), batchSize: Math.max(1, Math.ceil(batchSize / n)) })));
    const mu = new Float32Array(seqs.length * L), logvar = new Float32Array(seqs.length * L);
    parts.forEach((p, i) => {
      const e = p as Encoded;
      dealt[i].forEach((r, j) => {
        mu.set(e.mu.subarray(j * L, (j + 1) * L), r * L);
        logvar.set(e.logvar.subarray(j * L, (j + 1) * L), r * L);
      });
    });
    return { mu, logvar };
  }

  /** Rows 0..rows-1 of z in contiguous shares, one a thread. */
  private async split(z: Float32Array, rows: number, task: (part: DecodeRows) => PoolTask): Promise<Decoded[]> {
    const L = this.latent, n = this.workers.length;
    const shares = this.workers.map((_, i) => {
      const from = Math.floor((i * rows) / n), to = Math.floor(((i + 1) * rows) / n);
      return to === from ? null : (id: number) => task({ id, z: z.slice(from * L, to * L), rowIds: Array.from({ length: to - from }, (_, k) => from + k) });
    });
    return (await this.dispatch(shares)).flatMap((d) => (d ?? []) as Decoded[]);
  }

  /** Task i (null: none) to thread i; each thread's answer, once all have answered. */
  private async dispatch(tasks: (((id: number) => PoolTask) | null)[]): Promise<(Decoded[] | Encoded | null)[]> {
    this.calls.throwIfFailed();
    for (const w of this.workers) w.ref();
    const parts = Promise.all(this.workers.map(async (w, i) => {
      const task = tasks[i];
      if (!task) return null;
      const r = await this.calls.call(w, task);
      return 'encoded' in r ? r.encoded : 'decoded' in r ? r.decoded : null;
    }));
    try {
      return await parts;
    } finally {
      if (this.calls.pending === 0) for (const w of this.workers) w.unref();
    }
  }

  /**
   * Stops the threads: their decodes stop at the next step (an encode runs to its end), and the threads are
   * terminated once they have answered; a thread stopped inside an ONNX Runtime call would abort the process.
   * Calls waiting fail with "decode pool closed".
   */
  async close(): Promise<void> {
    Atomics.store(this.stop, 0, 1);
    await this.calls.close(new Error('decode pool closed'));
  }
}
