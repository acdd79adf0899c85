// The compiled train step does exactly one Adam/AdamW update with bias correction and global-norm clipping,
// checked against a plain JavaScript Adam on a loss whose gradients are known in closed form; a non-finite loss
// leaves the state untouched.
import { describe, expect, it } from 'vitest';
import { Graph } from '../graph/builder.ts';
import { tensor } from '../graph/ort.ts';
import { Rng } from '../graph/rng.ts';
import { compileTrainStep } from './compile-step.ts';
import type { OptimizerConfig } from './compile-step.ts';
import { Params } from './params.ts';
import { StepRunner, TrainState } from './train-step.ts';

/** loss = Σ c ⊙ a + ½ Σ b² (+ scale·0): ∂/∂a = c, ∂/∂b = b. `scale` lets a test make the loss NaN. */
function tinyLoss() {
  const g = new Graph();
  const ps = new Params(g);
  const a = ps.add('a', [3], { zeros: true });
  const b = ps.add('b', [2, 2], { zeros: true });
  const c = g.input('c', 'float32', [3]);
  const scale = g.input('scale', 'float32', []);
  const lin = g.reduceSum(g.mul(c, a));
  const quad = g.mul(g.reduceSum(g.mul(b, b)), 0.5);
  const loss = g.add(g.add(lin, quad), g.mul(scale, 0));
  return { graph: g, params: ps.specs, loss, reports: { lin } };
}

function jsAdam(opt: Required<OptimizerConfig>, steps: number, lrs: number[], a0: number[], b0: number[], c: number[]) {
  let a = [...a0], b = [...b0];
  let ma = a.map(() => 0), va = a.map(() => 0), mb = b.map(() => 0), vb = b.map(() => 0);
  for (let t = 1; t <= steps; t++) {
    const ga = [...c], gb = [...b];
    const norm = Math.sqrt([...ga, ...gb].reduce((s, x) => s + x * x, 0));
    const k = opt.clipNorm > 0 ? Math.min(1, opt.clipNorm / (norm + 1e-6)) : 1;
    const upd = (p: number[], gr: number[], m: number[], v: number[]) => {
      const lr = lrs[t - 1];
      const m2 = m.map((x, i) => opt.beta1 * x + (1 - opt.beta1) * gr[i] * k);
      const v2 = v.map((x, i) => opt.beta2 * x + (1 - opt.beta2) * (gr[i] * k) ** 2);
      const bc1 = 1 - opt.beta1 ** t, bc2 = 1 - opt.beta2 ** t;
      const decay = opt.type === 'adamw' ? 1 - lr * opt.weightDecay : 1;
      const p2 = p.map((x, i) => x * decay - (lr / bc1) * (m2[i] / (Math.sqrt(v2[i]) / Math.sqrt(bc2) + opt.eps)));
      return [p2, m2, v2];
    };
    [a, ma, va] = upd(a, ga, ma, va);
    [b, mb, vb] = upd(b, gb, mb, vb);
  }
  return { a, b };
}

describe('compiled train step', () => {
  for (const opt of [
    { type: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, clipNorm: 0 },
    { type: 'adam', beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0, clipNorm: 0.5 },
    { type: 'adamw', beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, clipNorm: 1 },
  ] as Required<OptimizerConfig>[]) {
    it(`${opt.type} clip=${opt.clipNorm} matches a JavaScript reference over 4 steps`, async () => {
      const compiled = compileTrainStep(tinyLoss(), opt);
      expect(compiled.batchInputs.map((i) => i.name).sort()).toEqual(['c', 'scale']);
      const runner = await StepRunner.create(compiled, 1);
      const rng = new Rng(3);
      const a0 = Array.from(rng.normals(3)), b0 = Array.from(rng.normals(4)), c = Array.from(rng.normals(3));
      const state = TrainState.fromWeights(new Map([['a', Float32Array.from(a0)], ['b', Float32Array.from(b0)]]), new Map([['a', [3]], ['b', [2, 2]]]));
      const lrs = [0.1, 0.05, 0.2, 0.1];
      for (const lr of lrs) {
        const res = await runner.run(state, { c: tensor('float32', c, [3]), scale: tensor('float32', [1], []) }, lr);
        expect(res.applied).toBe(true);
      }
      // float32 inputs for the reference too
      const want = jsAdam(opt, 4, lrs.map((x) => Math.fround(x)), a0.map(Math.fround), b0.map(Math.fround), c.map(Math.fround));
      const gotA = Array.from(state.params.get('a')!.data as Float32Array), gotB = Array.from(state.params.get('b')!.data as Float32Array);
      gotA.forEach((x, i) => expect(x).toBeCloseTo(want.a[i], 5));
      gotB.forEach((x, i) => expect(x).toBeCloseTo(want.b[i], 5));
      expect(state.updates).toBe(4);
      expect(Math.abs(gotA[0] - a0[0])).toBeGreaterThan(1e-3); // it moved
      await runner.release();
    });
  }

  it('skips a step whose loss is not finite and leaves the state as it was', async () => {
    const runner = await StepRunner.create(compileTrainStep(tinyLoss(), { type: 'adam' }), 1);
    const state = TrainState.fromWeights(new Map([['a', Float32Array.from([1, 2, 3])], ['b', Float32Array.from([1, 1, 1, 1])]]), new Map([['a', [3]], ['b', [2, 2]]]));
    const before = state.snapshot();
    const res = await runner.run(state, { c: tensor('float32', [1, 1, 1], [3]), scale: tensor('float32', [NaN], []) }, 0.1);
    expect(res.applied).toBe(false);
    expect(Number.isNaN(res.loss)).toBe(true);
    expect(state.updates).toBe(0);
    expect(state.snapshot()).toEqual(before);
    await runner.release();
  });
});
