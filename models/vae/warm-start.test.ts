import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { greedyDecode } from '../runtime/decode.ts';
import { DECODER_WEIGHTS_FILE, loadBundle, writeBundle } from './bundle.ts';
import type { LoadedBundle } from './bundle.ts';
import { readSmilesFile } from './data.ts';
import { extendVocabulary, readBundleWeights, tokenElement } from './warm-start.ts';

const shipped = path.resolve(import.meta.dirname, '../../resources/models/zinc250k');
const zincTest = path.resolve(import.meta.dirname, '../../../shared/data/zinc250k/test.smi.gz');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warm-start-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function decodesOf(b: LoadedBundle, smiles: string[]) {
  const enc = await b.runtime.encode(smiles);
  const dec = await greedyDecode(b.runtime, enc.mu, enc.rows.length);
  return { mu: enc.mu, smiles: dec.map((d) => d.smiles) };
}

describe('warm start from a bundle', () => {
  const smiles = readSmilesFile(zincTest, 60).smiles;

  it('recovers every training weight of the shipped bundle; re-exported, the model encodes and decodes exactly as shipped', async () => {
    const base = readBundleWeights(shipped);
    expect(base.decoderInput.source).toBe('solved'); // the shipped bundle predates decoder_weights.bin
    expect(base.decoderInput.maxError).toBeLessThan(1e-4);
    const out = path.join(tmp, 'again');
    const m = base.manifest;
    writeBundle(out, {
      name: 'again', version: '0', config: base.config, vocabulary: base.vocabulary, maxLength: m.architecture.maxLength, normalization: base.normalization,
      weights: base.weights, training: m.training, latentStats: { mean: Array(base.config.latent).fill(0), axes: [], variances: [], count: 0 },
    });
    expect(fs.existsSync(path.join(out, DECODER_WEIGHTS_FILE))).toBe(true);
    const [a, b] = [await loadBundle(shipped), await loadBundle(out)];
    try {
      const [da, db] = [await decodesOf(a, smiles), await decodesOf(b, smiles)];
      expect(db.smiles).toEqual(da.smiles);
      let maxDiff = 0;
      da.mu.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - db.mu[i]))));
      expect(maxDiff).toBeLessThan(1e-5);
    } finally {
      await a.runtime.release();
      await b.runtime.release();
    }
    // and a bundle written with decoder_weights.bin gives those weights back exactly
    const again = readBundleWeights(out);
    expect(again.decoderInput.source).toBe('file');
    expect(again.weights.get('dec.W')).toEqual(base.weights.get('dec.W'));
    expect(again.weights.get('dec.B')).toEqual(base.weights.get('dec.B'));
  }, 60_000);

  it('extends the vocabulary: ids kept, new rows from a token of the same element, the old molecules still decode the same', async () => {
    const base = readBundleWeights(shipped);
    const fresh = ['[Si]', '[se]', '[B-]', '9', '%10', '[N@+]', '[nH2+]'];
    for (const t of fresh) expect(base.vocabulary.id(t)).toBeUndefined();
    const ext = extendVocabulary(base, [...fresh, 'C', fresh[0]]);
    expect(ext.added.map((a) => a.token)).toEqual(fresh);
    expect(ext.config.vocab).toBe(base.config.vocab + fresh.length);
    expect(ext.vocabulary.tokens.slice(0, base.config.vocab)).toEqual(base.vocabulary.tokens);
    expect(Object.fromEntries(ext.added.map((a) => [a.token, a.from]))).toEqual({ '[Si]': null, '[se]': null, '[B-]': null, '9': '8', '%10': '8', '[N@+]': 'N', '[nH2+]': 'n' });
    expect(ext.added.map((a) => a.id)).toEqual(fresh.map((_, k) => base.config.vocab + k));
    expect(ext.weights.get('emb.weight')!.length).toBe(ext.config.vocab * base.config.embedding);
    expect(ext.weights.get('out.bias')!.length).toBe(ext.config.vocab);
    const out = path.join(tmp, 'extended');
    writeBundle(out, {
      name: 'extended', version: '0', config: ext.config, vocabulary: ext.vocabulary, maxLength: 100, normalization: base.normalization,
      weights: ext.weights, training: base.manifest.training, latentStats: { mean: Array(ext.config.latent).fill(0), axes: [], variances: [], count: 0 },
    });
    const [a, b] = [await loadBundle(shipped), await loadBundle(out)];
    try {
      const [da, db] = [await decodesOf(a, smiles), await decodesOf(b, smiles)];
      const same = da.smiles.filter((s, i) => s === db.smiles[i]).length;
      expect(same).toBeGreaterThanOrEqual(smiles.length - 2);
    } finally {
      await a.runtime.release();
      await b.runtime.release();
    }
  }, 60_000);

  it('names the element of a token', () => {
    expect(['[nH+]', 'Cl', '[Si@H]', '[13CH3]', 'c', '=', '%12', '[se]', 'Br'].map(tokenElement)).toEqual(['n', 'Cl', 'Si', 'C', 'c', null, null, 'se', 'Br']);
  });

  it('refuses a bundle whose graphs lack a weight, naming it', () => {
    const broken = path.join(tmp, 'not-a-bundle');
    fs.mkdirSync(broken);
    expect(() => readBundleWeights(broken)).toThrow(/manifest\.json is missing/);
  });
});
