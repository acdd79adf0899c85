import { describe, expect, it } from 'vitest';
import { gradCheckGraph } from '../graph/gradcheck.ts';
import { Rng } from '../graph/rng.ts';
import { train } from '../train/loop.ts';
import { Params, initialValues } from '../train/params.ts';
import { schedule } from '../train/schedule.ts';
import { batchFeeds, klAnnealing, vaeLoss, vaeParams, vaeTrainModel } from './model.ts';
import type { VaeConfig, VaeExample } from './model.ts';
import { Vocabulary } from './tokenizer.ts';

describe('VAE gradients (tiny, float64)', () => {
  it('agree with finite differences for every parameter, with free bits and a masked property', async () => {
    const c: VaeConfig = { vocab: 7, embedding: 3, encoderHidden: 4, latent: 2, decoderHidden: 5, propertyHidden: 3, properties: ['a', 'b'], freeBits: 0.01 };
    const rng = new Rng(3);
    const [t, b] = [6, 3];
    const examples: VaeExample[] = [6, 4, 3].map((n, j) => ({
      ids: Int32Array.from({ length: n }, (_, i) => (i === 0 ? 1 : i === n - 1 ? 2 : 3 + rng.int(4))),
      props: Float32Array.from([rng.normal(), j === 1 ? NaN : rng.normal()]),
    }));
    const feeds = batchFeeds(c, examples, t, Float32Array.from(rng.normals(b * c.latent)), 0.7, 0.5);
    const data = (k: string) => Array.from(feeds[k].data as ArrayLike<number | bigint>, Number);
    const init = initialValues(vaeParams(c).specs, new Rng(5));
    const res = await gradCheckGraph((g) => {
      const ps = new Params(g, 'float64');
      const f = (k: string, shape: number[]) => g.const(data(k), 'float64', shape);
      const { loss } = vaeLoss(ps, c, {
        tokens: g.const(data('tokens'), 'int64', [t, b]),
        tokensRev: g.const(data('tokens_rev'), 'int64', [t, b]),
        last: f('last', [t, b]),
        mask: f('mask', [t, b]),
        eps: f('eps', [b, c.latent]),
        props: f('props', [b, 2]),
        propsMask: f('props_mask', [b, 2]),
        klWeight: g.scalar(0.7, 'float64'),
        propWeight: g.scalar(0.5, 'float64'),
      });
      return { out: loss, wrt: ps.specs.map((s) => s.value), init: (v) => Float64Array.from(init.get(v.name)!) };
    }, { directions: 4, eps: 1e-5 });
    expect(res.ops).toContain('GRUSteps');
    expect(res.ops).toContain('Relu');
    for (const d of res.details) expect(d.rel, `analytic ${d.analytic} vs numeric ${d.numeric}`).toBeLessThan(1e-6);
  });
});

describe('VAE training', () => {
  it('lowers reconstruction and property loss on a few molecules', async () => {
    const smiles = ['CCO', 'c1ccccc1O', 'CC(=O)Nc1ccc(O)cc1', 'CCN(CC)CC', 'O=C(O)c1ccccc1', 'C1CCNCC1', 'CC(C)Cc1ccccc1', 'COc1ccccc1N'];
    const { vocabulary } = Vocabulary.fromSmiles(smiles);
    const examples = smiles.map((s, i) => {
      const e = vocabulary.encode(s);
      if (!e.ok) throw new Error(e.problem.message);
      return { ids: e.ids, props: Float32Array.from([s.length / 10 - 1, i % 2 ? NaN : 0.5]) };
    });
    const c: VaeConfig = { vocab: vocabulary.size, embedding: 8, encoderHidden: 16, latent: 4, decoderHidden: 32, propertyHidden: 8, properties: ['len', 'x'], freeBits: 0.05 };
    const curve: { ce: number; prop: number }[] = [];
    const res = await train(vaeTrainModel(c, { klWeight: () => 0.01, propWeight: 1 }), {
      data: () => examples, batchSize: 8, epochs: 60, buckets: [20], lr: schedule({ base: 0.01 }), optimizer: { type: 'adam', clipNorm: 5 }, seed: 1, threads: 1,
      onProgress: (p) => curve.push({ ce: p.losses.ce, prop: p.losses.prop }),
    });
    expect(res.status).toBe('done');
    const head = curve.slice(0, 3), tail = curve.slice(-3);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(tail.map((x) => x.ce))).toBeLessThan(0.5 * mean(head.map((x) => x.ce)));
    expect(mean(tail.map((x) => x.prop))).toBeLessThan(0.5 * mean(head.map((x) => x.prop)));
  }, 30_000);
});

describe('KL weight schedule', () => {
  it('ramps linearly, holds, then follows the steps recorded after the ramp', () => {
    const w = klAnnealing({ from: 0, to: 0.012, start: 1000, length: 7200, steps: [{ at: 17500, weight: 0.003 }, { at: 14991, weight: 0.006 }] });
    expect(w(0)).toBe(0);
    expect(w(1000)).toBe(0);
    expect(w(4600)).toBeCloseTo(0.006, 12);
    expect(w(8200)).toBeCloseTo(0.012, 12);
    expect(w(14990)).toBeCloseTo(0.012, 12);
    expect(w(14991)).toBe(0.006);
    expect(w(17499)).toBe(0.006);
    expect(w(17500)).toBe(0.003);
    expect(w(40000)).toBe(0.003);
  });

  it('without steps is the ramp alone', () => {
    const w = klAnnealing({ to: 0.02, length: 100 });
    expect(w(50)).toBeCloseTo(0.01, 12);
    expect(w(1e6)).toBe(0.02);
  });
});
