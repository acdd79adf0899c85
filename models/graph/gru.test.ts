// GRU semantics: ONNX Runtime's GRU op (float32) and our unrolled expansion (float64) must both match a plain
// JavaScript statement of PyTorch's GRU equations (linear_before_reset=1), in both directions.
import { describe, expect, it } from 'vitest';
import { Graph } from './builder.ts';
import { gru } from './gru.ts';
import { gruTrain, gruUnrolled } from './gru-steps.ts';
import { createSession, tensor } from './ort.ts';
import { Rng } from './rng.ts';
import { toOnnx } from './writer.ts';

const sig = (v: number) => 1 / (1 + Math.exp(-v));

/** y[t][b][j] for x [T,B,I], W [3H,I], R [3H,H], biases [6H], h0 [B,H]; gates z, r, n in ONNX order. */
function reference(x: Float64Array, w: Float64Array, r: Float64Array, bias: Float64Array, h0: Float64Array, T: number, B: number, I: number, H: number, reverse: boolean) {
  const y = new Float64Array(T * B * H);
  let h = Float64Array.from(h0);
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    const next = new Float64Array(B * H);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        const pre = (gate: number, withX: boolean, withH: boolean) => {
          let s = 0;
          const row = gate * H + j;
          if (withX) {
            s += bias[row];
            for (let i = 0; i < I; i++) s += x[(t * B + b) * I + i] * w[row * I + i];
          }
          if (withH) {
            s += bias[3 * H + row];
            for (let i = 0; i < H; i++) s += h[b * H + i] * r[row * H + i];
          }
          return s;
        };
        const z = sig(pre(0, true, true));
        const rr = sig(pre(1, true, true));
        const n = Math.tanh(pre(2, true, false) + rr * pre(2, false, true));
        next[b * H + j] = (1 - z) * n + z * h[b * H + j];
      }
    }
    h = next;
    y.set(h, t * B * H);
  }
  return y;
}

describe('GRU op semantics', () => {
  for (const reverse of [false, true]) {
    for (const [dtype, op] of [['float32', gru], ['float64', gru], ['float32', gruUnrolled]] as const) {
      it(`${op.name} ${dtype} ${reverse ? 'reverse' : 'forward'} matches PyTorch's equations`, async () => {
        const rng = new Rng(reverse ? 3 : 4);
        const [T, B, I, H] = [5, 3, 4, 6];
        const x = rng.normals(T * B * I), w = rng.normals(3 * H * I, 0.5), r = rng.normals(3 * H * H, 0.5);
        const bias = rng.normals(6 * H, 0.5), h0 = rng.normals(B * H);
        const g = new Graph();
        const xs = g.input('x', dtype, [T, B, I]), ws = g.input('w', dtype, [1, 3 * H, I]), rs = g.input('r', dtype, [1, 3 * H, H]);
        const bs = g.input('b', dtype, [1, 6 * H]), hs = g.input('h0', dtype, [1, B, H]);
        const o = op(g, xs, ws, rs, bs, hs, reverse);
        g.output('y', o.y);
        g.output('last', o.last);
        const s = await createSession(toOnnx(g));
        const res = await s.run({
          x: tensor(dtype, x, [T, B, I]), w: tensor(dtype, w, [1, 3 * H, I]), r: tensor(dtype, r, [1, 3 * H, H]),
          b: tensor(dtype, bias, [1, 6 * H]), h0: tensor(dtype, h0, [1, B, H]),
        });
        const want = reference(x, w, r, bias, h0, T, B, I, H, reverse);
        const got = res.y.data as Float32Array | Float64Array;
        expect(res.y.dims).toEqual([T, 1, B, H]);
        const tol = dtype === 'float32' ? 1e-5 : 1e-12;
        let worst = 0;
        for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
        expect(worst).toBeLessThan(tol);
        const lastT = reverse ? 0 : T - 1;
        const last = res.last.data as Float32Array | Float64Array;
        for (let i = 0; i < B * H; i++) expect(Math.abs(last[i] - want[lastT * B * H + i])).toBeLessThan(tol);
      });
    }
  }

  for (const reverse of [false, true]) {
    it(`gruTrain from tokens and a constant ${reverse ? 'reverse' : 'forward'} matches the GRU on the input written out`, async () => {
      const rng = new Rng(reverse ? 5 : 6);
      const [T, B, V, E, J, H] = [5, 3, 4, 3, 2, 6];
      const table = rng.normals(V * E), c = rng.normals(B * J);
      const w = rng.normals(3 * H * (E + J), 0.5), r = rng.normals(3 * H * H, 0.5), bias = rng.normals(6 * H, 0.5), h0 = rng.normals(B * H);
      const ids = Array.from({ length: T * B }, (_, k) => (k * 3 + 1) % V);
      const x = new Float64Array(T * B * (E + J)); // [table[id], c] at every step
      for (let k = 0; k < T * B; k++) {
        for (let e = 0; e < E; e++) x[k * (E + J) + e] = table[ids[k] * E + e];
        for (let j = 0; j < J; j++) x[k * (E + J) + E + j] = c[(k % B) * J + j];
      }
      const g = new Graph();
      const ts = g.input('table', 'float32', [V, E]), cs = g.input('c', 'float32', [B, J]);
      const ws = g.input('w', 'float32', [1, 3 * H, E + J]), rs = g.input('r', 'float32', [1, 3 * H, H]);
      const bs = g.input('b', 'float32', [1, 6 * H]), hs = g.input('h0', 'float32', [B, H]);
      const o = gruTrain(g, { tokens: { table: ts, ids: g.const(ids, 'int64', [T, B]) }, constant: cs }, ws, rs, bs, hs, reverse);
      g.output('y', o.y);
      g.output('last', o.last);
      const s = await createSession(toOnnx(g));
      const res = await s.run({
        table: tensor('float32', table, [V, E]), c: tensor('float32', c, [B, J]), w: tensor('float32', w, [1, 3 * H, E + J]),
        r: tensor('float32', r, [1, 3 * H, H]), b: tensor('float32', bias, [1, 6 * H]), h0: tensor('float32', h0, [B, H]),
      });
      const want = reference(x, w, r, bias, h0, T, B, E + J, H, reverse);
      expect(res.y.dims).toEqual([T, B, H]);
      const got = res.y.data as Float32Array;
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
      expect(worst).toBeLessThan(1e-5);
      const lastT = reverse ? 0 : T - 1;
      const last = res.last.data as Float32Array;
      for (let i = 0; i < B * H; i++) expect(Math.abs(last[i] - want[lastT * B * H + i])).toBeLessThan(1e-5);
    });
  }
});
