// Parameters bound as constants (how inference graphs carry trained weights) compute the same loss as the train
// step that is fed them as inputs; declaring a parameter without weights to bind is refused by name.
import { describe, expect, it } from 'vitest';
import { Graph } from '../graph/builder.ts';
import { createSession, tensor } from '../graph/ort.ts';
import { Rng } from '../graph/rng.ts';
import { toOnnx } from '../graph/writer.ts';
import { compileTrainStep } from './compile-step.ts';
import { Params, initialValues } from './params.ts';
import { referenceVaeLoss, referenceVaeLossGraph, referenceVaeParams } from './reference-vae.ts';
import { StepRunner, TrainState } from './train-step.ts';

describe('Params with bound weights', () => {
  it('gives the loss the train step reports for the same weights and batch', async () => {
    const d = { vocab: 9, embedding: 4, encoderHidden: 6, latent: 3, decoderHidden: 8 };
    const [t, b] = [7, 5];
    const rng = new Rng(9);
    const specs = referenceVaeParams(d).specs;
    const weights = initialValues(specs, rng);
    const tokens = Array.from({ length: t * b }, () => rng.int(d.vocab));
    const mask = tokens.map((x) => (x === 0 ? 0 : 1));
    const eps = Array.from(rng.normals(b * d.latent));
    const feeds = {
      tokens: tensor('int64', tokens, [t, b]),
      mask: tensor('float32', mask, [t, b]),
      eps: tensor('float32', eps, [b, d.latent]),
      kl_weight: tensor('float32', [0.3], []),
    };
    const runner = await StepRunner.create(compileTrainStep(referenceVaeLossGraph(d, b, t), { type: 'adam' }), 1);
    const state = TrainState.fromWeights(weights, new Map(specs.map((s) => [s.name, s.shape])));
    const trained = await runner.run(state, feeds, 1e-3);

    const g = new Graph();
    const io = {
      tokens: g.input('tokens', 'int64', [t, b]),
      mask: g.input('mask', 'float32', [t, b]),
      eps: g.input('eps', 'float32', [b, d.latent]),
      klWeight: g.input('kl_weight', 'float32', []),
    };
    const { loss } = referenceVaeLoss(new Params(g, 'float32', weights), d, io);
    g.output('loss', loss);
    const s = await createSession(toOnnx(g));
    const out = await s.run(feeds);
    expect((out.loss.data as Float32Array)[0]).toBeCloseTo(trained.loss, 5);
    await runner.release();
  });

  it('refuses a parameter it has no weights for', () => {
    const g = new Graph();
    const ps = new Params(g, 'float32', new Map([['a', new Float32Array(4)]]));
    expect(ps.add('a', [2, 2], { zeros: true }).data).toBeDefined();
    expect(() => ps.add('b', [3], { zeros: true })).toThrow(/no weights of size 3 for 'b'/);
  });
});
