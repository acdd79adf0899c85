// The GRU (one direction, linear_before_reset=1, which is PyTorch's nn.GRU) as a primitive:
//  - gru(): emits ONNX's GRU op; ORT runs the whole recurrence natively in float32 (inference graphs).
//  - gruWithGates(): the same with its gates as extra outputs, always written unrolled (expandGru) with the
//    input projections of all steps hoisted into one GEMM; training graphs use it so the backward pass needs
//    no recomputation.
//  - expandGru(): the recurrence unrolled into primitive ops, also used for dtypes ORT's GRU kernel lacks
//    (float64, for the finite-difference checks) and as an executable statement of the semantics.
//  - gruVjp(): the gradient of both. Gates come from gruWithGates or are recomputed in bulk (two GEMMs over
//    T*B rows); only the truly sequential part (5 small nodes per step) is unrolled; weight gradients are one
//    GEMM each afterwards. This keeps train steps at thousands of nodes instead of tens of thousands.
// Gate order is ONNX's: z (update), r (reset), h (candidate). Per step, with linear_before_reset=1:
//   z = σ(x Wzᵀ + Wbz + h Rzᵀ + Rbz), r = σ(x Wrᵀ + Wbr + h Rrᵀ + Rbr)
//   n = tanh(x Whᵀ + Wbh + r ⊙ (h Rhᵀ + Rbh)),  h' = (1 − z) ⊙ n + z ⊙ h
import type { Graph } from './builder.ts';
import { intAttr, stringAttr } from './infer.ts';
import type { Node, Value } from './ir.ts';

export interface GruOutputs {
  /** Hidden states of every step, [T, 1, B, H] (ONNX layout). */
  y: Value;
  /** Final hidden state, [1, B, H] (for the reverse direction: the state after step 0). */
  last: Value;
}

/**
 * One GRU direction. x [T, B, I], w [1, 3H, I], r [1, 3H, H], b [1, 6H] (input then recurrent biases),
 * h0 [1, B, H] or null for zeros.
 */
export function gru(g: Graph, x: Value, w: Value, r: Value, b: Value | null, h0: Value | null, reverse = false): GruOutputs {
  const hidden = r.shape[2];
  const [y, last] = g.node('GRU', [x, w, r, b, null, h0], {
    hidden_size: { i: hidden },
    linear_before_reset: { i: 1 },
    direction: { s: reverse ? 'reverse' : 'forward' },
  }, 2);
  return { y, last };
}

function checkSupported(node: Node): { reverse: boolean; hidden: number } {
  const dir = stringAttr(node.attrs, 'direction', 'forward');
  if (dir === 'bidirectional') throw new Error('GRU: use two single-direction GRUs instead of direction=bidirectional');
  if (intAttr(node.attrs, 'linear_before_reset', 0) !== 1) throw new Error('GRU: only linear_before_reset=1 is supported');
  for (const a of ['activations', 'clip', 'layout', 'activation_alpha', 'activation_beta'])
    if (a in node.attrs) throw new Error(`GRU: attribute '${a}' is not supported`);
  return { reverse: dir === 'reverse', hidden: intAttr(node.attrs, 'hidden_size') };
}

/** Unpacks W, R, biases and h0 into 2-D operands. */
function operands(g: Graph, node: Node, hidden: number) {
  const [x, w, r, b, , h0] = node.inputs as (Value | null)[];
  const [t, batch, inSize] = x!.shape;
  const dtype = x!.dtype;
  const w0 = g.reshape(w!, [3 * hidden, inSize]);
  const r0 = g.reshape(r!, [3 * hidden, hidden]);
  const [wb, rb] = b ? g.split(g.reshape(b, [6 * hidden]), [3 * hidden, 3 * hidden], 0) : [g.fill(0, dtype, [3 * hidden]), g.fill(0, dtype, [3 * hidden])];
  const h = h0 ? g.reshape(h0, [batch, hidden]) : g.fill(0, dtype, [batch, hidden]);
  return { x: x!, t, batch, inSize, dtype, w0, r0, wb, rb, h };
}

/**
 * The recurrence as primitive ops: returns [Y, Y_h] with the op's shapes, then the gates of every step in time
 * order as [T*B, ...] tensors: ZR (update and reset gates), N (candidate) and HN (h Rhᵀ + Rbh). The input
 * projections of all steps are one GEMM before the loop; each step is one GEMM and ten elementwise/split nodes.
 */
export function expandGru(g: Graph, node: Node): Value[] {
  const { reverse, hidden: hs } = checkSupported(node);
  const { x, t, batch, inSize, w0, r0, wb, rb, h: hInit } = operands(g, node, hs);
  const [xzr, xn] = g.split(g.gemm(g.reshape(x, [t * batch, inSize]), w0, wb, { transB: true }), [2 * hs, hs], 1);
  const byStep = (v: Value) => (t === 1 ? [v] : g.split(v, Array(t).fill(batch), 0));
  const xzrs = byStep(xzr), xns = byStep(xn);
  const ys: Value[] = Array(t), zrs: Value[] = Array(t), ns: Value[] = Array(t), hns: Value[] = Array(t);
  let h = hInit;
  for (let k = 0; k < t; k++) {
    const s = reverse ? t - 1 - k : k;
    const [hzr, hn] = g.split(g.gemm(h, r0, rb, { transB: true }), [2 * hs, hs], 1);
    const zr = g.sigmoid(g.add(xzrs[s], hzr));
    const [z, r] = g.split(zr, [hs, hs], 1);
    const n = g.tanh(g.add(xns[s], g.mul(r, hn)));
    h = g.add(n, g.mul(z, g.sub(h, n)));
    [ys[s], zrs[s], ns[s], hns[s]] = [h, zr, n, hn];
  }
  const y = g.reshape(g.concat(ys, 0), [t, 1, batch, hs]);
  return [y, g.reshape(h, [1, batch, hs]), g.concat(zrs, 0), g.concat(ns, 0), g.concat(hns, 0)];
}

