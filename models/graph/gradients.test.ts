// Every rule of gradients.ts against central finite differences in float64, on random shapes (seeded; set
// GRADCHECK_SEED to explore others) including broadcasting, with the real graphs in ONNX Runtime. The last test
// fails when a rule in the table was not exercised by any case here.
import { afterAll, describe, expect, it } from 'vitest';
import { gradientRules } from './gradients.ts';
import { gradCheck } from './gradcheck.ts';
import type { CheckInput } from './gradcheck.ts';
import type { Graph } from './builder.ts';
import type { Value } from './ir.ts';
import { Rng } from './rng.ts';
import { gru } from './gru.ts';
import { gruTrain, gruUnrolled } from './gru-steps.ts';

const seed = Number(process.env.GRADCHECK_SEED ?? 7);
const rng = new Rng(seed);
const dim = (lo = 1, hi = 4) => lo + rng.int(hi - lo + 1);
const positive = (lo = 0.5) => (r: Rng, n: number) => Float64Array.from({ length: n }, () => lo + r.uniform() * 2);
const inp = (name: string, shape: number[], init?: CheckInput['init']): CheckInput => ({ name, shape, init });

interface Case {
  name: string;
  inputs: CheckInput[];
  build: (g: Graph, xs: Value[]) => Value;
}

const cases: Case[] = [];
const add = (name: string, inputs: CheckInput[], build: Case['build']) => cases.push({ name, inputs, build });

