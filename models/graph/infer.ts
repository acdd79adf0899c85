// Shape and dtype inference for every op the builder can emit, following the ONNX operator spec (opset 17).
// It runs when a node is added, so a wrong shape fails where the model code makes it, with the op and shapes in
// the message. Inputs that ONNX takes as tensors (Reshape's shape, Slice's starts, ReduceSum's axes...) must be
// constants here: shapes are static in this IR.
import type { Attrs, DType, Shape, Value } from './ir.ts';

export interface OutType {
  dtype: DType;
  shape: number[];
}

type Rule = (inputs: readonly (Value | null)[], attrs: Attrs, outputCount: number) => OutType[];

const fail = (msg: string): never => {
  throw new Error(msg);
};

export function intAttr(attrs: Attrs, name: string, dflt?: number): number {
  const a = attrs[name];
  if (a === undefined) return dflt ?? fail(`attribute '${name}' is required`);
  if (!('i' in a)) return fail(`attribute '${name}' must be an int`);
  return a.i;
}

export function floatAttr(attrs: Attrs, name: string, dflt: number): number {
  const a = attrs[name];
  if (a === undefined) return dflt;
  if (!('f' in a)) return fail(`attribute '${name}' must be a float`);
  return a.f;
}

export function intsAttr(attrs: Attrs, name: string): readonly number[] | undefined {
  const a = attrs[name];
  if (a === undefined) return undefined;
  if (!('ints' in a)) return fail(`attribute '${name}' must be ints`);
  return a.ints;
}

export function stringAttr(attrs: Attrs, name: string, dflt: string): string {
  const a = attrs[name];
  if (a === undefined) return dflt;
  if (!('s' in a)) return fail(`attribute '${name}' must be a string`);
  return a.s;
}

/** The int64 values of a constant input (shape, axes, starts...). */
export function constInts(v: Value | null | undefined, what: string): number[] {
  if (!v) return fail(`${what} is missing`);
  if (!v.data || v.dtype !== 'int64') return fail(`${what} must be an int64 constant in this static-shape IR`);
  return Array.from(v.data as BigInt64Array, Number);
}

export function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) fail(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}

export function broadcastShapes(...shapes: Shape[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const k = s.length - rank + i;
      const e = k < 0 ? 1 : s[k];
      if (e === 1) continue;
      if (d !== 1 && d !== e) fail(`shapes [${shapes.map((x) => x.join(',')).join('] [')}] do not broadcast`);
      d = e;
    }
    out.push(d);
  }
  return out;
}

const need = (inputs: readonly (Value | null)[], i: number): Value => inputs[i] ?? fail(`input ${i} is required`);

function sameDtype(vs: (Value | null)[]): DType {
  const present = vs.filter((v): v is Value => v !== null);
  const d = present[0].dtype;
  for (const v of present) if (v.dtype !== d) fail(`dtypes differ (${present.map((x) => x.dtype).join(', ')})`);
  return d;
}

const floatOnly = (v: Value): Value => (v.dtype === 'float32' || v.dtype === 'float64' ? v : fail(`needs a float input, got ${v.dtype}`));

const unaryFloat: Rule = (ins) => {
  const x = floatOnly(need(ins, 0));
  return [{ dtype: x.dtype, shape: [...x.shape] }];
};
const unaryAny: Rule = (ins) => {
  const x = need(ins, 0);
  return [{ dtype: x.dtype, shape: [...x.shape] }];
};
const binary: Rule = (ins) => {
  const a = need(ins, 0), b = need(ins, 1);
  return [{ dtype: sameDtype([a, b]), shape: broadcastShapes(a.shape, b.shape) }];
};
const compare: Rule = (ins) => {
  const a = need(ins, 0), b = need(ins, 1);
  sameDtype([a, b]);
  return [{ dtype: 'bool', shape: broadcastShapes(a.shape, b.shape) }];
};
const logical: Rule = (ins) => {
  const a = need(ins, 0), b = need(ins, 1);
  if (a.dtype !== 'bool' || b.dtype !== 'bool') fail('needs bool inputs');
  return [{ dtype: 'bool', shape: broadcastShapes(a.shape, b.shape) }];
};
const variadic: Rule = (ins) => {
  const vs = ins.map((_, i) => need(ins, i));
  return [{ dtype: sameDtype(vs), shape: broadcastShapes(...vs.map((v) => v.shape)) }];
};

