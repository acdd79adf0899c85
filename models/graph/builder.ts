// The builder: model code calls these methods (g.matmul, g.tanh, g.sum...) and gets Values with inferred shapes.
// Numbers given where a tensor is expected become scalar constants of the other operand's dtype, so model code
// can write g.mul(x, 0.5). Small constants are shared, so repeated scalars do not bloat the model file.
import { GraphCore, Value } from './ir.ts';
import type { Attrs, DType, Shape, TensorData } from './ir.ts';

export type Operand = Value | number;

const ONNX_TO: Record<DType, number> = { float32: 1, int64: 7, bool: 9, float64: 11 };

export function typedArray(dtype: DType, values: ArrayLike<number> | readonly number[]): TensorData {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values);
    case 'float64':
      return Float64Array.from(values);
    case 'int64':
      return BigInt64Array.from(Array.from(values), (v) => BigInt(v));
    case 'bool':
      return Uint8Array.from(values, (v) => (v ? 1 : 0));
  }
}

export class Graph extends GraphCore {
  private readonly constCache = new Map<string, Value>();

  /** A constant from plain numbers; small ones are cached by content. */
  const(values: readonly number[] | ArrayLike<number>, dtype: DType, shape?: Shape): Value {
    const arr = Array.from(values as ArrayLike<number>);
    const s = shape ?? [arr.length];
    if (arr.length > 64) return this.constant(typedArray(dtype, arr), dtype, s);
    const key = `${dtype}|${s.join(',')}|${arr.join(',')}`;
    let v = this.constCache.get(key);
    if (!v) {
      v = this.constant(typedArray(dtype, arr), dtype, s);
      this.constCache.set(key, v);
    }
    return v;
  }

  scalar(x: number, dtype: DType): Value {
    return this.const([x], dtype, []);
  }

  ints(values: readonly number[]): Value {
    return this.const(values, 'int64', [values.length]);
  }

  private lift(a: Operand, like: Operand): Value {
    if (a instanceof Value) return a;
    if (!(like instanceof Value)) throw new Error('graph: at least one operand must be a tensor');
    return this.scalar(a, like.dtype);
  }

  op(op: string, inputs: readonly (Value | null)[], attrs: Attrs = {}): Value {
    return this.node(op, inputs, attrs, 1)[0];
  }

  // elementwise
  add(a: Operand, b: Operand): Value { return this.op('Add', [this.lift(a, b), this.lift(b, a)]); }
  sub(a: Operand, b: Operand): Value { return this.op('Sub', [this.lift(a, b), this.lift(b, a)]); }
  mul(a: Operand, b: Operand): Value { return this.op('Mul', [this.lift(a, b), this.lift(b, a)]); }
  div(a: Operand, b: Operand): Value { return this.op('Div', [this.lift(a, b), this.lift(b, a)]); }
  pow(a: Operand, b: Operand): Value { return this.op('Pow', [this.lift(a, b), this.lift(b, a)]); }
  max(...xs: Value[]): Value { return this.op('Max', xs); }
  min(...xs: Value[]): Value { return this.op('Min', xs); }
  /** Elementwise sum of any number of same-shaped (or broadcastable) tensors. */
  sum(...xs: Value[]): Value { return xs.length === 1 ? xs[0] : this.op('Sum', xs); }
  neg(x: Value): Value { return this.op('Neg', [x]); }
  exp(x: Value): Value { return this.op('Exp', [x]); }
  log(x: Value): Value { return this.op('Log', [x]); }
  sqrt(x: Value): Value { return this.op('Sqrt', [x]); }
  tanh(x: Value): Value { return this.op('Tanh', [x]); }
  sigmoid(x: Value): Value { return this.op('Sigmoid', [x]); }
  relu(x: Value): Value { return this.op('Relu', [x]); }
  softplus(x: Value): Value { return this.op('Softplus', [x]); }
  reciprocal(x: Value): Value { return this.op('Reciprocal', [x]); }
  softmax(x: Value, axis = -1): Value { return this.op('Softmax', [x], { axis: { i: axis } }); }
  logSoftmax(x: Value, axis = -1): Value { return this.op('LogSoftmax', [x], { axis: { i: axis } }); }
  clip(x: Value, lo?: number, hi?: number): Value {
    return this.op('Clip', [x, lo === undefined ? null : this.scalar(lo, x.dtype), hi === undefined ? null : this.scalar(hi, x.dtype)]);
  }
  where(cond: Value, a: Operand, b: Operand): Value { return this.op('Where', [cond, this.lift(a, b), this.lift(b, a)]); }
  equal(a: Operand, b: Operand): Value { return this.op('Equal', [this.lift(a, b), this.lift(b, a)]); }
  greater(a: Operand, b: Operand): Value { return this.op('Greater', [this.lift(a, b), this.lift(b, a)]); }
  greaterOrEqual(a: Operand, b: Operand): Value { return this.op('GreaterOrEqual', [this.lift(a, b), this.lift(b, a)]); }
  less(a: Operand, b: Operand): Value { return this.op('Less', [this.lift(a, b), this.lift(b, a)]); }
  lessOrEqual(a: Operand, b: Operand): Value { return this.op('LessOrEqual', [this.lift(a, b), this.lift(b, a)]); }
  and(a: Value, b: Value): Value { return this.op('And', [a, b]); }
  cast(x: Value, to: DType): Value { return x.dtype === to ? x : this.op('Cast', [x], { to: { i: ONNX_TO[to] } }); }

