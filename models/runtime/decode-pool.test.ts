// The decode pool (decode-pool.ts) on a tiny model trained in the test, in real worker threads with their own
// ONNX Runtime sessions: its rows are exactly what the caller's own session decodes, greedy (constrained or
// not) and sampled (row r draws from row r's generator whichever thread has it), split unevenly over threads;
// a closed pool says so and refuses work.
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

  it('a closed pool is not usable and refuses work', async () => {
    const own = await DecodePool.open(m.runtime.model, { threads: 2 });
    expect(own.usable).toBe(true);
    await own.close();
    expect(own.usable).toBe(false);
    const { z, rows } = await points();
    await expect(own.greedy(z, rows)).rejects.toThrow(/closed/);
  });
});
