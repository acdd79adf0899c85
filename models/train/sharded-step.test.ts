// The train step split by rows over threads (sharded-step.ts) against the one-session step (train-step.ts) on the
// same batches, noise and starting weights: the same loss, reports, gradient norm and updated weights up to
// float32 rounding, over several steps, with shards of uneven size; for the reference VAE (losses linear in the
// rows) and for the app's VAE with free bits (a statistic of the whole batch gates the KL). A thread's error
// reaches the caller, and a released runner refuses work.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tensor } from '../graph/ort.ts';
import { Rng } from '../graph/rng.ts';
import { compileTrainStep } from './compile-step.ts';
import type { OptimizerConfig } from './compile-step.ts';
import type { TrainModel } from './loop.ts';
import { initialValues } from './params.ts';
import { referenceVaeModel } from './reference-vae.ts';
import { ShardedStepRunner, shardSizes } from './sharded-step.ts';
import { encodeSmiles, readSmiles } from './smiles-data.ts';
import { StepRunner, TrainState } from './train-step.ts';
import { vaeTrainModel } from '../vae/model.ts';
import type { VaeExample } from '../vae/model.ts';

const ZINC = path.resolve(import.meta.dirname, '../../../shared/data/zinc250k/train.smi.gz');
const data = encodeSmiles(readSmiles(ZINC, 40), 44);
const opt: OptimizerConfig = { type: 'adam', clipNorm: 5 };
const runners: { release(): Promise<void> }[] = [];
afterAll(async () => {
  for (const r of runners) await r.release();
});

/** Steps of both runners from the same weights on the same batches; what each gave. */
async function compare<E>(model: TrainModel<E>, examples: readonly E[], batch: number, length: number, shards: number, steps: number) {
  const one = await StepRunner.create(compileTrainStep(model.lossGraph(batch, length), opt), 1);
  const sharded = await ShardedStepRunner.create(model.sharded!, model.params, batch, length, opt, shards);
  runners.push(one, sharded);
  const shapes = new Map(model.params.map((p) => [p.name, p.shape]));
  const w = initialValues(model.params, new Rng(3));
  const a = TrainState.fromWeights(w, shapes), b = TrainState.fromWeights(new Map([...w].map(([k, v]) => [k, v.slice()])), shapes);
  const ra = new Rng(9), rb = new Rng(9);
  const results = [];
  for (let s = 0; s < steps; s++) {
    const rows = Array.from({ length: batch }, (_, j) => examples[(s * batch + j) % examples.length]);
    const x = await one.run(a, model.feeds(rows, length, ra, a.updates + 1), 3e-3);
    const y = await sharded.run(b, model.feeds(rows, length, rb, b.updates + 1), 3e-3);
    results.push({ x, y });
  }
  let worst = 0;
  for (const [name, t] of a.params) {
    const u = t.data as Float32Array, v = b.params.get(name)!.data as Float32Array;
    for (let i = 0; i < u.length; i++) worst = Math.max(worst, Math.abs(u[i] - v[i]));
  }
  return { results, worst, a, b };
}

describe('ShardedStepRunner', () => {
  it('splits a batch as evenly as it can', () => {
    expect(shardSizes(10, 3)).toEqual([4, 3, 3]);
    expect(shardSizes(128, 2)).toEqual([64, 64]);
  });

  it('trains the reference VAE as one session does, shards of 4, 3 and 3 rows', async () => {
    const dims = { vocab: data.vocab.length, embedding: 8, encoderHidden: 16, latent: 4, decoderHidden: 32 };
    const model = referenceVaeModel(dims, { klWeight: 0.1 });
    const { results, worst, a, b } = await compare(model, data.sequences, 10, 44, 3, 4);
    for (const { x, y } of results) {
      expect(y.applied).toBe(true);
      expect(y.loss).toBeCloseTo(x.loss, 5);
      expect(y.gradNorm).toBeCloseTo(x.gradNorm, 4);
      for (const k of Object.keys(x.reports)) expect(y.reports[k]).toBeCloseTo(x.reports[k], 5);
    }
    expect(b.updates).toBe(a.updates);
    // four Adam steps of 3e-3 move a weight by up to ~1.2e-2: rounding is far below that
    expect(worst).toBeLessThan(1e-5);
  }, 120_000);

  it('trains the VAE with free bits as one session does: the gate is the whole batch’s', async () => {
    // free bits of 0.02: these weights' KL per dimension lies on both sides of it (a gate of all ones, or of all
    // zeros, fails this test)
    const c = { vocab: data.vocab.length, embedding: 8, encoderHidden: 16, latent: 6, decoderHidden: 32, propertyHidden: 8, properties: ['a', 'b'], freeBits: 0.02 };
    const model = vaeTrainModel(c, { klWeight: () => 0.5, propWeight: 1 });
    const rng = new Rng(4);
    // properties missing here and there (NaN), so the property loss's denominator is the batch's count of present ones
    const examples: VaeExample[] = data.sequences.map((ids, i) => ({ ids: Int32Array.from(ids), props: Float32Array.from([rng.normal(), i % 3 === 0 ? NaN : rng.normal()]) }));
    const { results, worst } = await compare(model, examples, 9, 44, 2, 4);
    for (const { x, y } of results) {
      expect(y.loss).toBeCloseTo(x.loss, 5);
      expect(y.gradNorm).toBeCloseTo(x.gradNorm, 4);
      for (const k of Object.keys(x.reports)) expect(y.reports[k]).toBeCloseTo(x.reports[k], 5);
    }
    expect(worst).toBeLessThan(1e-5);
  }, 120_000);

  it("a thread's error reaches the caller; a released runner refuses work", async () => {
    const dims = { vocab: data.vocab.length, embedding: 8, encoderHidden: 16, latent: 4, decoderHidden: 32 };
    const model = referenceVaeModel(dims, { klWeight: 0.1 });
    const r = await ShardedStepRunner.create(model.sharded!, model.params, 4, 44, opt, 2);
    const state = TrainState.fromWeights(initialValues(model.params, new Rng(1)), new Map(model.params.map((p) => [p.name, p.shape])));
    const feeds = model.feeds(data.sequences.slice(0, 4), 44, new Rng(1), 1);
    feeds.kl_weight = tensor('float32', [0.1, 0.1], [2]); // a scalar input with two values: the threads' sessions refuse it
    await expect(r.run(state, feeds, 1e-3)).rejects.toThrow(/train thread: .*(kl_weight|dimension|shape)/i);
    expect(state.updates).toBe(0);
    await r.release();
    await expect(r.run(state, model.feeds(data.sequences.slice(0, 4), 44, new Rng(1), 1), 1e-3)).rejects.toThrow(/released/);
  }, 60_000);
});
