// The training loop: epochs of length-bucketed batches, a learning-rate schedule, one compiled train step per
// bucket length (compiled on first use; split by rows over threads where the model offers its loss in shards),
// non-finite steps skipped with the rate lowered and reported, atomic checkpoints with everything needed for a
// bit-exact resume, cancellation between steps, progress events.
import fs from 'node:fs';
import type { ort } from '../graph/ort.ts';
import { Rng } from '../graph/rng.ts';
import { planEpoch } from './batching.ts';
import type { Batch } from './batching.ts';
import { readCheckpoint, writeCheckpoint } from './checkpoint.ts';
import { compileTrainStep } from './compile-step.ts';
import type { LossGraph, OptimizerConfig } from './compile-step.ts';
import { initialValues } from './params.ts';
import type { Init } from './params.ts';
import type { Schedule } from './schedule.ts';
import { StepRunner, TrainState } from './train-step.ts';
import { ShardedStepRunner } from './sharded-step.ts';
import type { ShardedLoss } from './sharded-step.ts';

export interface TrainModel<E> {
  params: readonly { name: string; shape: number[]; init: Init }[];
  /** The loss graph for one batch shape (float32). */
  lossGraph(batch: number, length: number): LossGraph;
  /** The same loss in shards of a batch, trained in threads of their own (sharded-step.ts); absent: one session. */
  sharded?: ShardedLoss;
  /** Padded length an example needs. */
  length(example: E): number;
  /** What is wrong with an example (it is then left out and reported), or null. */
  check?(example: E): string | null;
  /** Batch tensors for examples padded to `length`; noise drawn from rng; `update` is Adam's t (1-based). */
  feeds(examples: readonly E[], length: number, rng: Rng, update: number): Record<string, ort.Tensor>;
}

export interface TrainOptions<E> {
  /** The examples of an epoch (called once per epoch; must give the same examples for the same epoch). */
  data: (epoch: number) => Iterable<E>;
  batchSize: number;
  epochs: number;
  /** Bucket lengths; an example longer than the largest is left out and reported. */
  buckets: number[];
  lr: Schedule;
  optimizer: OptimizerConfig;
  seed: number;
  checkpoint?: { path: string; everySteps?: number; extra?: unknown };
  /** Continue from checkpoint.path when it exists. */
  resume?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Stop (as 'paused', with a checkpoint) after this many steps in total. */
  maxSteps?: number;
  /** Consecutive non-finite steps tolerated before giving up (default 5); each halves the rate. */
  maxNonFinite?: number;
  threads?: number;
  /**
   * Threads a batch is split over by rows when the model offers its loss in shards (sharded-step.ts), each with
   * one-thread sessions; default MOLSCAPE_TRAIN_SHARDS, else `threads` for a loss linear in the rows and 1 for
   * one with a statistic of the batch (free bits; see train()). 1: one session of `threads` threads.
   */
  shards?: number;
  /** Compiled steps to reuse across runs (e.g. resume, fine-tuning again); released by its owner, not here. */
  cache?: StepCache;
}

/** What the loop needs of a step: StepRunner's one session or ShardedStepRunner's threads. */
export type Step = Pick<StepRunner, 'run' | 'release'>;

/** Train-step sessions by model, batch shape, optimizer and threads; creating a session is the costly part. */
export class StepCache {
  private readonly runners = new Map<string, Promise<Step>>();
  private readonly ids = new WeakMap<object, number>();
  private nextId = 0;

  get(model: object, key: string, make: () => Promise<Step>): Promise<Step> {
    if (!this.ids.has(model)) this.ids.set(model, this.nextId++);
    const k = `${this.ids.get(model)}|${key}`;
    let r = this.runners.get(k);
    if (!r) {
      r = make();
      this.runners.set(k, r);
    }
    return r;
  }

  async release(): Promise<void> {
    for (const r of this.runners.values()) await (await r).release();
    this.runners.clear();
  }
}

export interface Progress {
  step: number;
  epoch: number;
  batchInEpoch: number;
  batchesInEpoch: number;
  losses: Record<string, number>;
  gradNorm: number;
  lr: number;
  /** False for a step skipped because its loss or gradient was NaN/Inf. */
  applied: boolean;
  moleculesPerSec: number;
  etaSeconds: number;
}

export interface TrainResult {
  status: 'done' | 'cancelled' | 'paused';
  step: number;
  epoch: number;
  nonFiniteSteps: number;
  /** Examples of the last epoch left out (too long for every bucket, or refused by model.check). */
  skippedExamples: number;
  /** The first 100 of them, with the reason. */
  skipped: { index: number; reason: string }[];
  state: TrainState;
}

