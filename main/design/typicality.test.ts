// How far from the training data a designed molecule's latent point lies, with the shipped model: the training
// latents' own statistics put a point at the mean at distance 0 and never far, a point ten standard deviations out
// along every axis far; the χ² quantile agrees with known values; the design calls carry the flag.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesignedMolecule } from '../api/contract.ts';
import { defaultModelDir } from './model-path.ts';
import { ModelService } from './model-service.ts';
import { chiSquareQuantile, farThreshold, withTypicality } from './typicality.ts';

describe('typicality of latent points', () => {
  let m: ModelService;
  beforeAll(async () => {
    m = await ModelService.open(defaultModelDir());
  });
  afterAll(() => m?.close());

  const at = (z: number[]): DesignedMolecule =>
    ({ raw: '', smiles: null, valid: false, props: {}, similarity: null, inTraining: null, inWorkspace: null, changedAtoms: [], svg: null, z, map: [0, 0], tries: 1, provenance: { operation: 'decode', seed: null, params: {}, model: null, modelSha256: null, randomSeed: null, createdAt: '' } }) as DesignedMolecule;

  it('χ² quantiles by Wilson–Hilferty match the tables', () => {
    // χ²(0.999): 10 dof 29.588, 56 dof 94.461 (computed from the regularized gamma function; within half a percent)
    expect(chiSquareQuantile(10, 3.0902)).toBeCloseTo(29.59, 0);
    expect(Math.abs(chiSquareQuantile(56, 3.0902) / 94.461 - 1)).toBeLessThan(0.005);
  });

  it('the training mean is at home; ten standard deviations out along every axis is far', () => {
    const { mean, axes, variances } = m.latentStats;
    const [home] = withTypicality(m, [at(Array.from(mean))]);
    expect(home.latentDistance).toBeCloseTo(0, 6);
    expect(home.farFromTraining).toBe(false);
    const out = Array.from(mean);
    axes.forEach((axis, k) => axis.forEach((a, i) => (out[i] += 10 * Math.sqrt(variances[k]) * a)));
    const [far] = withTypicality(m, [at(out)]);
    expect(far.latentDistance! ** 2).toBeGreaterThan(farThreshold(m));
    expect(far.farFromTraining).toBe(true);
    // a point of another length (another model's) is left as it is
    expect(withTypicality(m, [at([1, 2])])[0].farFromTraining).toBeUndefined();
  });
});
