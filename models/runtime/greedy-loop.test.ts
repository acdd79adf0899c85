// The greedy Loop (greedy-loop.ts) on a tiny model trained in the test, on ONNX Runtime: its proposal is, bit
// for bit, what stepping the decoder from JS gives; a one-row decode that uses it returns exactly what the
// stepped decode returns, also where a syntax mask refuses the Loop's argmax and the decode steps on alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../graph/rng.ts';
import { BOS_ID, EOS_ID } from '../vae/tokenizer.ts';
import { DecodeStopped, greedyDecode, validFirstDecode } from './decode.ts';
import { greedyLoopGraph } from './greedy-loop.ts';
import { TEST_SMILES, tinyTrainedModel } from './test-model.ts';
import { VaeRuntime } from './vae-runtime.ts';

let m: Awaited<ReturnType<typeof tinyTrainedModel>>;
let stepped: VaeRuntime;
beforeAll(async () => {
  m = await tinyTrainedModel();
  stepped = await VaeRuntime.create({ ...m.runtime.model }, { greedyLoop: false });
}, 30_000);
afterAll(async () => {
  await m.runtime.release();
  await stepped.release();
});

const bytes = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
/** Latent points: the training molecules' means, and draws far from them (3 × N(0, I)). */
async function points(): Promise<Float32Array[]> {
  const L = m.config.latent;
  const enc = await m.runtime.encode(TEST_SMILES);
  const rng = new Rng(3);
  const far = Array.from({ length: 24 }, () => Float32Array.from({ length: L }, () => 3 * rng.normal()));
  return [...Array.from({ length: enc.rows.length }, (_, i) => enc.mu.slice(i * L, (i + 1) * L)), ...far];
}

/** Counts the runtime's JS-stepped decoder steps (rt.step calls) until restore(). */
function countSteps(runtime: VaeRuntime) {
  const step = runtime.step.bind(runtime);
  const counter = {
    calls: 0,
    restore: () => {
      runtime.step = step;
    },
  };
  runtime.step = (...a) => {
    counter.calls++;
    return step(...a);
  };
  return counter;
}

describe('greedy Loop', () => {
  it('proposes, bit for bit, the steps a greedy decode stepped from JS takes, to <eos> or the step limit', async () => {
    const H = m.config.decoderHidden, V = m.vocabulary.size;
    let stoppedByLimit = 0;
    for (const z of await points()) {
      for (const limit of [40, 7]) {
        const init = await m.runtime.initialState(z, 1);
        const p = (await m.runtime.greedyProposal(init.zproj, init.h, limit))!;
        expect(p).not.toBeNull();
        let h = init.h, token = BigInt(BOS_ID), t = 0;
        for (; t < limit; t++) {
          expect(p.fed[t]).toBe(token);
          const s = await stepped.step(init.zproj, BigInt64Array.of(token), h, 1);
          expect(bytes(p.logits.subarray(t * V, (t + 1) * V))).toEqual(bytes(s.logits));
          expect(bytes(p.h.subarray(t * H, (t + 1) * H))).toEqual(bytes(s.h));
          let best = 0;
          for (let i = 1; i < V; i++) if (s.logits[i] > s.logits[best]) best = i;
          h = s.h;
          token = BigInt(best);
          if (best === EOS_ID) break;
        }
        expect(p.fed.length).toBe(Math.min(t + 1, limit)); // nothing after <eos>, nothing past the limit
        if (t === limit) stoppedByLimit++;
      }
    }
    expect(stoppedByLimit).toBeGreaterThan(0);
  });

  it('makes a one-row greedy decode exactly the stepped one, constrained or not, in fewer ORT step calls', async () => {
    const runtime = m.runtime;
    const steps = countSteps(runtime);
    try {
      const pts = await points();
      for (const constrained of [false, true]) {
        steps.calls = 0;
        for (const z of pts) {
          const [got] = await greedyDecode(runtime, z, 1, { constrained });
          const [want] = await greedyDecode(stepped, z, 1, { constrained });
          expect(got).toEqual(want);
        }
        // unconstrained, every step is the Loop's; constrained, the mask refuses its argmax far from the data,
        // and the decode goes on stepping from there
        if (constrained) expect(steps.calls).toBeGreaterThan(0);
        else expect(steps.calls).toBe(0);
      }
    } finally {
      steps.restore();
    }
  });

  it('serves decodes that may be stopped (the walk speculation): a stop asked before the Loop or at any step after it is heeded', async () => {
    const runtime = m.runtime;
    const steps = countSteps(runtime);
    try {
      const [z] = await points();
      const [want] = await greedyDecode(stepped, z, 1);
      expect(want.ids.length).toBeGreaterThan(3);
      // never stopped: the Loop's steps, no step from JS, the same decode
      expect((await greedyDecode(runtime, z, 1, { shouldStop: () => false }))[0]).toEqual(want);
      expect(steps.calls).toBe(0);
      // asked before the Loop, or at the third step after it
      await expect(greedyDecode(runtime, z, 1, { shouldStop: () => true })).rejects.toBeInstanceOf(DecodeStopped);
      let asked = 0;
      await expect(greedyDecode(runtime, z, 1, { shouldStop: () => ++asked > 3 })).rejects.toBeInstanceOf(DecodeStopped);
      expect(asked).toBe(4);
      // valid-first, greedy alone first: the Loop again, and the same answer as the stepped runtime
      const isValid = (s: string) => s.length > 0;
      const [fromLoop] = await validFirstDecode(runtime, z, 1, isValid, { greedyFirst: true, lookahead: 3, shouldStop: () => false });
      expect(steps.calls).toBe(0);
      expect(fromLoop).toEqual((await validFirstDecode(stepped, z, 1, isValid, { lookahead: 3 }))[0]);
    } finally {
      steps.restore();
    }
  });

  it('is not built for a graph that is not a decoder step', () => {
    expect(greedyLoopGraph(m.graphs.initialState, { hidden: m.config.decoderHidden, vocab: m.vocabulary.size, bos: BOS_ID, eos: EOS_ID })).toBeNull();
  });
});
