// THE table of vector-Jacobian products: for each primitive, how the gradient of the loss with respect to its
// outputs (gys) becomes gradients with respect to its inputs, written with the builder in standard ONNX ops.
// A rule may return a gradient in the broadcast (output) shape: autodiff.ts reduces it to the input's shape.
// `needs[i]` says whether input i wants a gradient, so rules skip work (and ops such as Log(base) whose value
// could be undefined) that nobody asked for. Every entry here is checked by finite differences in
// gradients.test.ts, which fails when an entry has no check.
import type { Graph } from './builder.ts';
import { gruVjp } from './gru.ts';
import { gruStepsVjp } from './gru-steps.ts';
import { intAttr, floatAttr, normAxis, reduceAxes, sliceParams } from './infer.ts';
import type { Node, Value } from './ir.ts';

export type VjpRule = (g: Graph, node: Node, gys: readonly (Value | null)[], needs: readonly boolean[]) => (Value | null)[];

const x0 = (n: Node): Value => n.inputs[0]!;
const y0 = (n: Node): Value => n.outputs[0];
const gy0 = (gys: readonly (Value | null)[]): Value => gys[0]!;

/** Swaps the last two axes. */
const swapLast = (g: Graph, v: Value): Value => {
  const perm = v.shape.map((_, i) => i);
  [perm[v.rank - 2], perm[v.rank - 1]] = [perm[v.rank - 1], perm[v.rank - 2]];
  return g.transpose(v, perm);
};

/** Gradient of a reduction over `axes` (all when undefined): gy brought back to x's shape. */
function unreduce(g: Graph, gy: Value, x: Value, axes: number[] | undefined): Value {
  const set = new Set((axes && axes.length ? axes : x.shape.map((_, i) => i)).map((a) => normAxis(a, x.rank)));
  const keepShape = x.shape.map((d, i) => (set.has(i) ? 1 : d));
  return g.expand(g.reshape(gy, keepShape), x.shape);
}

const reducedCount = (x: Value, axes: number[] | undefined): number =>
  axes && axes.length ? axes.reduce((p, a) => p * x.shape[normAxis(a, x.rank)], 1) : x.size;

function gemmRule(g: Graph, n: Node, gys: readonly (Value | null)[], needs: readonly boolean[]): (Value | null)[] {
  const [a, b] = n.inputs as Value[];
  const gy = gy0(gys);
  const ta = intAttr(n.attrs, 'transA', 0) === 1, tb = intAttr(n.attrs, 'transB', 0) === 1;
  const alpha = floatAttr(n.attrs, 'alpha', 1), beta = floatAttr(n.attrs, 'beta', 1);
  const o = (transA: boolean, transB: boolean) => ({ transA, transB, alpha });
  let ga: Value | null = null, gb: Value | null = null;
  if (needs[0]) ga = !ta ? g.gemm(gy, b, null, o(false, !tb)) : g.gemm(b, gy, null, o(tb, true));
  if (needs[1]) gb = !tb ? g.gemm(a, gy, null, o(!ta, false)) : g.gemm(gy, a, null, o(true, ta));
  const gc = needs[2] ? (beta === 1 ? gy : g.mul(gy, beta)) : null;
  return [ga, gb, gc];
}

function gatherRule(g: Graph, n: Node, gys: readonly (Value | null)[]): (Value | null)[] {
  const [x, idx] = n.inputs as Value[];
  const gy = gy0(gys);
  const axis = normAxis(intAttr(n.attrs, 'axis', 0), x.rank);
  const ir = idx.rank;
  // Move the gathered axis to the front, scatter-add gy's rows into zeros, move it back.
  const perm = [...Array(ir).keys()].map((i) => axis + i);
  for (let i = 0; i < axis; i++) perm.push(i);
  for (let i = axis + ir; i < gy.rank; i++) perm.push(i);
  const gyFront = axis === 0 ? gy : g.transpose(gy, perm);
  const frontShape = [x.shape[axis], ...x.shape.filter((_, i) => i !== axis)];
  const zeros = g.fill(0, x.dtype, frontShape);
  const scattered = g.op('ScatterND', [zeros, g.unsqueeze(idx, [-1]), gyFront], { reduction: { s: 'add' } });
  if (axis === 0) return [scattered, null];
  const back = [...Array(x.rank).keys()].map((i) => (i < axis ? i + 1 : i === axis ? 0 : i));
  return [g.transpose(scattered, back), null];
}