  // linear algebra
  matmul(a: Value, b: Value): Value { return this.op('MatMul', [a, b]); }
  gemm(a: Value, b: Value, c: Value | null = null, o: { transA?: boolean; transB?: boolean; alpha?: number; beta?: number } = {}): Value {
    const attrs: Attrs = {};
    if (o.transA) attrs.transA = { i: 1 };
    if (o.transB) attrs.transB = { i: 1 };
    if (o.alpha !== undefined) attrs.alpha = { f: o.alpha };
    if (o.beta !== undefined) attrs.beta = { f: o.beta };
    return this.op('Gemm', c ? [a, b, c] : [a, b], attrs);
  }

  // reductions (axes undefined: all)
  reduceSum(x: Value, axes?: readonly number[], keepdims = false): Value {
    return this.op('ReduceSum', [x, axes ? this.ints(axes) : null], { keepdims: { i: keepdims ? 1 : 0 } });
  }
  reduceMean(x: Value, axes?: readonly number[], keepdims = false): Value {
    const attrs: Attrs = { keepdims: { i: keepdims ? 1 : 0 } };
    if (axes) attrs.axes = { ints: axes };
    return this.op('ReduceMean', [x], attrs);
  }
  reduceMax(x: Value, axes?: readonly number[], keepdims = false): Value {
    const attrs: Attrs = { keepdims: { i: keepdims ? 1 : 0 } };
    if (axes) attrs.axes = { ints: axes };
    return this.op('ReduceMax', [x], attrs);
  }

  // shapes
  reshape(x: Value, shape: readonly number[]): Value { return this.op('Reshape', [x, this.ints(shape)]); }
  transpose(x: Value, perm: readonly number[]): Value { return this.op('Transpose', [x], { perm: { ints: perm } }); }
  concat(xs: readonly Value[], axis: number): Value { return xs.length === 1 ? xs[0] : this.op('Concat', xs, { axis: { i: axis } }); }
  split(x: Value, sizes: readonly number[], axis: number): Value[] {
    return this.node('Split', [x, this.ints(sizes)], { axis: { i: axis } }, sizes.length);
  }
  slice(x: Value, starts: readonly number[], ends: readonly number[], axes: readonly number[], steps?: readonly number[]): Value {
    return this.op('Slice', [x, this.ints(starts), this.ints(ends), this.ints(axes), steps ? this.ints(steps) : null]);
  }
  gather(x: Value, indices: Value, axis = 0): Value { return this.op('Gather', [x, indices], { axis: { i: axis } }); }
  expand(x: Value, shape: readonly number[]): Value { return this.op('Expand', [x, this.ints(shape)]); }
  unsqueeze(x: Value, axes: readonly number[]): Value { return this.op('Unsqueeze', [x, this.ints(axes)]); }
  squeeze(x: Value, axes: readonly number[]): Value { return this.op('Squeeze', [x, this.ints(axes)]); }
  /** A tensor of one value in the given shape, without storing it: Expand of a scalar. */
  fill(value: number, dtype: DType, shape: readonly number[]): Value { return this.expand(this.scalar(value, dtype), shape); }
  layerNorm(x: Value, scale: Value, bias: Value | null, axis = -1, epsilon = 1e-5): Value {
    return this.op('LayerNormalization', [x, scale, bias], { axis: { i: axis }, epsilon: { f: epsilon } });
  }
}
