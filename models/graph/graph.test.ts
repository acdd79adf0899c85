// The IR, builder, writer and autodiff driver: shapes inferred at build time with clear errors, the written
// model loads in ONNX Runtime and computes what the ops say, and the driver's bookkeeping (refusals, sums of
// shared values, pruning, broadcast reduction).
import { describe, expect, it } from 'vitest';
import { gradients, unbroadcast } from './autodiff.ts';
import { Graph } from './builder.ts';
import { onnxTypes } from './onnx-proto.ts';
import { createSession, tensor } from './ort.ts';
import { toOnnx } from './writer.ts';

describe('builder', () => {
  it('infers dtypes and shapes, including broadcasting and reshape -1', () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [4, 1, 3]);
    const y = g.input('y', 'float32', [5, 3]);
    expect(g.add(x, y).shape).toEqual([4, 5, 3]);
    expect(g.reshape(x, [-1, 3]).shape).toEqual([4, 3]);
    expect(g.matmul(g.input('a', 'float64', [2, 7, 3, 5]), g.input('b', 'float64', [5, 6])).shape).toEqual([2, 7, 3, 6]);
    expect(g.equal(x, 0).dtype).toBe('bool');
    expect(g.split(y, [2, 3], 0).map((v) => v.shape)).toEqual([[2, 3], [3, 3]]);
    expect(g.slice(y, [1], [-1], [0]).shape).toEqual([3, 3]);
    expect(g.gather(y, g.input('i', 'int64', [2, 4]), 0).shape).toEqual([2, 4, 3]);
  });

  it('fails where the model code makes a shape mistake, naming the op and shapes', () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [4, 3]);
    expect(() => g.matmul(x, x)).toThrow(/MatMul\(x: float32\[4,3\], x: float32\[4,3\]\): inner dimensions differ/);
    expect(() => g.add(x, g.input('y', 'float32', [2]))).toThrow(/do not broadcast/);
    expect(() => g.add(x, g.input('z', 'float64', [3]))).toThrow(/dtypes differ/);
    expect(() => g.reshape(x, [5, -1])).toThrow(/cannot reshape/);
    expect(() => g.op('NoSuchOp', [x])).toThrow(/not supported/);
  });
});

describe('writer', () => {
  it('writes a model ONNX Runtime loads, with int64/bool/float64 constants, and computes the right numbers', async () => {
    const g = new Graph();
    const x = g.input('x', 'float64', [2, 3]);
    const emb = g.const([1, 2, 3, 4, 5, 6], 'float64', [3, 2]);
    const idx = g.const([2, 0], 'int64', [2]);
    const mask = g.const([1, 0, 1], 'bool', [3]);
    const y = g.add(g.matmul(x, emb), g.gather(emb, idx)); // [2,2]
    const m = g.where(mask, x, -1);
    g.output('y', y);
    g.output('m', m);
    g.input('unused', 'float32', [1]);
    const bytes = toOnnx(g);
    const model = onnxTypes.model.toObject(onnxTypes.model.decode(bytes), { longs: Number }) as {
      opsetImport: { version: number }[];
      graph: { input: { name: string }[] };
    };
    expect(model.opsetImport[0].version).toBeGreaterThanOrEqual(17);
    expect(model.graph.input.map((i) => i.name)).toEqual(['x']); // unused inputs pruned
    const s = await createSession(bytes);
    const res = await s.run({ x: tensor('float64', [1, 0, 2, -1, 1, 0.5], [2, 3]) });
    // x @ emb: [1+0+10, 2+0+12] = [11, 14]; [-1+3+2.5, -2+4+3] = [4.5, 5]; plus rows emb[2]=[5,6], emb[0]=[1,2]
    expect(Array.from(res.y.data as Float64Array)).toEqual([16, 20, 5.5, 7]);
    expect(Array.from(res.m.data as Float64Array)).toEqual([1, -1, 2, -1, -1, 0.5]);
  });

  it('keeps all inputs on request and refuses a graph without outputs', () => {
    const g = new Graph();
    g.input('a', 'float32', [1]);
    expect(() => toOnnx(g)).toThrow(/no outputs/);
    const b = g.input('b', 'float32', [1]);
    g.output('o', g.neg(b));
    const model = onnxTypes.model.decode(toOnnx(g, { keepAllInputs: true })) as unknown as { graph: { input: unknown[] } };
    expect(model.graph.input).toHaveLength(2);
  });
});

describe('autodiff driver', () => {
  it('refuses an op that has no gradient rule, naming it', () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [3]);
    const loss = g.reduceSum(g.op('Abs', [x]));
    expect(() => gradients(g, loss, [x])).toThrow(/no gradient rule for op 'Abs'/);
  });

  it('sums the gradients of a shared value and reduces broadcast gradients', async () => {
    const g = new Graph();
    const x = g.input('x', 'float64', [2, 3]);
    const b = g.input('b', 'float64', [3]);
    // loss = sum(x*x + x + b) ; dL/dx = 2x + 1 (x used three times), dL/db = 2 per element (broadcast over rows)
    const loss = g.reduceSum(g.add(g.add(g.mul(x, x), x), b));
    const [gx, gb] = gradients(g, loss, [x, b]);
    expect(gb.shape).toEqual([3]);
    g.output('gx', gx);
    g.output('gb', gb);
    const s = await createSession(toOnnx(g));
    const xv = [1, 2, 3, -1, -2, 0.5];
    const res = await s.run({ x: tensor('float64', xv, [2, 3]), b: tensor('float64', [0, 0, 0], [3]) });
    expect(Array.from(res.gx.data as Float64Array)).toEqual(xv.map((v) => 2 * v + 1));
    expect(Array.from(res.gb.data as Float64Array)).toEqual([2, 2, 2]);
  });

  it('prunes what the loss does not need and gives zeros for unused parameters', () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [4]);
    const unused = g.input('u', 'float32', [2]);
    const side = g.exp(g.mul(x, 3)); // not part of the loss
    const loss = g.reduceSum(g.tanh(x));
    const before = g.nodes.length;
    const [gx, gu] = gradients(g, loss, [x, unused]);
    const added = g.nodes.slice(before).map((n) => n.op);
    expect(added).not.toContain('Exp'); // the side branch had no rule applied
    expect(gx.shape).toEqual([4]);
    expect(gu.producer?.op).toBe('Expand');
    expect(side.shape).toEqual([4]);
  });

  it('unbroadcast reduces leading and size-1 axes', () => {
    const g = new Graph();
    const v = g.input('v', 'float32', [5, 4, 3]);
    const r = unbroadcast(g, v, [4, 1]);
    expect(r.shape).toEqual([4, 1]);
    expect(() => unbroadcast(g, v, [2, 3])).toThrow(/does not broadcast/);
  });
});
