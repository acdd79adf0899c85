// Design operations on a tiny bundle made the way older bundles were: no training-set index and no projected
// background. Membership is then unknown (null), not false; adding the index (a new manifest, so a new model
// sha256) makes it known. The tiny model's head predicts made-up properties, so its directions are those.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SMILES, tinyTrainedModel } from '../../models/runtime/test-model.ts';
import { addBundleFile, writeBundle } from '../../models/vae/bundle.ts';
import { pca } from '../../models/vae/pca.ts';
import { TRAINING_SET_FILE, encodeTrainingSet } from '../../models/vae/training-set.ts';
import { calls } from '../api/contract.ts';
import { loadRDKit } from '../chem/rdkit.ts';
import { canonicalSmiles } from './canonical.ts';
import { designHandlers } from './handlers.ts';
import { ModelService } from './model-service.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'molscape-old-bundle-'));
const dir = path.join(tmp, 'tiny');
const SEED = TEST_SMILES[0];

beforeAll(async () => {
  await loadRDKit();
  const m = await tinyTrainedModel({ epochs: 40 });
  const enc = await m.runtime.encode(TEST_SMILES);
  writeBundle(dir, {
    name: 'tiny', version: '0.0.1', config: m.config, vocabulary: m.vocabulary, maxLength: 40,
    normalization: { names: ['len', 'mod3'], mean: [2, 0], std: [10, 1] }, weights: m.weights,
    training: { data: { file: 'valid.smi.gz', sha256: 'x', molecules: TEST_SMILES.length, used: TEST_SMILES.length }, steps: 40, curves: [] },
    latentStats: pca(enc.mu, enc.rows.length, m.config.latent),
  });
  await m.runtime.release();
}, 60_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('a bundle without the training-set index', () => {
  it('walks and samples neighbours with membership unknown; directions come from its own head', async () => {
    const design = designHandlers();
    try {
      const model = await design.model(dir);
      expect(model.latentStats.background).toBeUndefined();
      const { directions } = await design.handlers['latent.directions'](calls['latent.directions'].args.parse({ model: dir, axes: 2 }));
      expect(directions.map((d) => d.name)).toEqual(['pc1', 'pc2', 'len+', 'len-', 'mod3+', 'mod3-']);
      const w = await design.handlers['latent.walk'](calls['latent.walk'].args.parse({ seed: SEED, model: dir, offsets: [{ direction: 'len+', amount: 1 }] }));
      expect(calls['latent.walk'].result.safeParse(w).success).toBe(true);
      expect(w.seed).toMatchObject({ inTraining: null, inWorkspace: null });
      expect(w.molecule.provenance).toMatchObject({ model: 'tiny', modelSha256: model.manifestSha256 });
      const n = await design.handlers['latent.neighbours'](calls['latent.neighbours'].args.parse({ seed: SEED, model: dir, n: 20, radius: 1 }));
      expect(n.molecules.every((m) => m.inTraining === null && m.inWorkspace === null)).toBe(true);
      // nothing is known to be old, so every unique molecule counts as new
      expect(n.counts.new).toBe(n.counts.unique);
    } finally {
      await design.close();
    }
  });

  it('once the index is added the training molecules are known, and the model has a new sha256', async () => {
    const before = await ModelService.open(dir);
    const training = TEST_SMILES.slice(0, 8).map((s) => canonicalSmiles(s)!);
    addBundleFile(dir, TRAINING_SET_FILE, encodeTrainingSet(training));
    const after = await ModelService.open(dir);
    try {
      expect(before.inTraining(training)).toEqual(training.map(() => null));
      expect(after.inTraining([...training, canonicalSmiles(TEST_SMILES[11])!, 'CCO'])).toEqual([...training.map(() => true), false, false]);
      expect(after.manifestSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(after.manifestSha256).not.toBe(before.manifestSha256);
    } finally {
      await before.close();
      await after.close();
    }
  });
});