function reducedShape(shape: Shape, axes: number[] | undefined, keepdims: boolean): number[] {
  const all = axes === undefined || axes.length === 0;
  const set = new Set(all ? shape.map((_, i) => i) : axes.map((a) => normAxis(a, shape.length)));
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!set.has(i)) out.push(d);
    else if (keepdims) out.push(1);
  });
  return out;
}

/** Reduce axes of a node, whichever way the opset passes them (ReduceSum: input; the others: attribute). */
export function reduceAxes(op: string, inputs: readonly (Value | null)[], attrs: Attrs): number[] | undefined {
  if (op === 'ReduceSum') return inputs[1] ? constInts(inputs[1], 'axes') : undefined;
  const a = intsAttr(attrs, 'axes');
  return a ? [...a] : undefined;
}

const reduce = (op: string): Rule => (ins, attrs) => {
  const x = need(ins, 0);
  const keep = intAttr(attrs, 'keepdims', 1) === 1;
  return [{ dtype: x.dtype, shape: reducedShape(x.shape, reduceAxes(op, ins, attrs), keep) }];
};

function matmulShape(a: Shape, b: Shape): number[] {
  if (a.length < 2 || b.length < 2) fail('MatMul needs inputs of rank >= 2 here (reshape vectors first)');
  const [m, k] = a.slice(-2), [k2, n] = b.slice(-2);
  if (k !== k2) fail(`inner dimensions differ (${k} vs ${k2})`);
  return [...broadcastShapes(a.slice(0, -2), b.slice(0, -2)), m, n];
}

export function reshapeTarget(input: Shape, target: number[]): number[] {
  const size = input.reduce((a, b) => a * b, 1);
  const out = target.map((d, i) => (d === 0 ? input[i] : d));
  const neg = out.filter((d) => d === -1).length;
  if (neg > 1) fail('more than one -1 in the target shape');
  if (neg === 1) {
    const known = out.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    if (known === 0 || size % known !== 0) fail(`cannot reshape [${input}] to [${target}]`);
    out[out.indexOf(-1)] = size / known;
  }
  if (out.reduce((a, b) => a * b, 1) !== size) fail(`cannot reshape [${input}] (size ${size}) to [${target}]`);
  return out;
}

/** Normalized slice parameters for each axis of the input (start, end, step with ONNX clamping). */
export function sliceParams(ins: readonly (Value | null)[]): { starts: number[]; ends: number[]; steps: number[] } {
  const x = need(ins, 0);
  const starts = constInts(ins[1], 'starts');
  const ends = constInts(ins[2], 'ends');
  const axes = ins[3] ? constInts(ins[3], 'axes') : starts.map((_, i) => i);
  const stepsIn = ins[4] ? constInts(ins[4], 'steps') : starts.map(() => 1);
  const s = x.shape.map(() => 0), e = [...x.shape], st = x.shape.map(() => 1);
  axes.forEach((ax, i) => {
    const a = normAxis(ax, x.rank), d = x.shape[a], step = stepsIn[i];
    if (step === 0) fail('slice step 0');
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    let b = starts[i] < 0 ? starts[i] + d : starts[i];
    let f = ends[i] < 0 ? ends[i] + d : ends[i];
    if (step > 0) {
      b = clamp(b, 0, d);
      f = clamp(f, 0, d);
    } else {
      b = clamp(b, 0, d - 1);
      f = clamp(f, -1, d - 1);
    }
    s[a] = b;
    e[a] = f;
    st[a] = step;
  });
  return { starts: s, ends: e, steps: st };
}

