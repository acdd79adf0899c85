import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { greedyDecode } from '../runtime/decode.ts';
import { TEST_SMILES, tinyTrainedModel } from '../runtime/test-model.ts';
import { TRAINING_SET_FILE, encodeTrainingSet } from './training-set.ts';
import { BundleError, addBundleFile, declaredBundleFormat, loadBundle, predictProperties, verifyBundle, writeBundle } from './bundle.ts';
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

/** What the tests below edit in a manifest: loose types, a damaged manifest is what they make. */
type Norm = { names: string[]; mean: unknown[]; std: unknown[] };
type EditableManifest = {
  formatVersion: unknown;
  vocabulary: { tokens: string[] };
  architecture: Record<string, number>;
  propertyNormalization: Norm;
  files: Record<string, { sha256: string; bytes: number }>;
};

describe('a damaged or foreign bundle', () => {
  /** A copy of the tiny bundle with its manifest edited (the files list kept true to the files). */
  const edited = (name: string, edit: (mf: EditableManifest) => void) => {
    const d = copy(name);
    const mf = JSON.parse(fs.readFileSync(path.join(d, 'manifest.json'), 'utf8'));
    edit(mf);
    fs.writeFileSync(path.join(d, 'manifest.json'), JSON.stringify(mf));
    return d;
  };
  /** verifyBundle's refusal: a BundleError naming the bundle, the file and the fault. */
  const refusal = (d: string): BundleError => {
    try {
      verifyBundle(d);
    } catch (e) {
      expect(e).toBeInstanceOf(BundleError);
      expect((e as Error).message).toContain(d);
      return e as BundleError;
    }
    throw new Error(`${d} was accepted`);
  };

  it('refuses an unknown format version', () => {
    for (const v of [2, 0, -1, 1.5, '1', null]) {
      expect(refusal(edited(`version-${String(v)}`, (mf) => (mf.formatVersion = v))).message).toMatch(/manifest\.json: formatVersion/);
    }
  });

  it('refuses a vocabulary that does not fit the model: another size, the graphs of another vocabulary, a broken one', () => {
    // one token more in the vocabulary only
    expect(refusal(edited('vocab-longer', (mf) => mf.vocabulary.tokens.push('[Xe]'))).message).toMatch(/manifest\.json: .*architecture\.vocab \d+ .*vocabulary.*\d+ tokens/);
    // a vocabulary swapped for a bigger one with the architecture made to agree: the graphs still say otherwise
    const swapped = edited('vocab-swapped', (mf) => {
      mf.vocabulary.tokens.push('[Xe]', '[Kr]');
      mf.architecture.vocab += 2;
    });
    expect(refusal(swapped).message).toMatch(/decoder_step\.onnx: output logits is \[batch, \d+\], the manifest's vocabulary has \d+ tokens/);
    expect(refusal(edited('vocab-dup', (mf) => (mf.vocabulary.tokens[5] = mf.vocabulary.tokens[6]))).message).toMatch(/manifest\.json: vocabulary: a token occurs twice/);
    // two tokens swapped in place: sizes all agree, the graphs' vocabulary stamp does not
    const inPlace = edited('vocab-two-swapped', (mf) => {
      const t = mf.vocabulary.tokens;
      [t[5], t[6]] = [t[6], t[5]];
    });
    expect(refusal(inPlace).message).toMatch(/encoder\.onnx was built for another vocabulary than the manifest's/);
    expect(refusal(edited('vocab-specials', (mf) => mf.vocabulary.tokens.reverse())).message).toMatch(/manifest\.json: vocabulary: token 0 must be/);
  });

  it('refuses sizes out of bounds: maxLength 1e9, a huge or fractional latent, a graph of another latent size', () => {
    expect(refusal(edited('maxlength', (mf) => (mf.architecture.maxLength = 1e9))).message).toMatch(/manifest\.json: architecture\.maxLength/);
    expect(refusal(edited('latent-huge', (mf) => (mf.architecture.latent = 1e7))).message).toMatch(/manifest\.json: architecture\.latent/);
    expect(refusal(edited('latent-frac', (mf) => (mf.architecture.latent = 7.5))).message).toMatch(/manifest\.json: architecture\.latent/);
    expect(refusal(edited('hidden-neg', (mf) => (mf.architecture.decoderHidden = -3))).message).toMatch(/manifest\.json: architecture\.decoderHidden/);
    // in bounds, but not the size the graphs were built with
    expect(refusal(edited('latent-other', (mf) => (mf.architecture.latent += 1))).message).toMatch(/encoder\.onnx: output mu is \[batch, 8\], the manifest says latent 9/);
    expect(refusal(edited('hidden-other', (mf) => (mf.architecture.decoderHidden = 32))).message).toMatch(/initial_state\.onnx: output h is \[batch, 64\], the manifest says decoderHidden 32/);
  });

  it('refuses a broken property normalization', () => {
    const cases: [string, (n: Norm) => void, RegExp][] = [
      ['std-zero', (n) => (n.std[0] = 0), /propertyNormalization\.std\.0/],
      ['std-negative', (n) => (n.std[1] = -1), /propertyNormalization\.std\.1/],
      ['std-null', (n) => (n.std[0] = null), /propertyNormalization\.std\.0/],
      ['mean-string', (n) => (n.mean[0] = 'x'), /propertyNormalization\.mean\.0/],
      ['short-std', (n) => n.std.pop(), /propertyNormalization: names, mean and std have 2, 2 and 1 entries/],
      ['names-other', (n) => (n.names = ['mod3', 'len']), /propertyNormalization\.names \["mod3","len"\] are not the property head's outputs \["len","mod3"\]/],
    ];
    for (const [name, edit, message] of cases) {
      expect(refusal(edited(`norm-${name}`, (mf) => edit(mf.propertyNormalization))).message, name).toMatch(message);
    }
  });

  it('refuses what is not a regular file, without reading it: a link to /dev/zero, a folder, a FIFO', async () => {
    const zero = copy('dev-zero');
    fs.rmSync(path.join(zero, 'encoder.onnx'));
    fs.symlinkSync('/dev/zero', path.join(zero, 'encoder.onnx'));
    const started = Date.now();
    expect(refusal(zero).message).toMatch(/encoder\.onnx is not a regular file/);
    // the manifest may even claim a size /dev/zero would give forever: nothing is read before the check
    const bigger = edited('dev-zero-big', (mf) => (mf.files['latent_stats.json'].bytes = 2 ** 30));
    fs.rmSync(path.join(bigger, 'latent_stats.json'));
    fs.symlinkSync('/dev/zero', path.join(bigger, 'latent_stats.json'));
    expect(refusal(bigger).message).toMatch(/latent_stats\.json is not a regular file/);
    expect(Date.now() - started).toBeLessThan(2000);
    const folder = copy('folder');
    fs.rmSync(path.join(folder, 'property.onnx'));
    fs.mkdirSync(path.join(folder, 'property.onnx'));
    expect(refusal(folder).message).toMatch(/property\.onnx is not a regular file/);
    const manifestFolder = copy('manifest-folder');
    fs.rmSync(path.join(manifestFolder, 'manifest.json'));
    fs.mkdirSync(path.join(manifestFolder, 'manifest.json'));
    expect(refusal(manifestFolder).message).toMatch(/manifest\.json is not a regular file/);
    const fifo = copy('fifo');
    fs.rmSync(path.join(fifo, 'decoder_step.onnx'));
    execFileSync('mkfifo', [path.join(fifo, 'decoder_step.onnx')]);
    expect(refusal(fifo).message).toMatch(/decoder_step\.onnx is not a regular file/);
    expect(() => verifyBundle(path.join(dir, 'manifest.json'))).toThrow(/is not a folder/);
  });

  it('refuses sizes the manifest says before reading, and files it lists beyond reason', () => {
    const short = copy('truncated');
    fs.truncateSync(path.join(short, 'decoder_step.onnx'), 1000);
    expect(refusal(short).message).toMatch(/decoder_step\.onnx has 1000 bytes, the manifest says \d+/);
    expect(refusal(edited('bytes-huge', (mf) => (mf.files['encoder.onnx'].bytes = 2 ** 40))).message).toMatch(/manifest\.json: files\.encoder\.onnx\.bytes/);
    const broken = copy('manifest-truncated');
    const text = fs.readFileSync(path.join(broken, 'manifest.json'), 'utf8');
    fs.writeFileSync(path.join(broken, 'manifest.json'), text.slice(0, text.length / 2));
    expect(refusal(broken).message).toMatch(/manifest\.json is not valid JSON/);
  });

  it('refuses a graph that is not ONNX or lacks an input, even with its sha256 in the manifest', () => {
    const replace = (name: string, file: string, bytes: Uint8Array) => {
      const d = edited(name, (mf) => (mf.files[file] = { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length }));
      fs.writeFileSync(path.join(d, file), bytes);
      return d;
    };
    expect(refusal(replace('not-onnx', 'property.onnx', new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]))).message).toMatch(/property\.onnx is not an ONNX model/);
    // another graph of the same bundle in its place: its inputs are not those the runtime feeds
    const other = new Uint8Array(fs.readFileSync(path.join(dir, 'property.onnx')));
    expect(refusal(replace('wrong-graph', 'decoder_step.onnx', other)).message).toMatch(/decoder_step\.onnx: .*input/);
    // the decoder's trained weights (for fine-tuning) of another size than the architecture's
    expect(refusal(replace('decoder-weights', 'decoder_weights.bin', new Uint8Array(12))).message).toMatch(/decoder_weights\.bin has 12 bytes, the architecture needs \d+/);
  });

  it('refuses damaged latent statistics', () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ mean: [1, 2], axes: [], variances: [], count: 3 }));
    const d = edited('stats', (mf) => (mf.files['latent_stats.json'] = { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length }));
    fs.writeFileSync(path.join(d, 'latent_stats.json'), bytes);
    expect(refusal(d).message).toMatch(/latent_stats\.json: mean has 2 entries, the latent size is 8/);
  });

  it('refuses every corruption with a message naming the file and the fault, in bounded time (one table)', () => {
    const put = (d: string, file: string, bytes: Uint8Array) => fs.writeFileSync(path.join(d, file), bytes);
    const replaceWith = (d: string, file: string, make: (at: string) => void) => {
      fs.rmSync(path.join(d, file), { recursive: true, force: true });
      make(path.join(d, file));
    };
    const editManifest = (d: string, edit: (mf: EditableManifest & Record<string, unknown>) => void) => {
      const mf = JSON.parse(fs.readFileSync(path.join(d, 'manifest.json'), 'utf8'));
      edit(mf);
      fs.writeFileSync(path.join(d, 'manifest.json'), JSON.stringify(mf));
    };
    const flip = (d: string, file: string) => {
      const b = fs.readFileSync(path.join(d, file));
      b[b.length >> 1] ^= 0x10;
      put(d, file, b);
    };
    const cases: [string, (d: string) => void, RegExp][] = [
      ['manifest missing', (d) => fs.rmSync(path.join(d, 'manifest.json')), /manifest\.json is missing/],
      ['graph missing', (d) => fs.rmSync(path.join(d, 'encoder.onnx')), /encoder\.onnx is missing/],
      ['graph truncated', (d) => fs.truncateSync(path.join(d, 'decoder_step.onnx'), 1000), /decoder_step\.onnx has 1000 bytes, the manifest says \d+ \(truncated or replaced\)/],
      ['stats grown by a byte', (d) => fs.appendFileSync(path.join(d, 'latent_stats.json'), ' '), /latent_stats\.json has \d+ bytes, the manifest says \d+/],
      ['graph with a flipped byte', (d) => flip(d, 'property.onnx'), /property\.onnx is corrupt \(sha256 does not match the manifest\)/],
      ['weights with a flipped byte', (d) => flip(d, 'decoder_weights.bin'), /decoder_weights\.bin is corrupt \(sha256/],
      ['manifest: another sha256', (d) => editManifest(d, (mf) => (mf.files['encoder.onnx'].sha256 = 'ab'.repeat(32))), /encoder\.onnx is corrupt \(sha256 does not match the manifest\)/],
      ['manifest: a sha256 that is none', (d) => editManifest(d, (mf) => (mf.files['encoder.onnx'].sha256 = 'not hex')), /manifest\.json: files\.encoder\.onnx\.sha256/],
      ['manifest: another size', (d) => editManifest(d, (mf) => (mf.files['property.onnx'].bytes += 1)), /property\.onnx has \d+ bytes, the manifest says \d+/],
      ['manifest: a file dropped from the list', (d) => editManifest(d, (mf) => delete mf.files['initial_state.onnx']), /manifest\.json does not list initial_state\.onnx/],
      ['manifest: a file outside the folder', (d) => editManifest(d, (mf) => (mf.files['../escape.onnx'] = { sha256: 'ab'.repeat(32), bytes: 1 })), /manifest\.json lists an odd file name "\.\.\/escape\.onnx"/],
      ['manifest: a field of the wrong type', (d) => editManifest(d, (mf) => (mf.name = 42)), /manifest\.json: name: /],
      ['manifest: cut short', (d) => put(d, 'manifest.json', fs.readFileSync(path.join(d, 'manifest.json')).subarray(0, 200)), /manifest\.json is not valid JSON/],
      ['manifest: a flipped byte that breaks its JSON', (d) => put(d, 'manifest.json', Buffer.from(fs.readFileSync(path.join(d, 'manifest.json'), 'utf8').replace('"files":', '"files";'))), /manifest\.json is not valid JSON/],
      ['a folder where a graph belongs', (d) => replaceWith(d, 'property.onnx', (at) => fs.mkdirSync(at)), /property\.onnx is not a regular file \(a folder\)/],
      ['a folder where the manifest belongs', (d) => replaceWith(d, 'manifest.json', (at) => fs.mkdirSync(at)), /manifest\.json is not a regular file \(a folder\)/],
      ['a link to a good copy of the file', (d) => replaceWith(d, 'encoder.onnx', (at) => fs.symlinkSync(path.join(dir, 'encoder.onnx'), at)), /encoder\.onnx is not a regular file \(a symbolic link\)/],
      ['a link to /dev/zero', (d) => replaceWith(d, 'latent_stats.json', (at) => fs.symlinkSync('/dev/zero', at)), /latent_stats\.json is not a regular file \(a symbolic link\)/],
      ['a dangling link', (d) => replaceWith(d, 'decoder_step.onnx', (at) => fs.symlinkSync(path.join(d, 'nowhere'), at)), /decoder_step\.onnx is not a regular file \(a symbolic link\)/],
      ['the manifest a link to /dev/zero', (d) => replaceWith(d, 'manifest.json', (at) => fs.symlinkSync('/dev/zero', at)), /manifest\.json is not a regular file \(a symbolic link\)/],
      ['a FIFO', (d) => replaceWith(d, 'initial_state.onnx', (at) => execFileSync('mkfifo', [at])), /initial_state\.onnx is not a regular file \(a FIFO\)/],
      ['the manifest a FIFO', (d) => replaceWith(d, 'manifest.json', (at) => execFileSync('mkfifo', [at])), /manifest\.json is not a regular file \(a FIFO\)/],
    ];
    const results = cases.map(([name, damage, expected], i) => {
      const d = copy(`table-${i}`);
      damage(d);
      const started = Date.now();
      let message = '(accepted)';
      try {
        verifyBundle(d);
      } catch (e) {
        message = e instanceof BundleError ? (e as Error).message : `not a BundleError: ${(e as Error).message}`;
      }
      const ms = Date.now() - started;
      const ok = message.startsWith(`model bundle ${d}: `) && expected.test(message) && ms < 3000;
      return { name, ok, message, ms };
    });
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });

  it('asks whether a folder is a bundle with the same bounds: a manifest that is a FIFO or a link to /dev/zero is not read', () => {
    expect(declaredBundleFormat(dir)).toBe('molscape-vae-bundle');
    const fifo = copy('format-fifo');
    fs.rmSync(path.join(fifo, 'manifest.json'));
    execFileSync('mkfifo', [path.join(fifo, 'manifest.json')]);
    const zero = copy('format-zero');
    fs.rmSync(path.join(zero, 'manifest.json'));
    fs.symlinkSync('/dev/zero', path.join(zero, 'manifest.json'));
    const started = Date.now();
    expect(declaredBundleFormat(fifo)).toBeNull();
    expect(declaredBundleFormat(zero)).toBeNull();
    expect(declaredBundleFormat(path.join(tmp, 'no-such-folder'))).toBeNull();
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('gives the sha256 of the manifest it verified (the model identity), not of a second read', () => {
    expect(verifyBundle(dir).manifestSha256).toBe(createHash('sha256').update(fs.readFileSync(path.join(dir, 'manifest.json'))).digest('hex'));
  });

  it('accepts the shipped model', () => {
    const shipped = path.resolve(import.meta.dirname, '../../resources/models/zinc250k');
    expect(verifyBundle(shipped).manifest.architecture.latent).toBe(56);
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
