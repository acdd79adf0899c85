// The decode pool (decode-pool.ts) on a tiny model trained in the test, in real worker threads with their own
// ONNX Runtime sessions: its rows are exactly what the caller's own session decodes, greedy (constrained or
// not) and sampled (row r draws from row r's generator whichever thread has it), split unevenly over threads;
// encoded rows are the caller's to the bit; a closed pool says so and refuses work, and closing it mid-decode
// stops its threads between steps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../graph/rng.ts';
import { DecodePool } from './decode-pool.ts';
import { greedyDecode, sampleDecode } from './decode.ts';
import { TEST_SMILES, tinyTrainedModel } from './test-model.ts';

let m: Awaited<ReturnType<typeof tinyTrainedModel>>;
let pool: DecodePool;
beforeAll(async () => {
  m = await tinyTrainedModel();
  pool = await DecodePool.open(m.runtime.model, { threads: 3 });
}, 60_000);
afterAll(async () => {
  await pool?.close();
  await m.runtime.release();
});

/** The training molecules' means, then draws around and far from them: 37 rows (3 threads: 12, 12, 13). */
async function points(): Promise<{ z: Float32Array; rows: number }> {
  const L = m.config.latent;
  const enc = await m.runtime.encode(TEST_SMILES);
  const rng = new Rng(5);
  const extra = 37 - enc.rows.length;
  const z = new Float32Array(37 * L);
  z.set(enc.mu.subarray(0, enc.rows.length * L));
  for (let i = enc.rows.length * L; i < z.length; i++) z[i] = (i % 3 === 0 ? 3 : 1) * rng.normal();
  expect(extra).toBeGreaterThan(0);
  return { z, rows: 37 };
}

describe('DecodePool', () => {
  it('decodes greedy, constrained or not, exactly as the caller would', async () => {
    const { z, rows } = await points();
    for (const constrained of [false, true]) {
      const got = await pool.greedy(z, rows, { constrained });
      expect(got).toEqual(await greedyDecode(m.runtime, z, rows, { constrained }));
    }
  });

  it('samples each row from its own generator, whichever thread decodes it', async () => {
    const { z, rows } = await points();
    const o = { temperature: 1.3, seed: 11, constrained: true };
    const got = await pool.sample(z, rows, o);
    expect(got).toEqual(await sampleDecode(m.runtime, z, rows, o));
    // not the same draws under another seed (the seeds reach the threads)
    expect(await pool.sample(z, rows, { ...o, seed: 12 })).not.toEqual(got);
  });

  it('encodes exactly as the caller would, in the order given, however few rows', async () => {
    const { encoded } = m.runtime.vocabulary.encodeAll(TEST_SMILES);
    // every molecule three times, in an order that is not by length, so that rows of every length reach each thread
    const seqs = [...encoded, ...encoded.slice().reverse(), ...encoded].map((e) => e.ids);
    const own = await m.runtime.encodeIds(seqs, 256);
    for (const batchSize of [256, 4]) {
      const got = await pool.encode(seqs, batchSize);
      expect(got.mu).toEqual(own.mu);
      expect(got.logvar).toEqual(own.logvar);
    }
    // fewer rows than threads: a thread with none; and none at all
    const two = await pool.encode(seqs.slice(0, 2));
    expect(two.mu).toEqual(own.mu.subarray(0, 2 * m.config.latent));
    expect((await pool.encode([])).mu.length).toBe(0);
  });

  it('a closed pool is not usable and refuses work', async () => {
    const own = await DecodePool.open(m.runtime.model, { threads: 2 });
    expect(own.usable).toBe(true);
    await own.close();
    expect(own.usable).toBe(false);
    const { z, rows } = await points();
    await expect(own.greedy(z, rows)).rejects.toThrow(/closed/);
  });

  it('closed in the middle of a decode: the decode fails with "closed", the threads stop without taking the process down', async () => {
    const own = await DecodePool.open(m.runtime.model, { threads: 2 });
    const L = m.config.latent, rows = 512;
    const rng = new Rng(9);
    const z = Float32Array.from({ length: rows * L }, () => 2 * rng.normal());
    const decoding = own.sample(z, rows, { temperature: 2 });
    const failed = expect(decoding).rejects.toThrow(/decode pool closed/);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await own.close();
    await failed;
    expect(own.usable).toBe(false);
    // this process (the test's) is still here and its own session still decodes
    expect(await greedyDecode(m.runtime, z.subarray(0, L), 1)).toHaveLength(1);
  });
});