function layerNormRule(g: Graph, n: Node, gys: readonly (Value | null)[], needs: readonly boolean[]): (Value | null)[] {
  if (gys[1] || gys[2]) throw new Error('autodiff: LayerNormalization Mean/InvStdDev outputs are not differentiable here');
  const [x, scale] = n.inputs as Value[];
  const gy = gy0(gys);
  const axis = normAxis(intAttr(n.attrs, 'axis', -1), x.rank);
  const eps = floatAttr(n.attrs, 'epsilon', 1e-5);
  const axes = [...Array(x.rank - axis).keys()].map((i) => axis + i);
  const xc = g.sub(x, g.reduceMean(x, axes, true));
  const inv = g.reciprocal(g.sqrt(g.add(g.reduceMean(g.mul(xc, xc), axes, true), eps)));
  const xhat = g.mul(xc, inv);
  const gxhat = g.mul(gy, scale);
  const gx = needs[0]
    ? g.mul(inv, g.sub(g.sub(gxhat, g.reduceMean(gxhat, axes, true)), g.mul(xhat, g.reduceMean(g.mul(gxhat, xhat), axes, true))))
    : null;
  return [gx, needs[1] ? g.mul(gy, xhat) : null, needs[2] ? gy : null];
}

export const gradientRules: Record<string, VjpRule> = {
  Identity: (_g, _n, gys) => [gy0(gys)],
  Neg: (g, _n, gys) => [g.neg(gy0(gys))],
  Exp: (g, n, gys) => [g.mul(gy0(gys), y0(n))],
  Log: (g, n, gys) => [g.div(gy0(gys), x0(n))],
  Sqrt: (g, n, gys) => [g.div(gy0(gys), g.mul(y0(n), 2))],
  Reciprocal: (g, n, gys) => [g.neg(g.mul(gy0(gys), g.mul(y0(n), y0(n))))],
  Tanh: (g, n, gys) => [g.mul(gy0(gys), g.sub(1, g.mul(y0(n), y0(n))))],
  Sigmoid: (g, n, gys) => [g.mul(gy0(gys), g.mul(y0(n), g.sub(1, y0(n))))],
  Relu: (g, n, gys) => [g.where(g.greater(x0(n), 0), gy0(gys), 0)],
  Softplus: (g, n, gys) => [g.mul(gy0(gys), g.sigmoid(x0(n)))],
  Softmax: (g, n, gys) => {
    const y = y0(n), gy = gy0(gys), axis = intAttr(n.attrs, 'axis', -1);
    return [g.mul(y, g.sub(gy, g.reduceSum(g.mul(gy, y), [axis], true)))];
  },
  LogSoftmax: (g, n, gys) => {
    const gy = gy0(gys), axis = intAttr(n.attrs, 'axis', -1);
    return [g.sub(gy, g.mul(g.exp(y0(n)), g.reduceSum(gy, [axis], true)))];
  },
  Add: (_g, _n, gys) => [gy0(gys), gy0(gys)],
  Sub: (g, _n, gys, needs) => [gy0(gys), needs[1] ? g.neg(gy0(gys)) : null],
  Mul: (g, n, gys, needs) => [needs[0] ? g.mul(gy0(gys), n.inputs[1]!) : null, needs[1] ? g.mul(gy0(gys), x0(n)) : null],
  Div: (g, n, gys, needs) => {
    const gy = gy0(gys), b = n.inputs[1]!;
    return [needs[0] ? g.div(gy, b) : null, needs[1] ? g.neg(g.div(g.mul(gy, y0(n)), b)) : null];
  },
  Pow: (g, n, gys, needs) => {
    const [a, b] = n.inputs as Value[];
    const gy = gy0(gys);
    return [
      needs[0] ? g.mul(gy, g.mul(b, g.pow(a, g.sub(b, 1)))) : null,
      needs[1] ? g.mul(gy, g.mul(y0(n), g.log(a))) : null,
    ];
  },
  Sum: (_g, n, gys) => n.inputs.map(() => gy0(gys)),
  MatMul: (g, n, gys, needs) => {
    const [a, b] = n.inputs as Value[];
    const gy = gy0(gys);
    return [needs[0] ? g.matmul(gy, swapLast(g, b)) : null, needs[1] ? g.matmul(swapLast(g, a), gy) : null];
  },
  Gemm: gemmRule,
  ReduceSum: (g, n, gys) => [unreduce(g, gy0(gys), x0(n), reduceAxes('ReduceSum', n.inputs, n.attrs)), null],
  ReduceMean: (g, n, gys) => {
    const axes = reduceAxes('ReduceMean', n.inputs, n.attrs);
    return [g.div(unreduce(g, gy0(gys), x0(n), axes), reducedCount(x0(n), axes))];
  },
  ReduceMax: (g, n, gys) => {
    const x = x0(n), axes = reduceAxes('ReduceMax', n.inputs, n.attrs);
    // Ties share the gradient equally.
    const mask = g.cast(g.equal(x, unreduce(g, y0(n), x, axes)), x.dtype);
    const count = g.reduceSum(mask, axes, true);
    return [g.div(g.mul(mask, unreduce(g, gy0(gys), x, axes)), count)];
  },
  Reshape: (g, n, gys) => [g.reshape(gy0(gys), x0(n).shape), null],
  Unsqueeze: (g, n, gys) => [g.reshape(gy0(gys), x0(n).shape), null],
  Squeeze: (g, n, gys) => [g.reshape(gy0(gys), x0(n).shape), null],
  Transpose: (g, n, gys) => {
    const perm = n.attrs.perm && 'ints' in n.attrs.perm ? n.attrs.perm.ints : x0(n).shape.map((_, i) => x0(n).rank - 1 - i);
    const inv = perm.map((_, i) => perm.indexOf(i));
    return [g.transpose(gy0(gys), inv)];
  },
  Concat: (g, n, gys) => {
    const axis = intAttr(n.attrs, 'axis');
    return g.split(gy0(gys), n.inputs.map((v) => v!.shape[normAxis(axis, v!.rank)]), axis);
  },
  Split: (g, n, gys) => {
    const parts = n.outputs.map((o, i) => gys[i] ?? g.fill(0, o.dtype, o.shape));
    return [g.concat(parts, intAttr(n.attrs, 'axis', 0)), null];
  },
  Slice: (g, n, gys) => {
    const x = x0(n);
    const { starts, steps } = sliceParams(n.inputs);
    if (steps.some((s) => s !== 1)) throw new Error('autodiff: Slice gradients need step 1');
    const y = y0(n);
    const pads = [...starts, ...x.shape.map((d, i) => d - starts[i] - y.shape[i])];
    return [g.op('Pad', [gy0(gys), g.ints(pads)]), null, null, null, null];
  },
  Gather: gatherRule,
  Where: (g, n, gys, needs) => {
    const c = x0(n), gy = gy0(gys);
    return [null, needs[1] ? g.where(c, gy, 0) : null, needs[2] ? g.where(c, 0, gy) : null];
  },
  Cast: (g, n, gys) => [g.cast(gy0(gys), x0(n).dtype)],
  Expand: (_g, _n, gys) => [gy0(gys), null],
  Clip: (g, n, gys, needs) => {
    if (needs[1] || needs[2]) throw new Error('autodiff: Clip bounds must not depend on parameters');
    const [x, lo, hi] = n.inputs;
    let inside: Value | null = null;
    if (lo) inside = g.greaterOrEqual(x!, lo);
    if (hi) inside = inside ? g.and(inside, g.lessOrEqual(x!, hi)) : g.lessOrEqual(x!, hi);
    return [inside ? g.where(inside, gy0(gys), 0) : gy0(gys), null, null];
  },
  LayerNormalization: layerNormRule,
  GRU: gruVjp,
  GRUSteps: gruStepsVjp,
};