const rules: Record<string, Rule> = {
  Identity: unaryAny,
  Neg: unaryFloat,
  Abs: unaryFloat,
  Exp: unaryFloat,
  Log: unaryFloat,
  Sqrt: unaryFloat,
  Reciprocal: unaryFloat,
  Tanh: unaryFloat,
  Sigmoid: unaryFloat,
  Relu: unaryFloat,
  Softplus: unaryFloat,
  Softmax: unaryFloat,
  LogSoftmax: unaryFloat,
  Not: (ins) => {
    const x = need(ins, 0);
    if (x.dtype !== 'bool') fail('Not needs bool');
    return [{ dtype: 'bool', shape: [...x.shape] }];
  },
  IsNaN: (ins) => [{ dtype: 'bool', shape: [...floatOnly(need(ins, 0)).shape] }],
  IsInf: (ins) => [{ dtype: 'bool', shape: [...floatOnly(need(ins, 0)).shape] }],
  Add: binary,
  Sub: binary,
  Mul: binary,
  Div: binary,
  Pow: (ins) => {
    const a = floatOnly(need(ins, 0)), b = floatOnly(need(ins, 1));
    sameDtype([a, b]);
    return [{ dtype: a.dtype, shape: broadcastShapes(a.shape, b.shape) }];
  },
  Max: variadic,
  Min: variadic,
  Sum: variadic,
  Equal: compare,
  Greater: compare,
  GreaterOrEqual: compare,
  Less: compare,
  LessOrEqual: compare,
  And: logical,
  Or: logical,
  Where: (ins) => {
    const c = need(ins, 0), a = need(ins, 1), b = need(ins, 2);
    if (c.dtype !== 'bool') fail('Where condition must be bool');
    return [{ dtype: sameDtype([a, b]), shape: broadcastShapes(c.shape, a.shape, b.shape) }];
  },
  Cast: (ins, attrs) => {
    const x = need(ins, 0);
    const to = intAttr(attrs, 'to');
    const dtype = ({ 1: 'float32', 7: 'int64', 9: 'bool', 11: 'float64' } as Record<number, DType>)[to] ?? fail(`Cast to ${to} is not supported`);
    return [{ dtype, shape: [...x.shape] }];
  },
  MatMul: (ins) => {
    const a = need(ins, 0), b = need(ins, 1);
    return [{ dtype: sameDtype([floatOnly(a), floatOnly(b)]), shape: matmulShape(a.shape, b.shape) }];
  },
  Gemm: (ins, attrs) => {
    const a = need(ins, 0), b = need(ins, 1), c = ins[2] ?? null;
    if (a.rank !== 2 || b.rank !== 2) fail('Gemm needs 2-D A and B');
    const ta = intAttr(attrs, 'transA', 0), tb = intAttr(attrs, 'transB', 0);
    const [m, k] = ta ? [a.shape[1], a.shape[0]] : a.shape;
    const [k2, n] = tb ? [b.shape[1], b.shape[0]] : b.shape;
    if (k !== k2) fail(`inner dimensions differ (${k} vs ${k2})`);
    if (c) {
      const bc = broadcastShapes(c.shape, [m, n]);
      if (bc[0] !== m || bc[1] !== n) fail(`C [${c.shape}] does not broadcast to [${m},${n}]`);
    }
    return [{ dtype: sameDtype([a, b, c]), shape: [m, n] }];
  },
  ReduceSum: reduce('ReduceSum'),
  ReduceMean: reduce('ReduceMean'),
  ReduceMax: reduce('ReduceMax'),
  Reshape: (ins) => {
    const x = need(ins, 0);
    return [{ dtype: x.dtype, shape: reshapeTarget(x.shape, constInts(ins[1], 'shape')) }];
  },
  Transpose: (ins, attrs) => {
    const x = need(ins, 0);
    const perm = intsAttr(attrs, 'perm') ?? x.shape.map((_, i) => x.rank - 1 - i);
    if (perm.length !== x.rank || new Set(perm).size !== x.rank) fail(`bad perm [${perm}]`);
    return [{ dtype: x.dtype, shape: perm.map((p) => x.shape[p]) }];
  },
  Concat: (ins, attrs) => {
    const vs = ins.map((_, i) => need(ins, i));
    const axis = normAxis(intAttr(attrs, 'axis'), vs[0].rank);
    const shape = [...vs[0].shape];
    shape[axis] = 0;
    for (const v of vs) {
      if (v.rank !== shape.length || v.shape.some((d, i) => i !== axis && d !== shape[i])) fail('Concat inputs differ off the axis');
      shape[axis] += v.shape[axis];
    }
    return [{ dtype: sameDtype(vs), shape }];
  },
  Split: (ins, attrs, count) => {
    const x = need(ins, 0);
    const axis = normAxis(intAttr(attrs, 'axis', 0), x.rank);
    const sizes = ins[1] ? constInts(ins[1], 'split') : null;
    const parts = sizes ?? Array.from({ length: count }, () => x.shape[axis] / count);
    if (parts.length !== count || parts.some((p) => !Number.isInteger(p) || p < 0) || parts.reduce((a, b) => a + b, 0) !== x.shape[axis])
      fail(`cannot split ${x.shape[axis]} into [${parts}]`);
    return parts.map((p) => {
      const s = [...x.shape];
      s[axis] = p;
      return { dtype: x.dtype, shape: s };
    });
  },
  Slice: (ins) => {
    const x = need(ins, 0);
    const { starts, ends, steps } = sliceParams(ins);
    const shape = x.shape.map((_, i) => Math.max(0, Math.ceil((ends[i] - starts[i]) / steps[i])));
    return [{ dtype: x.dtype, shape }];
  },
  Gather: (ins, attrs) => {
    const x = need(ins, 0), idx = need(ins, 1);
    if (idx.dtype !== 'int64') fail('Gather indices must be int64');
    const axis = normAxis(intAttr(attrs, 'axis', 0), x.rank);
    return [{ dtype: x.dtype, shape: [...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)] }];
  },
  ScatterND: (ins) => {
    const x = need(ins, 0);
    return [{ dtype: x.dtype, shape: [...x.shape] }];
  },
  Expand: (ins) => {
    const x = need(ins, 0);
    return [{ dtype: x.dtype, shape: broadcastShapes(x.shape, constInts(ins[1], 'shape')) }];
  },
  Unsqueeze: (ins) => {
    const x = need(ins, 0);
    const axes = constInts(ins[1], 'axes');
    const rank = x.rank + axes.length;
    const set = new Set(axes.map((a) => normAxis(a, rank)));
    const out: number[] = [];
    let j = 0;
    for (let i = 0; i < rank; i++) out.push(set.has(i) ? 1 : x.shape[j++]);
    return [{ dtype: x.dtype, shape: out }];
  },
  Squeeze: (ins) => {
    const x = need(ins, 0);
    const axes = ins[1] ? constInts(ins[1], 'axes').map((a) => normAxis(a, x.rank)) : x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
    for (const a of axes) if (x.shape[a] !== 1) fail(`cannot squeeze axis ${a} of size ${x.shape[a]}`);
    return [{ dtype: x.dtype, shape: x.shape.filter((_, i) => !axes.includes(i)) }];
  },
  Clip: (ins) => {
    const x = floatOnly(need(ins, 0));
    sameDtype([x, ins[1] ?? null, ins[2] ?? null]);
    return [{ dtype: x.dtype, shape: [...x.shape] }];
  },
  Pad: (ins) => {
    const x = need(ins, 0);
    const pads = constInts(ins[1], 'pads');
    if (pads.length !== 2 * x.rank) fail('pads must have 2*rank values');
    return [{ dtype: x.dtype, shape: x.shape.map((d, i) => d + pads[i] + pads[i + x.rank]) }];
  },
  LayerNormalization: (ins, attrs, count) => {
    const x = floatOnly(need(ins, 0));
    const axis = normAxis(intAttr(attrs, 'axis', -1), x.rank);
    sameDtype([x, need(ins, 1), ins[2] ?? null]);
    const stat = x.shape.map((d, i) => (i < axis ? d : 1));
    return [{ dtype: x.dtype, shape: [...x.shape] }, { dtype: x.dtype, shape: stat }, { dtype: x.dtype, shape: stat }].slice(0, count);
  },
  GRU: (ins, attrs, count) => {
    const x = floatOnly(need(ins, 0)), w = need(ins, 1), r = need(ins, 2);
    const h = intAttr(attrs, 'hidden_size');
    if (x.rank !== 3) fail('GRU X must be [T, B, I]');
    const [t, b, i] = x.shape;
    const dirs = stringAttr(attrs, 'direction', 'forward') === 'bidirectional' ? 2 : 1;
    const eq = (v: Value | null, s: number[], what: string) => {
      if (v && (v.rank !== s.length || v.shape.some((d, k) => d !== s[k]))) fail(`GRU ${what} must be [${s}], got [${v.shape}]`);
    };
    eq(w, [dirs, 3 * h, i], 'W');
    eq(r, [dirs, 3 * h, h], 'R');
    eq(ins[3] ?? null, [dirs, 6 * h], 'B');
    if (ins[4]) fail('GRU sequence_lens is not supported (pad and mask instead)');
    eq(ins[5] ?? null, [dirs, b, h], 'initial_h');
    sameDtype([x, w, r, ins[3] ?? null, ins[5] ?? null]);
    return [{ dtype: x.dtype, shape: [t, dirs, b, h] }, { dtype: x.dtype, shape: [dirs, b, h] }].slice(0, count);
  },
  // Ours (gru-steps.ts): the recurrence of a training GRU from its per-gate input side, always written as its
  // expansion. Inputs xz, xr, xn: [T, B, H] projections, or with ids [T, B] (int64, input 8) [V, H] tables; Rz,
  // Rr, Rn [H, H]; Rbn [H]; h0 [B, H] (optional); cz, cr, cn [B, H] (optional, all three): added at every step.
  GRUSteps: (ins, attrs, count) => {
    const rz = floatOnly(need(ins, 3));
    if (rz.rank !== 2) fail('GRUSteps Rz must be [H, H]');
    const h = rz.shape[0];
    const ids = ins[8] ?? null;
    if (ids && (ids.dtype !== 'int64' || ids.rank !== 2)) fail('GRUSteps ids must be int64 [T, B]');
    const x0 = need(ins, 0);
    if (!ids && x0.rank !== 3) fail('GRUSteps xz must be [T, B, H] (or a [V, H] table with ids)');
    const [t, b] = ids ? ids.shape : x0.shape;
    const eq = (k: number, s: number[], what: string) => {
      const v = ins[k] ?? null;
      if (v && (v.rank !== s.length || v.shape.some((d, j) => d !== s[j]))) fail(`GRUSteps ${what} must be [${s}], got [${v.shape}]`);
    };
    ['xz', 'xr', 'xn'].forEach((what, k) => { need(ins, k); eq(k, ids ? [x0.shape[0], h] : [t, b, h], what); });
    ['Rz', 'Rr', 'Rn'].forEach((what, k) => { need(ins, k + 3); eq(k + 3, [h, h], what); });
    need(ins, 6);
    eq(6, [h], 'Rbn');
    eq(7, [b, h], 'h0');
    const cs = [9, 10, 11].map((k) => ins[k] ?? null);
    if (cs.some((v) => v) && !cs.every((v) => v)) fail('GRUSteps takes the constants of all three gates or none');
    cs.forEach((_, k) => eq(9 + k, [b, h], ['cz', 'cr', 'cn'][k]));
    if (!['forward', 'reverse'].includes(stringAttr(attrs, 'direction', 'forward'))) fail('GRUSteps direction is forward or reverse');
    sameDtype([...ins.slice(0, 8), ...cs].map((v) => v ?? null));
    return [{ dtype: rz.dtype, shape: [t, b, h] }, { dtype: rz.dtype, shape: [b, h] }].slice(0, count);
  },
};

export const knownOps = (): string[] => Object.keys(rules);

export function inferOutputs(op: string, inputs: readonly (Value | null)[], attrs: Attrs, outputCount: number): OutType[] {
  const rule = rules[op] ?? fail(`op '${op}' is not supported by the graph builder`);
  return rule(inputs, attrs, outputCount);
}