export async function train<E>(model: TrainModel<E>, o: TrainOptions<E>): Promise<TrainResult> {
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new Error(`train: batchSize must be a positive integer, got ${o.batchSize}`);
  if (!Number.isInteger(o.epochs) || o.epochs < 0) throw new Error(`train: epochs must be a non-negative integer, got ${o.epochs}`);
  if (o.buckets.length === 0 || o.buckets.some((b) => !Number.isInteger(b) || b < 2))
    throw new Error(`train: buckets must be integer lengths of at least 2, got [${o.buckets}]`);
  const ckPath = o.checkpoint?.path;
  const ck = o.resume && ckPath && fs.existsSync(ckPath) ? readCheckpoint(ckPath) : null;
  const shapes = new Map(model.params.map((p) => [p.name, p.shape]));
  for (const p of model.params) {
    const want = p.shape.reduce((a, b) => a * b, 1);
    if (ck && ck.params.get(p.name)?.length !== want) throw new Error(`checkpoint ${ckPath}: parameter ${p.name} is missing or has another size`);
  }
  const state = ck ? TrainState.restore(ck, shapes) : TrainState.fromWeights(initialValues(model.params, new Rng(o.seed)), shapes);
  const rng = new Rng(ck?.rng ?? o.seed + 1);
  let step = ck?.step ?? 0, epoch = ck?.epoch ?? 0, startBatch = ck?.batchInEpoch ?? 0, lrScale = ck?.lrScale ?? 1;
  let nonFinite = 0, consecutive = 0, skippedExamples = 0;
  let skipped: TrainResult['skipped'] = [];
  const cache = o.cache ?? new StepCache();
  const save = (ep: number, batchInEpoch: number) => {
    if (!ckPath) return;
    const snap = state.snapshot();
    writeCheckpoint(ckPath, {
      step, updates: snap.updates, epoch: ep, batchInEpoch, lrScale, rng: rng.state, extra: o.checkpoint?.extra,
      params: snap.params, m: snap.m, v: snap.v,
    });
  };
  const threads = o.threads ?? 2;
  // a loss with a statistic (free bits) pays a pass of the encoder for it in shards: the app's VAE gained 5 % a
  // step that way (and nothing in `molscape train`'s figures) for a thread's memory per bucket; by default only
  // losses linear in the rows are sharded (the reference VAE: 1.4–1.65×)
  const byDefault = model.sharded?.statistic ? 1 : threads;
  const shards = model.sharded ? Math.min(o.shards ?? (Number(process.env.MOLSCAPE_TRAIN_SHARDS) || byDefault), o.batchSize) : 1;
  const runner = (length: number) =>
    cache.get(model, `${o.batchSize}x${length}|${JSON.stringify(o.optimizer)}|${threads}|${shards}`, () =>
      shards >= 2
        ? ShardedStepRunner.create(model.sharded!, model.params, o.batchSize, length, o.optimizer, shards, threads)
        : StepRunner.create(compileTrainStep(model.lossGraph(o.batchSize, length), o.optimizer), threads),
    );
  let stepSecondsAvg = 0, timedSteps = 0;
  const finish = async (status: TrainResult['status']): Promise<TrainResult> => {
    if (!o.cache) await cache.release();
    return { status, step, epoch, nonFiniteSteps: nonFinite, skippedExamples, skipped, state };
  };

  for (; epoch < o.epochs; epoch++, startBatch = 0) {
    const examples = [...o.data(epoch)];
    const problems = new Map<number, string>();
    const lengths = examples.map((e, i) => {
      const problem = model.check?.(e) ?? null;
      if (problem === null) return model.length(e);
      problems.set(i, problem);
      return Infinity;
    });
    const { batches, report } = planEpoch(lengths, o.buckets, o.batchSize, o.seed * 7919 + epoch);
    skippedExamples = report.skipped.length;
    skipped = report.skipped.slice(0, 100).map(({ index, length }) => ({
      index,
      reason: problems.get(index) ?? `length ${length} exceeds the largest bucket (${Math.max(...o.buckets)})`,
    }));
    if (batches.length === 0) throw new Error(`train: epoch ${epoch} has no batches (no examples fit the buckets [${o.buckets}])`);
    for (let b = startBatch; b < batches.length; b++) {
      if (o.signal?.aborted) {
        save(epoch, b);
        return finish('cancelled');
      }
      if (o.maxSteps !== undefined && step >= o.maxSteps) {
        save(epoch, b);
        return finish('paused');
      }
      const batch: Batch = batches[b];
      const r = await runner(batch.length);
      const t0 = performance.now();
      const feeds = model.feeds(batch.indices.map((i) => examples[i]), batch.length, rng, state.updates + 1);
      const lr = o.lr(state.updates + 1) * lrScale;
      const res = await r.run(state, feeds, lr);
      const secs = (performance.now() - t0) / 1000;
      step++;
      if (!res.applied) {
        nonFinite++;
        consecutive++;
        lrScale *= 0.5;
        if (consecutive > (o.maxNonFinite ?? 5)) {
          save(epoch, b + 1);
          throw new Error(`train: ${consecutive} non-finite steps in a row at step ${step} (loss ${res.loss}, gradient norm ${res.gradNorm}); stopped`);
        }
      } else consecutive = 0;
      timedSteps++;
      stepSecondsAvg += (secs - stepSecondsAvg) / Math.min(timedSteps, 20);
      const remaining = batches.length - b - 1 + (o.epochs - epoch - 1) * batches.length;
      o.onProgress?.({
        step, epoch, batchInEpoch: b + 1, batchesInEpoch: batches.length,
        losses: { loss: res.loss, ...res.reports }, gradNorm: res.gradNorm, lr, applied: res.applied,
        moleculesPerSec: o.batchSize / stepSecondsAvg, etaSeconds: remaining * stepSecondsAvg,
      });
      const every = o.checkpoint?.everySteps;
      if (every && step % every === 0) {
        if (b + 1 === batches.length) save(epoch + 1, 0);
        else save(epoch, b + 1);
      }
    }
  }
  save(o.epochs, 0);
  return finish('done');
}
