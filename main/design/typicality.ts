// How far a designed molecule's latent point lies from the training data (issue 13, item 3): its Mahalanobis
// distance under the aggregate posterior (a Gaussian fitted to the training latents: the bundle's latent
// statistics, confidence.ts's latentDistance), flagged "far" beyond the 99.9th percentile that distance would
// have if the training latents were that Gaussian (χ² with one degree of freedom per principal axis; the
// Wilson–Hilferty approximation, within 0.5 % at 56 axes). A decode from there is the model extrapolating: the
// molecule may be valid, but the model has seen nothing like the point it came from.
import type { DesignedMolecule } from '../api/contract.ts';
import { latentDistance } from './confidence.ts';
import type { ModelService } from './model-service.ts';

/** the standard normal quantile of 0.999 */
const Z_999 = 3.0902;

/** The q-quantile of χ² with k degrees of freedom, by Wilson–Hilferty (zq: the standard normal quantile of q). */
export function chiSquareQuantile(k: number, zq: number): number {
  const a = 2 / (9 * k);
  return k * (1 - a + zq * Math.sqrt(a)) ** 3;
}

/** The squared distance beyond which a latent point counts as far from the training data, for a model. */
export function farThreshold(m: ModelService): number {
  return chiSquareQuantile(m.latentStats.axes.length, Z_999);
}

/** The molecules with `latentDistance` (Mahalanobis) and `farFromTraining` set from their latent points. */
export function withTypicality<T extends DesignedMolecule>(m: ModelService, molecules: T[]): T[] {
  const L = m.latent;
  const limit = farThreshold(m);
  return molecules.map((mol) => {
    if (mol.z.length !== L) return mol;
    const d2 = latentDistance(m, Float32Array.from(mol.z), 1)[0];
    return { ...mol, latentDistance: Math.sqrt(d2), farFromTraining: d2 > limit };
  });
}
