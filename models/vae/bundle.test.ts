import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { greedyDecode } from '../runtime/decode.ts';
import { TEST_SMILES, tinyTrainedModel } from '../runtime/test-model.ts';
import { TRAINING_SET_FILE, encodeTrainingSet } from './training-set.ts';
import { BundleError, addBundleFile, loadBundle, predictProperties, verifyBundle, writeBundle } from './bundle.ts';
import { pca } from './pca.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vae-bundle-'));
let m: Awaited<ReturnType<typeof tinyTrainedModel>>;
let dir: string;

beforeAll(async () => {
  m = await tinyTrainedModel();
  const enc = await m.runtime.encode(TEST_SMILES);
  dir = path.join(tmp, 'tiny');
  writeBundle(dir, {
    name: 'tiny', version: '0.0.1', config: m.config, vocabulary: m.vocabulary, maxLength: 40,
    normalization: { names: ['len', 'mod3'], mean: [2, 0], std: [10, 1] }, weights: m.weights,
    training: { data: { file: 'valid.smi.gz', sha256: 'x', molecules: TEST_SMILES.length, used: TEST_SMILES.length }, steps: 150, curves: [] },
    metrics: { note: 'test' }, latentStats: pca(enc.mu, enc.rows.length, m.config.latent),
  });
}, 30_000);
afterAll(async () => {
  await m.runtime.release();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const copy = (name: string) => {
  const to = path.join(tmp, name);
  fs.cpSync(dir, to, { recursive: true });
  return to;
};

describe('model bundle', () => {
  it('loads what was written and decodes as the model it came from', async () => {
    const b = await loadBundle(dir);
    expect(b.manifest.name).toBe('tiny');
    expect(b.manifest.architecture.latent).toBe(m.config.latent);
    expect(Object.keys(b.manifest.files).sort()).toEqual(['decoder_step.onnx', 'decoder_weights.bin', 'encoder.onnx', 'initial_state.onnx', 'latent_stats.json', 'property.onnx', 'property_grad.onnx']);
    expect(b.latentStats.axes).toHaveLength(m.config.latent);
    const enc = await b.runtime.encode(TEST_SMILES);
    const fromBundle = await greedyDecode(b.runtime, enc.mu, TEST_SMILES.length);
    const original = await greedyDecode(m.runtime, (await m.runtime.encode(TEST_SMILES)).mu, TEST_SMILES.length);
    expect(fromBundle.map((d) => d.smiles)).toEqual(original.map((d) => d.smiles));
    // Predictions come back in the units of the manifest's normalization (len: ·10 + 2).
    const real = await predictProperties(b, enc.mu, 2);
    const raw = await b.runtime.properties(enc.mu, 2);
    expect(real.len[1]).toBeCloseTo(raw[2] * 10 + 2, 4);
    expect(real.mod3[0]).toBeCloseTo(raw[1], 5);
    await b.runtime.release();
  });

  it('refuses a bundle with one corrupt byte, naming the file', () => {
    const bad = copy('corrupt');
    const f = path.join(bad, 'decoder_step.onnx');
    const bytes = fs.readFileSync(f);
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    fs.writeFileSync(f, bytes);
    expect(() => verifyBundle(bad)).toThrow(BundleError);
    expect(() => verifyBundle(bad)).toThrow(/decoder_step\.onnx is corrupt/);
  });

  it('refuses incomplete bundles: a missing file, a truncated file, no manifest, an unlisted graph', async () => {
    const missing = copy('missing');
    fs.rmSync(path.join(missing, 'latent_stats.json'));
    expect(() => verifyBundle(missing)).toThrow(/latent_stats\.json is missing/);
    const short = copy('short');
    fs.truncateSync(path.join(short, 'encoder.onnx'), 100);
    expect(() => verifyBundle(short)).toThrow(/encoder\.onnx has 100 bytes/);
    const none = copy('none');
    fs.rmSync(path.join(none, 'manifest.json'));
    await expect(loadBundle(none)).rejects.toThrow(/manifest\.json is missing/);
    const unlisted = copy('unlisted');
    const mf = JSON.parse(fs.readFileSync(path.join(unlisted, 'manifest.json'), 'utf8'));
    delete mf.files['property_grad.onnx'];
    fs.writeFileSync(path.join(unlisted, 'manifest.json'), JSON.stringify(mf));
    expect(() => verifyBundle(unlisted)).toThrow(/does not list property_grad\.onnx/);
  });

  it('takes an added file into the manifest: a training-set index loads, a damaged one is refused', async () => {
    const withSet = copy('with-set');
    expect((await loadBundleAndRelease(withSet)).trainingSet).toBeNull();
    addBundleFile(withSet, TRAINING_SET_FILE, encodeTrainingSet(['CCO', 'c1ccccc1']));
    const b = await loadBundleAndRelease(withSet);
    expect(b.trainingSet?.has('CCO')).toBe(true);
    expect(b.trainingSet?.has('CCN')).toBe(false);
    expect(Object.keys(b.manifest.files)).toContain(TRAINING_SET_FILE);
    expect(() => addBundleFile(withSet, '../escape.bin', new Uint8Array(1))).toThrow(/odd file name/);
    fs.appendFileSync(path.join(withSet, TRAINING_SET_FILE), 'x');
    expect(() => verifyBundle(withSet)).toThrow(/training_set\.bin has/);
  });
});

async function loadBundleAndRelease(d: string) {
  const b = await loadBundle(d);
  await b.runtime.release();
  return b;
}

describe('pca', () => {
  it('finds the axes and variances of correlated data', () => {
    // x = 3·a·u + 1·b·v + mean, with u, v orthonormal in 3-D: variances 9 and 1 along u and v, 0 along the third.
    const u = [1 / Math.sqrt(2), 1 / Math.sqrt(2), 0], v = [0, 0, 1];
    const rows = 4000, data = new Float64Array(rows * 3);
    let s = 1;
    const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
    for (let r = 0; r < rows; r++) {
      const a = rnd() * Math.sqrt(3) * 3, b = rnd() * Math.sqrt(3);
      for (let i = 0; i < 3; i++) data[r * 3 + i] = a * u[i] + b * v[i] + [5, -1, 2][i];
    }
    const p = pca(data, rows, 3);
    expect(p.mean[0]).toBeCloseTo(5, 1);
    expect(p.variances[0]).toBeGreaterThan(8);
    expect(p.variances[0]).toBeLessThan(10);
    expect(p.variances[1]).toBeCloseTo(1, 0);
    expect(p.variances[2]).toBeLessThan(1e-9);
    expect(Math.abs(p.axes[0].reduce((t, x, i) => t + x * u[i], 0))).toBeCloseTo(1, 3);
    expect(Math.abs(p.axes[1].reduce((t, x, i) => t + x * v[i], 0))).toBeCloseTo(1, 3);
  });
});