/**
 * A GRU for training graphs: same inputs and first two outputs as gru(), plus its gates (see expandGru), so the
 * backward pass reuses them instead of recomputing two GEMMs over all steps. It is always written expanded
 * (ONNX's GRU op cannot return gates); inference graphs should use gru().
 */
export function gruWithGates(g: Graph, x: Value, w: Value, r: Value, b: Value | null, h0: Value | null, reverse = false): GruOutputs {
  const hidden = r.shape[2];
  const [y, last] = g.node('GRUWithGates', [x, w, r, b, null, h0], {
    hidden_size: { i: hidden },
    linear_before_reset: { i: 1 },
    direction: { s: reverse ? 'reverse' : 'forward' },
  }, 5);
  return { y, last };
}

/** Vector-Jacobian product of one GRU node: gradients for [X, W, R, B, sequence_lens, initial_h]. */
export function gruVjp(g: Graph, node: Node, gys: readonly (Value | null)[]): (Value | null)[] {
  if (gys.slice(2).some((v) => v)) throw new Error('autodiff: the gate outputs of GRUWithGates are not differentiable');
  const [gy, gyLast] = [gys[0], gys[1] ?? null];
  const { reverse, hidden: hs } = checkSupported(node);
  const { x, t, batch, inSize, dtype, w0, r0, wb, rb, h: hInit } = operands(g, node, hs);
  const rows = t * batch;
  const y2 = g.reshape(node.outputs[0], [rows, hs]);
  // The state each step started from, in time order.
  const hPrev =
    t === 1 ? hInit
    : reverse ? g.concat([g.slice(y2, [batch], [rows], [0]), hInit], 0)
    : g.concat([hInit, g.slice(y2, [0], [rows - batch], [0])], 0);
  const x2 = g.reshape(x, [rows, inSize]);
  let z: Value, r: Value, n: Value, hn: Value;
  if (node.op === 'GRUWithGates') {
    [z, r] = g.split(node.outputs[2], [hs, hs], 1);
    [n, hn] = [node.outputs[3], node.outputs[4]];
  } else {
    // Recompute the gates of all steps in bulk: two GEMMs over T*B rows.
    const [xz, xr, xn] = g.split(g.gemm(x2, w0, wb, { transB: true }), [hs, hs, hs], 1);
    const [hz, hr, hnr] = g.split(g.gemm(hPrev, r0, rb, { transB: true }), [hs, hs, hs], 1);
    z = g.sigmoid(g.add(xz, hz));
    r = g.sigmoid(g.add(xr, hr));
    hn = hnr;
    n = g.tanh(g.add(xn, g.mul(r, hn)));
  }
  // d(pre-activations)/dh for each gate: da_z = dh*C, da_r = dh*A*D, da_n = dh*A.
  const a = g.mul(g.sub(1, z), g.sub(1, g.mul(n, n)));
  const c = g.mul(g.sub(hPrev, n), g.mul(z, g.sub(1, z)));
  const ad = g.mul(a, g.mul(hn, g.mul(r, g.sub(1, r))));
  // dh -> gradients of the input-side (kx) and recurrent-side (kr) pre-activations of the three gates, as
  // [rows, 3, H] so that dh [.., 1, H] multiplies them by broadcasting instead of being copied three times.
  const kx = g.reshape(g.concat([c, ad, a], 1), [rows, 3, hs]);
  const kr = g.reshape(g.concat([c, ad, g.mul(a, r)], 1), [rows, 3, hs]);
  const split = (v: Value) => (t === 1 ? [v] : g.split(v, Array(t).fill(batch), 0));
  const krs = split(kr);
  const zs = split(z);
  const gySteps = gy ? split(g.reshape(gy, [rows, hs])) : null;
  const dhs: Value[] = Array(t), dhrs: Value[] = Array(t);
  let carry: Value | null = gyLast ? g.reshape(gyLast, [batch, hs]) : null;
  for (let k = 0; k < t; k++) {
    const s = reverse ? k : t - 1 - k; // backwards through the order the forward pass ran
    const parts = [carry, gySteps ? gySteps[s] : null].filter((v): v is Value => v !== null);
    const dh = parts.length === 0 ? g.fill(0, dtype, [batch, hs]) : parts.length === 1 ? parts[0] : g.add(parts[0], parts[1]);
    const dhr = g.reshape(g.mul(g.reshape(dh, [batch, 1, hs]), krs[s]), [batch, 3 * hs]);
    carry = g.gemm(dhr, r0, g.mul(dh, zs[s]));
    dhs[s] = dh;
    dhrs[s] = dhr;
  }
  const dhAll = g.concat(dhs, 0);
  const dA = g.reshape(g.mul(g.reshape(dhAll, [rows, 1, hs]), kx), [rows, 3 * hs]);
  const dhR = g.concat(dhrs, 0);
  const [, w, rIn, b, , h0] = node.inputs;
  const gx = g.reshape(g.matmul(dA, w0), [t, batch, inSize]);
  const gw = g.reshape(g.gemm(dA, x2, null, { transA: true }), w!.shape);
  const gr = g.reshape(g.gemm(dhR, hPrev, null, { transA: true }), rIn!.shape);
  const gb = b ? g.reshape(g.concat([g.reduceSum(dA, [0]), g.reduceSum(dhR, [0])], 0), b.shape) : null;
  const gh0 = h0 ? g.reshape(carry!, h0.shape) : null;
  return [gx, gw, gr, gb, null, gh0];
}
