// The stepped encoder (stepped-encoder.ts) against encoder.onnx as exported, both on ONNX Runtime: mu and
// logvar within float32 rounding for sequences of many lengths in chunks of a batch, a row's numbers the same to
// the bit alone or among others and on one or two threads, graphs of another shape left to run as exported;
// and the shipped default model's encodes of real molecules, with the same greedy decodes.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../graph/rng.ts';
import { initialValues } from '../train/params.ts';
import { readSmiles } from '../train/smiles-data.ts';
import { loadBundle } from '../vae/bundle.ts';
import { exportInferenceGraphs } from '../vae/export.ts';
import { vaeParams } from '../vae/model.ts';
import type { VaeConfig } from '../vae/model.ts';
import { Vocabulary } from '../vae/tokenizer.ts';
import { greedyDecode } from './decode.ts';
import { SteppedEncoder, steppedEncoderGraphs } from './stepped-encoder.ts';
import { VaeRuntime } from './vae-runtime.ts';
import type { RuntimeModel } from './vae-runtime.ts';

// H not a multiple of 16 (ragged tiles); weights scaled up so the gates are far from linear
const c: VaeConfig = { vocab: 23, embedding: 16, encoderHidden: 36, latent: 12, decoderHidden: 40, propertyHidden: 8, properties: [], freeBits: 0 };
const weights = new Map([...initialValues(vaeParams(c).specs, new Rng(3))].map(([k, v]) => [k, v.map((x) => x * 3)]));
const graphs = exportInferenceGraphs(c, weights);
const model: RuntimeModel = {
  vocabulary: Vocabulary.fromJSON({ tokens: ['<pad>', '<bos>', '<eos>', '<unk>', ...'CNOSFclnos()=#123456789[]+-'.split('').slice(0, c.vocab - 4)] }),
  latent: c.latent, decoderHidden: c.decoderHidden, properties: [], maxLength: 60, graphs,
};

/** Random sequences <bos> … <eos> of 2 to 60 tokens, in no particular order. */
function sequences(n: number, seed: number): Int32Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const len = 2 + Math.floor(rng.uniform() * 59);
    return Int32Array.from({ length: len }, (_, k) => (k === 0 ? 1 : k === len - 1 ? 2 : 3 + Math.floor(rng.uniform() * (c.vocab - 3))));
  });
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
const scale = (a: Float32Array) => a.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

describe('stepped encoder', () => {
  it('gives the exported graph\'s mu and logvar within float32 rounding, for 70 sequences of 2–60 tokens in chunks of 16', async () => {
    const seqs = sequences(70, 1);
    const exported = await VaeRuntime.create(model, { threads: 2, steppedEncoder: false });
    const stepped = await VaeRuntime.create(model, { threads: 2 });
    const want = await exported.encodeIds(seqs, 16), got = await stepped.encodeIds(seqs, 16);
    expect(scale(want.mu)).toBeGreaterThan(0.5); // not a degenerate model
    expect(maxDiff(got.mu, want.mu)).toBeLessThan(1e-5 * scale(want.mu));
    expect(maxDiff(got.logvar, want.logvar)).toBeLessThan(1e-5 * scale(want.logvar));
    expect(maxDiff(got.mu, want.mu)).toBeGreaterThan(0); // it is the other code path, not the exported graph
    await exported.release();
    await stepped.release();
  });

  it('gives a row the same numbers to the bit alone, in a batch of any make-up, and on one or two threads', async () => {
    const seqs = sequences(40, 2);
    const two = await VaeRuntime.create(model, { threads: 2 }), one = await VaeRuntime.create(model, { threads: 1 });
    const all = await two.encodeIds(seqs, 256);
    const L = c.latent;
    for (const [i, s] of seqs.entries()) {
      const alone = await two.encodeIds([s]);
      expect(Array.from(alone.mu)).toEqual(Array.from(all.mu.subarray(i * L, (i + 1) * L)));
    }
    const chunked = await one.encodeIds(seqs, 7);
    expect(Array.from(chunked.mu)).toEqual(Array.from(all.mu));
    expect(Array.from(chunked.logvar)).toEqual(Array.from(all.logvar));
    await two.release();
    await one.release();
  });

  it('refuses sequences out of order, and encodes none', async () => {
    const enc = (await SteppedEncoder.create(graphs.encoder))!;
    const [a, b] = sequences(2, 3).sort((x, y) => y.length - x.length);
    if (a.length !== b.length) await expect(enc.encodeSorted([a, b])).rejects.toThrow(/shortest first/);
    expect((await enc.encodeSorted([])).mu.length).toBe(0);
    await enc.release();
  });

  it('leaves a graph that is not an exported encoder to run as it is', () => {
    expect(steppedEncoderGraphs(graphs.decoderStep)).toBeNull();
    expect(steppedEncoderGraphs(graphs.encoder)).not.toBeNull();
  });

  it('encodes 256 ZINC test molecules with the shipped default model as the exported graph does, with the same greedy decodes', async () => {
    const dir = path.resolve(import.meta.dirname, '../../resources/models/zinc-chembl');
    const smiles = readSmiles(path.resolve(import.meta.dirname, '../../../shared/data/zinc250k/test.smi.gz'), 256);
    const a = (await loadBundle(dir, { threads: 2, steppedEncoder: false })).runtime;
    const b = (await loadBundle(dir, { threads: 2 })).runtime;
    const [ea, eb] = [await a.encode(smiles), await b.encode(smiles)];
    expect(eb.rows).toEqual(ea.rows);
    expect(maxDiff(eb.mu, ea.mu)).toBeLessThan(1e-4);
    const n = ea.rows.length;
    const [da, db] = [await greedyDecode(a, ea.mu, n), await greedyDecode(a, eb.mu, n)];
    const same = da.filter((d, i) => d.smiles === db[i].smiles).length;
    expect(same).toBeGreaterThanOrEqual(n - 1); // a decode can flip only on a near-tie of two tokens
    await a.release();
    await b.release();
  }, 60_000);
});