// Unary elementwise ops on a random rank-1..3 shape.
const shape = () => Array.from({ length: dim(1, 3) }, () => dim(1, 4));
add('Identity', [inp('x', shape())], (g, [x]) => g.op('Identity', [x]));
add('Neg', [inp('x', shape())], (g, [x]) => g.neg(x));
add('Exp', [inp('x', shape())], (g, [x]) => g.exp(x));
add('Log', [inp('x', shape(), positive())], (g, [x]) => g.log(x));
add('Sqrt', [inp('x', shape(), positive())], (g, [x]) => g.sqrt(x));
add('Reciprocal', [inp('x', shape(), positive())], (g, [x]) => g.reciprocal(x));
add('Tanh', [inp('x', shape())], (g, [x]) => g.tanh(x));
add('Sigmoid', [inp('x', shape())], (g, [x]) => g.sigmoid(x));
add('Relu', [inp('x', shape())], (g, [x]) => g.relu(x));
add('Softplus', [inp('x', shape())], (g, [x]) => g.softplus(x));
{
  const s = [dim(2), dim(2), dim(2)];
  add('Softmax', [inp('x', s)], (g, [x]) => g.softmax(x, 1));
  add('LogSoftmax', [inp('x', s)], (g, [x]) => g.logSoftmax(x, -1));
}
// Broadcasting binary ops: a [A, 1, C] with b [B, C], and a scalar operand.
{
  const [a, b, c] = [dim(2), dim(2), dim(2)];
  add('Add', [inp('a', [a, 1, c]), inp('b', [b, c])], (g, [x, y]) => g.add(x, y));
  add('Sub', [inp('a', [a, 1, c]), inp('b', [b, 1])], (g, [x, y]) => g.sub(x, y));
  add('Mul', [inp('a', [a, b, c]), inp('b', [c])], (g, [x, y]) => g.mul(g.mul(x, y), x));
  add('Div', [inp('a', [a, 1, c]), inp('b', [b, c], positive())], (g, [x, y]) => g.div(x, y));
  add('Pow', [inp('a', [a, c], positive()), inp('b', [1, c])], (g, [x, y]) => g.pow(x, y));
  add('Sum', [inp('a', [a, b, c]), inp('b', [b, 1]), inp('c', [c])], (g, [x, y, z]) => g.sum(x, y, z, x));
}
{
  const [m, k, n] = [dim(2), dim(2), dim(2)];
  add('MatMul', [inp('a', [2, 1, m, k]), inp('b', [3, k, n])], (g, [x, y]) => g.matmul(x, y));
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
    add(`Gemm transA=${ta} transB=${tb}`, [inp('a', ta ? [k, m] : [m, k]), inp('b', tb ? [n, k] : [k, n]), inp('c', [n])], (g, [x, y, c]) =>
      g.gemm(x, y, c, { transA: ta, transB: tb, alpha: 0.7, beta: 1.3 }),
    );
  }
}
{
  const s = [dim(2), dim(2), dim(2)];
  add('ReduceSum', [inp('x', s)], (g, [x]) => g.reduceSum(x, [0, 2], true));
  add('ReduceSum all', [inp('x', s)], (g, [x]) => g.reduceSum(x));
  add('ReduceMean', [inp('x', s)], (g, [x]) => g.reduceMean(x, [1]));
  add('ReduceMax', [inp('x', s)], (g, [x]) => g.reduceMax(x, [-1], true));
  add('Reshape', [inp('x', s)], (g, [x]) => g.mul(g.reshape(x, [-1, s[2]]), g.reshape(x, [s[0] * s[1], s[2]])));
  add('Transpose', [inp('x', s)], (g, [x]) => g.transpose(x, [2, 0, 1]));
  add('Concat', [inp('a', s), inp('b', [s[0], 3, s[2]])], (g, [x, y]) => g.concat([x, y, x], 1));
  add('Split (one output unused)', [inp('x', [s[0], 5])], (g, [x]) => {
    const [p, , r] = g.split(x, [2, 1, 2], 1);
    return g.mul(p, r);
  });
  add('Slice', [inp('x', [s[0], 6, s[2]])], (g, [x]) => g.slice(x, [1, -4], [6, -1], [1, 2]));
  add('Expand', [inp('x', [1, s[1], 1])], (g, [x]) => g.expand(x, [s[0], s[1], s[2]]));
  add('Unsqueeze', [inp('x', s)], (g, [x]) => g.unsqueeze(x, [0, 3]));
  add('Squeeze', [inp('x', [s[0], 1, s[2]])], (g, [x]) => g.squeeze(x, [1]));
  add('Clip', [inp('x', s)], (g, [x]) => g.clip(x, -0.5, 0.6));
  add('Cast', [inp('x', s)], (g, [x]) => g.op('Cast', [x], { to: { i: 11 } }));
  add('Where (broadcast)', [inp('a', s), inp('b', [s[2]])], (g, [x, y]) => {
    const cond = g.const(Array.from({ length: s[1] * s[2] }, () => (rng.uniform() < 0.5 ? 1 : 0)), 'bool', [s[1], s[2]]);
    return g.where(cond, x, y);
  });
}
{
  const v = dim(3, 6), e = dim(2, 4);
  const idx = [0, v - 1, 1, 0, v - 1]; // repeated rows must accumulate
  add('Gather (embedding rows, repeated)', [inp('w', [v, e])], (g, [w]) => g.gather(w, g.const(idx, 'int64', [1, 5]), 0));
  add('Gather (axis 1)', [inp('w', [2, v, e])], (g, [w]) => g.gather(w, g.const([2, 0, 2], 'int64', [3]), 1));
}
{
  const s = [dim(2), dim(2), dim(3, 5)];
  add('LayerNormalization', [inp('x', s), inp('scale', [s[2]]), inp('bias', [s[2]])], (g, [x, sc, b]) => g.layerNorm(x, sc, b));
}
for (const reverse of [false, true]) {
  const [t, b, i, h] = [dim(2, 4), dim(1, 3), dim(1, 3), dim(2, 3)];
  add(
    `GRU ${reverse ? 'reverse' : 'forward'} (Y and Y_h used)`,
    [inp('x', [t, b, i]), inp('w', [1, 3 * h, i]), inp('r', [1, 3 * h, h]), inp('b', [1, 6 * h]), inp('h0', [1, b, h])],
    (g, [x, w, r, bias, h0]) => {
      const o = gru(g, x, w, r, bias, h0, reverse);
      return g.add(g.reduceSum(g.tanh(o.y), [0]), o.last);
    },
  );
}
for (const reverse of [false, true]) {
  const [t, b, i, h] = [dim(2, 4), dim(1, 3), dim(1, 3), dim(2, 3)];
  add(
    `GRUSteps from dense x ${reverse ? 'reverse' : 'forward'}`,
    [inp('x', [t, b, i]), inp('w', [1, 3 * h, i]), inp('r', [1, 3 * h, h]), inp('b', [1, 6 * h]), inp('h0', [1, b, h])],
    (g, [x, w, r, bias, h0]) => {
      const o = gruUnrolled(g, x, w, r, bias, h0, reverse);
      return g.add(g.reduceSum(g.tanh(o.y), [0]), o.last);
    },
  );
}
{
  // Token ids into a table, and a per-sequence constant: the decoder's input side (gather, broadcast add).
  const [t, b, v, e, j, h] = [dim(2, 4), dim(1, 3), dim(2, 4), dim(1, 3), dim(1, 2), dim(2, 3)];
  const ids = Array.from({ length: t * b }, (_, k) => (k * 7 + 1) % v);
  add(
    'GRUSteps from tokens and a constant',
    [inp('table', [v, e]), inp('c', [b, j]), inp('w', [1, 3 * h, e + j]), inp('r', [1, 3 * h, h]), inp('b', [1, 6 * h]), inp('h0', [b, h])],
    (g, [table, c, w, r, bias, h0]) => {
      const o = gruTrain(g, { tokens: { table, ids: g.const(ids, 'int64', [t, b]) }, constant: c }, w, r, bias, h0);
      return g.add(g.reduceSum(g.tanh(o.y), [0]), o.last);
    },
  );
  add(
    'GRUSteps reverse, no bias, no h0, only y used',
    [inp('table', [v, e]), inp('w', [1, 3 * h, e]), inp('r', [1, 3 * h, h])],
    (g, [table, w, r]) => gruTrain(g, { tokens: { table, ids: g.const(ids, 'int64', [t, b]) } }, w, r, null, null, true).y,
  );
}
{
  const [t, b, i, h] = [3, 2, 2, 2];
  add('GRU without bias and h0, only Y used', [inp('x', [t, b, i]), inp('w', [1, 3 * h, i]), inp('r', [1, 3 * h, h])], (g, [x, w, r]) =>
    gru(g, x, w, r, null, null).y,
  );
}

describe(`gradient rules vs finite differences (seed ${seed})`, () => {
  const covered = new Set<string>();
  afterAll(() => undefined);
  for (const c of cases) {
    it(`${c.name} [${c.inputs.map((i) => i.shape.join('x')).join(', ')}]`, async () => {
      const res = await gradCheck(c.inputs, c.build, { seed: seed + cases.indexOf(c) });
      res.ops.forEach((op) => covered.add(op));
      for (const d of res.details) expect(d.rel, `analytic ${d.analytic} vs numeric ${d.numeric}`).toBeLessThan(1e-6);
    });
  }
  it('every rule in the table has a check', () => {
    const missing = Object.keys(gradientRules).filter((op) => !covered.has(op));
    expect(missing).toEqual([]);
  });
});
