// A train step split by rows over threads (data parallel), each thread with one-thread ONNX Runtime sessions: on
// two cores one two-thread session meets its other thread at every one of a step's ~8,000 kernels, and two
// threads that each take half the rows never meet until their gradients are done (the reference step, 2026-12-07:
// 312 → 420 molecules/s in a probe of the two alone).
//   1. The host makes the whole batch's feeds as for one session (the same noise), cuts them by rows into shards,
//      and works out the whole batch's totals the shards' losses divide by (ShardedLoss.totals).
//   2. Where the loss is not linear in the rows (free bits: max(KL_d, λ) of the batch's mean KL per dimension),
//      each thread first computes its share of that statistic; the host adds the shares up and feeds each shard
//      the result (for free bits, which dimensions are above λ).
//   3. Each thread runs the gradient graph (compile-step.ts compileGradientStep) on its shard; a shard's loss,
//      reports and gradients are its share of the whole batch's, so they add up to them.
//   4. The host sums the shards' gradients and makes the update (compileApplyStep: the same Adam and clipping as
//      the one-session step).
// The same maths as StepRunner's one session (sharded-step.test.ts), summed in another order: float32 rounding.
// Parameters reach the threads through shared memory, written by the host before each step (each thread copies
// them once a step: onnxruntime-node takes no tensor over shared memory).
import type { Worker } from 'node:worker_threads';
import type { Graph } from '../graph/builder.ts';
import type { Value } from '../graph/ir.ts';
import { createSession, ort, tensor } from '../graph/ort.ts';
import { toOnnx } from '../graph/writer.ts';
import { siblingModule, startThreads } from '../threads/ts-thread.ts';
import { ThreadCalls } from '../threads/thread-calls.ts';
import type { LossGraph, OptimizerConfig } from './compile-step.ts';
import { compileApplyStep, compileGradientStep } from './compile-step.ts';
import type { ParamSpec } from './params.ts';
import type { StepResult, TrainState } from './train-step.ts';

/** A loss whose shards add up to the whole batch's: what a model offers to be trained sharded. */
export interface ShardedLoss {
  /** One shard's loss graph: the batch inputs of the model's lossGraph plus the inputs named by totals (and statistic). */
  lossGraph(batch: number, length: number): LossGraph;
  /** The axis of each batch input along which it is cut into shards; inputs not named go to every shard whole. */
  batchAxis: Readonly<Record<string, number>>;
  /** The whole batch's totals a shard divides by, from the whole batch's feeds (e.g. its count of target tokens). */
  totals(feeds: Record<string, ort.Tensor>): Record<string, ort.Tensor>;
  /** A statistic of the whole batch the loss is not linear in, computed in shares first (free bits). */
  statistic?: {
    /** A forward graph of one shard whose output is its share of the statistic (inputs as lossGraph's). */
    graph(batch: number, length: number): { graph: Graph; output: Value };
    /** The shard loss's input made from the shares' sum. */
    input: string;
    make(sum: Float32Array): ort.Tensor;
  };
}

/** A tensor as a message can carry it. */
export interface WireTensor {
  type: ort.Tensor.Type;
  data: ort.Tensor.DataType;
  dims: readonly number[];
}
/** newParams: the host has written the step's parameters into the shared memory since the last task. */
export type ShardTask = { id: number; kind: 'statistic' | 'gradient'; feeds: Record<string, WireTensor>; newParams: boolean };
export type ShardReply =
  | { ready: true }
  | { id: number; statistic: Float32Array }
  | { id: number; loss: number; reports: number[]; grads: Float32Array[] }
  | { id: number; error: string };
export interface ShardThreadData {
  gradient: Uint8Array;
  statistic: Uint8Array | null;
  paramNames: string[];
  reportNames: string[];
  shapes: number[][];
  /** Each parameter's values, written by the host before every step. */
  params: SharedArrayBuffer[];
}

const wire = (t: ort.Tensor): WireTensor => ({ type: t.type, data: t.data, dims: t.dims });

