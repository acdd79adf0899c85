// The reference VAE's whole loss (embedding, bidirectional GRU encoder, reparameterization, z-conditioned GRU
// decoder, masked cross-entropy, KL) on a tiny configuration: the engine's gradients for every parameter agree
// with central finite differences in float64.
import { describe, expect, it } from 'vitest';
import { gradCheckGraph } from '../graph/gradcheck.ts';
import { Rng } from '../graph/rng.ts';
import { Params, initialValues } from './params.ts';
import { compileTrainStep } from './compile-step.ts';
import { referenceVaeLoss, referenceVaeLossGraph, referenceVaeParams } from './reference-vae.ts';

describe('reference VAE gradients (tiny, float64)', () => {
  it('agree with finite differences for all parameters at once', async () => {
    const d = { vocab: 7, embedding: 3, encoderHidden: 4, latent: 2, decoderHidden: 5 };
    const [t, b] = [6, 3];
    const rng = new Rng(11);
    // Three sequences of different lengths, padded with 0 and masked.
    const lens = [6, 4, 3];
    const tokens: number[] = [], mask: number[] = [];
    for (let i = 0; i < t; i++)
      for (let j = 0; j < b; j++) {
        const real = i < lens[j];
        tokens.push(real ? (i === 0 ? 1 : i === lens[j] - 1 ? 2 : 3 + rng.int(d.vocab - 3)) : 0);
        mask.push(real ? 1 : 0);
      }
    const init = initialValues(referenceVaeParams(d).specs, new Rng(5));
    const res = await gradCheckGraph((g) => {
      const ps = new Params(g, 'float64');
      const { loss } = referenceVaeLoss(ps, d, {
        tokens: g.const(tokens, 'int64', [t, b]),
        mask: g.const(mask, 'float64', [t, b]),
        eps: g.const(Array.from(rng.normals(b * d.latent)), 'float64', [b, d.latent]),
        klWeight: g.scalar(0.1, 'float64'),
      });
      return {
        out: loss,
        wrt: ps.specs.map((s) => s.value),
        init: (v) => Float64Array.from(init.get(v.name)!),
      };
    }, { directions: 4, eps: 1e-5 });
    expect(res.ops).toContain('GRUSteps');
    for (const det of res.details) expect(det.rel, `analytic ${det.analytic} vs numeric ${det.numeric}`).toBeLessThan(1e-6);
  });
});

describe('reference VAE train step (full size)', () => {
  it('compiles to a graph that stays small for 80 steps, since the recurrence is not differentiated step by step', () => {
    const d = { vocab: 47, embedding: 64, encoderHidden: 256, latent: 64, decoderHidden: 512 };
    const c = compileTrainStep(referenceVaeLossGraph(d, 128, 80), { type: 'adam' });
    // Three recurrences of 80/80/79 steps, forward and backward: about 35 nodes per step in all, not hundreds.
    expect(c.nodeCount).toBeLessThan(9000);
    expect(c.paramNames).toHaveLength(18);
    expect(c.batchInputs.map((i) => i.name)).toEqual(['tokens', 'mask', 'eps', 'kl_weight']);
  });
});
