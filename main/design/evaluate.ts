// Evaluates a model bundle: reconstruction on a test set (greedy decode of the mean is the input molecule,
// canonical SMILES equal), the prior's validity / uniqueness / novelty / internal diversity over n samples,
// active latent units, the property head's R² against main/chem, and Wasserstein-1 distances between
// sampled and test distributions of MW, cLogP, QED and SA (MOSES definitions, see metrics.ts).
import { Rng } from '../../models/graph/rng.ts';
import { computeProperties } from '../chem/properties.ts';
import { withMol } from '../chem/rdkit.ts';
import { morganFingerprintOf, tanimoto } from '../chem/fingerprint.ts';
import { canonicalSmiles } from './canonical.ts';
import { activeUnits, internalDiversity, novelty, rSquared, uniqueness, validity, wasserstein1 } from './metrics.ts';
import type { ModelService } from './model-service.ts';

export interface EvaluateInput {
  test: readonly string[];
  train: readonly string[];
  /** Prior samples. */
  n: number;
  seed?: number;
  log?: (line: string) => void;
}

/** The panel values the distribution metrics compare (main/chem keys → MOSES names). */
const DISTRIBUTION_PROPERTIES = { MW: 'mol_wt', logP: 'clogp', QED: 'qed', SA: 'sa' } as const;

type PanelValues = Record<string, number>;

function panel(smiles: string): PanelValues | null {
  const p = withMol(smiles, (m) => computeProperties(m));
  if (!p) return null;
  const out: PanelValues = {};
  for (const [k, v] of Object.entries(p)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

export async function evaluateModel(model: ModelService, input: EvaluateInput) {
  const log = input.log ?? (() => {});
  const seed = input.seed ?? 0;
  const t0 = performance.now();

  // reconstruction and latent statistics on the test set
  log(`encoding ${input.test.length} test molecules`);
  const enc = await model.encode(input.test);
  const dec = await model.decode(enc.mu, enc.rows.length, { strategy: 'greedy' });
  let exact = 0;
  enc.rows.forEach((i, r) => {
    const want = canonicalSmiles(input.test[i]);
    if (want !== null && dec[r].smiles === want) exact++;
  });
  const units = activeUnits(enc.mu, enc.rows.length, model.latent);

  // property head against main/chem
  log('property head R²');
  const testPanels = enc.rows.map((i) => panel(input.test[i]));
  const predicted = await model.predictProperties(enc.mu, enc.rows.length);
  const propertyR2: Record<string, { r2: number; molecules: number }> = {};
  for (const [name, pred] of Object.entries(predicted)) {
    const truth: number[] = [], guess: number[] = [];
    testPanels.forEach((p, r) => {
      if (p && p[name] !== undefined) {
        truth.push(p[name]);
        guess.push(pred[r]);
      }
    });
    propertyR2[name] = { r2: rSquared(truth, guess), molecules: truth.length };
  }

  // the prior
  log(`sampling ${input.n} molecules from the prior`);
  const samples = await model.sample(input.n, seed);
  const canon = samples.map((s) => s.smiles);
  log(`canonicalizing ${input.train.length} training molecules`);
  const train = new Set<string>();
  for (const s of input.train) train.add(canonicalSmiles(s) ?? s);
  const validUnique = [...new Set(canon.filter((s): s is string => s !== null))];
  const fps = validUnique.map((s) => morganFingerprintOf(s)!);
  const rng = new Rng(seed + 1);
  const intDiv = internalDiversity(fps.length, (i, j) => tanimoto(fps[i], fps[j]), (k) => rng.int(k));

  log('property distributions');
  const samplePanels = canon.filter((s): s is string => s !== null).map(panel).filter((p): p is PanelValues => p !== null);
  const testValid = testPanels.filter((p): p is PanelValues => p !== null);
  const wasserstein: Record<string, number> = {};
  for (const [name, key] of Object.entries(DISTRIBUTION_PROPERTIES)) {
    wasserstein[name] = wasserstein1(samplePanels.map((p) => p[key]).filter((v) => v !== undefined), testValid.map((p) => p[key]).filter((v) => v !== undefined));
  }

  return {
    model: { name: model.name, dir: model.dir, steps: model.bundle.manifest.training.steps, latent: model.latent },
    reconstruction: { exact: enc.rows.length ? exact / enc.rows.length : 0, molecules: enc.rows.length, notEncodable: enc.problems.length, definition: 'greedy decode of the mean has the input canonical SMILES' },
    prior: {
      samples: input.n, seed,
      validity: validity(canon), uniqueness: uniqueness(canon), novelty: novelty(canon, train), trainMolecules: train.size,
      internalDiversity: intDiv, internalDiversityDefinition: '1 - mean Tanimoto (Morgan r2, 2048 bits) over pairs of distinct valid unique samples',
    },
    activeUnits: { active: units.active, of: model.latent, threshold: 0.01 },
    propertyR2,
    wasserstein1: wasserstein,
    seconds: (performance.now() - t0) / 1000,
  };
}

export type Evaluation = Awaited<ReturnType<typeof evaluateModel>>;