/** Rows from..to of t along axis (a copy). */
function cut(t: ort.Tensor, axis: number, from: number, to: number): ort.Tensor {
  const dims = [...t.dims];
  const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const n = dims[axis];
  const src = t.data as Float32Array | BigInt64Array;
  const out = new (src.constructor as Float32ArrayConstructor | BigInt64ArrayConstructor)(outer * (to - from) * inner);
  for (let o = 0; o < outer; o++) (out as Float32Array).set((src as Float32Array).subarray((o * n + from) * inner, (o * n + to) * inner), o * (to - from) * inner);
  dims[axis] = to - from;
  return new ort.Tensor(t.type as 'float32', out as Float32Array, dims);
}

export class ShardedStepRunner {
  private readonly calls: ThreadCalls<ShardTask, Exclude<ShardReply, { ready: true }>>;

  private constructor(
    workers: Worker[],
    private readonly apply: ort.InferenceSession,
    private readonly loss: ShardedLoss,
    private readonly batch: number,
    readonly paramNames: string[],
    readonly reportNames: string[],
    private readonly params: Float32Array[],
  ) {
    this.calls = new ThreadCalls(workers, 'train thread');
  }

  private get workers(): readonly Worker[] {
    return this.calls.workers;
  }

  /**
   * Threads for `shards` shards of a batch of `batch` rows padded to `length` (each shard's rows: batch / shards,
   * the first ones one more where it does not divide), each with its sessions, and the update's session on
   * `threads` threads here.
   */
  static async create(loss: ShardedLoss, params: readonly Pick<ParamSpec, 'name' | 'shape'>[], batch: number, length: number, opt: OptimizerConfig, shards: number, threads = 1): Promise<ShardedStepRunner> {
    if (!Number.isInteger(shards) || shards < 2 || shards > batch) throw new Error(`sharded step: 2 to ${batch} shards for a batch of ${batch}, got ${shards}`);
    const sizes = shardSizes(batch, shards);
    // one graph per shard size (at most two sizes); compiled here, run there
    const compiled = new Map<number, { gradient: Uint8Array; statistic: Uint8Array | null; paramNames: string[]; reportNames: string[] }>();
    for (const size of new Set(sizes)) {
      const spec = loss.lossGraph(size, length);
      const names = spec.params.map((p) => p.name);
      if (names.join() !== params.map((p) => p.name).join()) throw new Error('sharded step: the shard loss declares other parameters than the model');
      const c = compileGradientStep(spec);
      let statistic: Uint8Array | null = null;
      if (loss.statistic) {
        const s = loss.statistic.graph(size, length);
        s.graph.output('statistic', s.output);
        statistic = toOnnx(s.graph, { name: 'shard_statistic' });
      }
      compiled.set(size, { gradient: c.model, statistic, paramNames: c.paramNames, reportNames: c.reportNames });
    }
    const buffers = params.map((p) => new SharedArrayBuffer(4 * p.shape.reduce((a, b) => a * b, 1)));
    const module = siblingModule(import.meta.url, 'shard-thread.ts', 'shard-thread.mjs');
    const data = sizes.map((size): ShardThreadData => {
      const c = compiled.get(size)!;
      return { gradient: c.gradient, statistic: c.statistic, paramNames: c.paramNames, reportNames: c.reportNames, shapes: params.map((p) => [...p.shape]), params: buffers };
    });
    const workers = await startThreads(module, data, 'train thread');
    const apply = await createSession(compileApplyStep(params, shards, opt), { threads });
    const first = compiled.get(sizes[0])!;
    return new ShardedStepRunner(workers, apply, loss, batch, first.paramNames, first.reportNames, buffers.map((b) => new Float32Array(b)));
  }

