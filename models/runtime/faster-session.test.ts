// FasterSession on real ONNX Runtime sessions: a slow graph and a fast one with the same inputs and outputs, so
// that which is faster is known. The first session here runs on one thread but is declared sixteen threads wide,
// so it always counts as crowded (under 0.7 × 16 cores of CPU, more than the process can get on the machines this
// runs on; declared two wide, a busy CI run once measured the whole process above 1.4 cores and the premise
// failed), or zero threads wide, so it never does. And the
// runtime's adaptive encoder gives the same means as the threads-wide one, run after run, whichever session each
// run took.
import { afterAll, describe, expect, it } from 'vitest';
import { Graph } from '../graph/builder.ts';
import { Rng } from '../graph/rng.ts';
import { toOnnx } from '../graph/writer.ts';
import { initialValues } from '../train/params.ts';
import { exportInferenceGraphs } from '../vae/export.ts';
import { vaeParams } from '../vae/model.ts';
import type { VaeConfig } from '../vae/model.ts';
import { Vocabulary } from '../vae/tokenizer.ts';
import { EXPLORE_EVERY, FasterSession } from './faster-session.ts';
import { createSession, ort } from './session.ts';
import { VaeRuntime } from './vae-runtime.ts';

const N = 384;
/** x [N, N] → y: `products` matrix products in a row (a few ms each), or one Add. */
function graph(products: number): Uint8Array {
  const g = new Graph();
  let y = g.input('x', 'float32', [N, N]);
  if (products === 0) y = g.add(y, y);
  for (let i = 0; i < products; i++) y = g.tanh(g.matmul(y, g.constant(Float32Array.from(new Rng(i).normals(N * N), (v) => v / N), 'float32', [N, N])));
  g.output('y', y);
  return toOnnx(g, { name: products ? 'slow' : 'fast' });
}

describe('FasterSession', () => {
  const made: FasterSession[] = [];
  afterAll(async () => {
    for (const f of made) await f.release();
  });
  const feeds = () => ({ x: new ort.Tensor('float32', new Float32Array(N * N).fill(0.01), [N, N]) });

  it('times each session once, then runs on the faster and tries the other every EXPLORE_EVERY-th run', async () => {
    const f = new FasterSession([await createSession(graph(12)), await createSession(graph(0))], 16, 1);
    made.push(f);
    const used: number[] = [];
    for (let i = 0; i < 2 * EXPLORE_EVERY + 2; i++) {
      await f.run(feeds(), 1);
      used.push(f.last);
    }
    const want = used.map((_, n) => (n === 0 ? 0 : n === 1 ? 1 : n % EXPLORE_EVERY === EXPLORE_EVERY - 1 ? 0 : 1));
    expect(used).toEqual(want);
  });

  it('turns to the other session once the one it uses takes longer for its work', async () => {
    const f = new FasterSession([await createSession(graph(0)), await createSession(graph(12))], 16, 0);
    made.push(f);
    for (let i = 0; i < 3; i++) await f.run(feeds(), 1);
    expect(f.last).toBe(0); // the fast one, after timing both
    await f.run(feeds(), 1e-5); // the same run counted as almost no work: its time per unit soars
    expect(f.last).toBe(0);
    await f.run(feeds(), 1);
    expect(f.last).toBe(1);
  });

  it('never times the one-thread session while the threads-wide one gets its threads\' worth of CPU', async () => {
    const f = new FasterSession([await createSession(graph(12)), await createSession(graph(0))], 0, 1);
    made.push(f);
    for (let i = 0; i < 2 * EXPLORE_EVERY; i++) {
      await f.run(feeds(), 1);
      expect(f.last).toBe(0);
    }
  });

  it('sends runs smaller than its threshold to the first session untimed', async () => {
    const f = new FasterSession([await createSession(graph(0)), await createSession(graph(12))], 2, 100);
    made.push(f);
    const out = await f.run(feeds(), 99);
    expect(f.last).toBe(-1);
    expect((out.y.data as Float32Array)[0]).toBeCloseTo(0.02, 6);
  });
});

describe('the adaptive encoder', () => {
  it('gives the threads-wide encoder\'s means to the bit, on whichever session each run takes', async () => {
    const tokens = ['<pad>', '<bos>', '<eos>', '<unk>', 'C', 'c', 'N', 'O', '(', ')', '1', '=', 'n'];
    const c: VaeConfig = { vocab: tokens.length, embedding: 16, encoderHidden: 48, latent: 12, decoderHidden: 64, propertyHidden: 8, properties: [], freeBits: 0 };
    const model = { vocabulary: Vocabulary.fromJSON({ tokens }), latent: c.latent, decoderHidden: c.decoderHidden, properties: [], maxLength: 60, graphs: exportInferenceGraphs(c, initialValues(vaeParams(c).specs, new Rng(5))) };
    const rng = new Rng(9);
    // 128 sequences of 20–59 tokens: both batches of 64 are over the adaptive threshold
    const seqs = Array.from({ length: 128 }, () => {
      const n = 20 + Math.floor(rng.uniform() * 40);
      return Int32Array.from({ length: n }, (_, i) => (i === 0 ? 1 : i === n - 1 ? 2 : 4 + Math.floor(rng.uniform() * (tokens.length - 4))));
    });
    const wide = await VaeRuntime.create(model, { threads: 2, adaptiveEncoder: false });
    const adaptive = await VaeRuntime.create(model, { threads: 2 });
    const one = await VaeRuntime.create(model, { threads: 1 });
    const want = await wide.encodeIds(seqs, 64);
    const same = (x: { mu: Float32Array; logvar: Float32Array }) => x.mu.every((v, i) => Object.is(v, want.mu[i])) && x.logvar.every((v, i) => Object.is(v, want.logvar[i]));
    expect(same(await one.encodeIds(seqs, 64))).toBe(true); // the one-thread session's numbers are the wide one's
    await one.release();
    for (let run = 0; run < 5; run++) {
      expect(same(await adaptive.encodeIds(seqs, 64))).toBe(true);
    }
    await wide.release();
    await adaptive.release();
  });
});
