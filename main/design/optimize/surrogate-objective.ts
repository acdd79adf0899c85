// A user's column as an objective: the molecules with a value are featurized (Morgan fingerprints, or the
// model's encodings), a ridge surrogate is fitted with its cross-validated R² (surrogate.ts), and the objective
// predicts each decoded molecule from its own fingerprint or encoding. The fit is returned with the objective
// so the caller shows the R² and the warning when it is weak.
import { morganFingerprintOf } from '../../chem/fingerprint.ts';
import { canonicalSmiles } from '../canonical.ts';
import type { ModelService } from '../model-service.ts';
import type { CustomObjective } from './objectives.ts';
import { fingerprintFeatures, fitSurrogate, predictRidge } from './surrogate.ts';
import type { Surrogate, SurrogateFeatures } from './surrogate.ts';

export interface LabelledMolecule {
  smiles: string;
  value: number;
}

export interface SurrogateObjective {
  custom: CustomObjective;
  surrogate: Surrogate;
  /** molecules left out: unreadable by RDKit, not encodable by the model, or without a number */
  skipped: number;
}

export async function surrogateObjective(model: ModelService, label: string, data: readonly LabelledMolecule[], features: SurrogateFeatures, seed: number): Promise<SurrogateObjective> {
  const rows = data.filter((d) => Number.isFinite(d.value)).map((d) => ({ ...d, canonical: canonicalSmiles(d.smiles) })).filter((d) => d.canonical !== null);
  let x: ArrayLike<number>[];
  let y: number[];
  if (features === 'fingerprint') {
    x = rows.map((r) => fingerprintFeatures(morganFingerprintOf(r.canonical!)!));
    y = rows.map((r) => r.value);
  } else {
    const { mu, rows: ok } = await model.encode(rows.map((r) => r.canonical!));
    const L = model.latent;
    x = ok.map((_, k) => mu.subarray(k * L, (k + 1) * L));
    y = ok.map((i) => rows[i].value);
  }
  const surrogate = fitSurrogate(x, y, features, seed);
  const sd = Math.sqrt(y.reduce((a, v) => a + (v - surrogate.yMean) ** 2, 0) / Math.max(1, y.length - 1));
  const custom: CustomObjective = {
    label,
    // one standard deviation of the column is the unit of its utility, as the spreads of computed properties are
    scale: sd > 0 ? sd : 1,
    needs: features === 'latent' ? 'latent' : 'fingerprint',
    value: (m) => {
      if (features === 'latent') return m.latent ? predictRidge(surrogate, m.latent) : null;
      return predictRidge(surrogate, fingerprintFeatures(m.fingerprint));
    },
  };
  return { custom, surrogate, skipped: data.length - y.length };
}