  /** One step on the whole batch's feeds (as the model's feeds() makes them for one session). */
  async run(state: TrainState, batch: Record<string, ort.Tensor>, lr: number): Promise<StepResult> {
    this.calls.throwIfFailed();
    this.paramNames.forEach((name, i) => this.params[i].set(state.params.get(name)!.data as Float32Array));
    const totals = this.loss.totals(batch);
    const sizes = shardSizes(this.batch, this.workers.length);
    let from = 0;
    const shardFeeds = sizes.map((size) => {
      const feeds: Record<string, WireTensor> = {};
      for (const [name, t] of Object.entries(batch)) {
        const axis = this.loss.batchAxis[name];
        feeds[name] = wire(axis === undefined ? t : cut(t, axis, from, from + size));
      }
      for (const [name, t] of Object.entries(totals)) feeds[name] = wire(t);
      from += size;
      return feeds;
    });
    if (this.loss.statistic) {
      const shares = (await this.all(shardFeeds, 'statistic', true)) as { statistic: Float32Array }[];
      const sum = new Float32Array(shares[0].statistic.length);
      for (const s of shares) for (let i = 0; i < sum.length; i++) sum[i] += s.statistic[i];
      const input = wire(this.loss.statistic.make(sum));
      for (const f of shardFeeds) f[this.loss.statistic.input] = input;
    }
    const parts = (await this.all(shardFeeds, 'gradient', !this.loss.statistic)) as { loss: number; reports: number[]; grads: Float32Array[] }[];
    const feeds: Record<string, ort.Tensor> = { lr: tensor('float32', [lr], []), step: tensor('float32', [state.updates + 1], []) };
    this.paramNames.forEach((name, i) => {
      const t = state.params.get(name)!;
      feeds[name] = t;
      feeds[`m.${name}`] = state.m.get(name)!;
      feeds[`v.${name}`] = state.v.get(name)!;
      parts.forEach((p, k) => (feeds[`shard${k}.grad.${name}`] = new ort.Tensor('float32', p.grads[i], t.dims)));
    });
    const out = await this.apply.run(feeds);
    const loss = parts.reduce((a, p) => a + p.loss, 0);
    const gradNorm = (out.grad_norm.data as Float32Array)[0];
    const reports = Object.fromEntries(this.reportNames.map((k, j) => [k, parts.reduce((a, p) => a + p.reports[j], 0)]));
    const applied = Number.isFinite(loss) && Number.isFinite(gradNorm);
    if (applied) {
      for (const name of this.paramNames) {
        state.params.set(name, out[`new.${name}`]);
        state.m.set(name, out[`new.m.${name}`]);
        state.v.set(name, out[`new.v.${name}`]);
      }
      state.updates++;
    }
    return { loss, reports, gradNorm, applied };
  }

  private async all(feeds: Record<string, WireTensor>[], kind: 'statistic' | 'gradient', newParams: boolean): Promise<ShardReply[]> {
    return Promise.all(this.workers.map((w, k) => this.calls.call(w, (id) => ({ id, kind, feeds: feeds[k], newParams }))));
  }

  /**
   * Stops the threads once they have answered the tasks they hold (a thread stopped inside an ONNX Runtime call
   * aborts the process; after a shard's error, the other shards may still be running theirs), and the update's
   * session.
   */
  async release(): Promise<void> {
    await this.calls.close(new Error('sharded step released'));
    await this.apply.release();
  }
}

/**
 * A whole batch's count of target tokens (positions 1.. of a time-major mask [T, B]; position 0 is <bos>, never a
 * target), at least 1: the denominator of its shards' mean cross-entropy.
 */
export function targetTokens(mask: ort.Tensor): number {
  const b = mask.dims[1], m = mask.data as Float32Array;
  let n = 0;
  for (let i = b; i < m.length; i++) n += m[i];
  return Math.max(n, 1);
}

/** Rows per shard: as even as can be, the first ones one more. */
export function shardSizes(batch: number, shards: number): number[] {
  return Array.from({ length: shards }, (_, k) => Math.floor(batch / shards) + (k < batch % shards ? 1 : 0));
}
