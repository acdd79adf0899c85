// ONNX's GRU op (one direction, linear_before_reset=1, which is PyTorch's nn.GRU) as a primitive: ORT runs the
// whole recurrence natively in float32 (compact inference graphs). Its gradient recomputes the gates of all steps
// in bulk (two GEMMs over T·B rows); only the truly sequential part of the backward is unrolled. Training graphs
// use gruTrain() (gru-steps.ts) instead, whose gradient reads the gates its forward kept.
// expandGru() is the float64 lowering of gru() (ORT's kernel is float32-only) used by the finite-difference
// checks, written with gru-steps.ts's unroll(), and an executable statement of the semantics (gru.test.ts checks
// both against plain JavaScript).
import type { Graph } from './builder.ts';
import { intAttr, stringAttr } from './infer.ts';
import type { Node, Value } from './ir.ts';
import { byStep, gruProjections, unroll } from './gru-steps.ts';

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

/** The recurrence as primitive ops (the float64 lowering; ORT's kernel is float32-only): [Y, Y_h] with the op's shapes. */
export function expandGru(g: Graph, node: Node): Value[] {
  const { reverse, hidden: hs } = checkSupported(node);
  const [x, w, r, b, , h0] = node.inputs as (Value | null)[];
  const [t, batch] = x!.shape;
  const p = gruProjections(g, { x: x! }, w!, r!, b);
  const h = h0 ? g.reshape(h0, [batch, hs]) : g.fill(0, x!.dtype, [batch, hs]);
  const u = unroll(g, { z: byStep(g, p.x[0]), r: byStep(g, p.x[1]), n: byStep(g, p.x[2]) }, p.r, p.rbn, h, reverse);
  return [g.reshape(g.concat(u.h, 0), [t, 1, batch, hs]), g.reshape(u.last, [1, batch, hs])];
}

/** Gradients for [X, W, R, B, sequence_lens, initial_h] from the input-side (dA) and recurrent-side (dhR) ones. */
function finish(g: Graph, node: Node, ops: ReturnType<typeof operands>, dA: Value, dhR: Value, hPrev: Value, carry: Value | null): (Value | null)[] {
  const { x, t, batch, inSize, w0, r0 } = ops;
  const [, w, rIn, b, , h0] = node.inputs;
  const rows = t * batch;
  const gx = g.reshape(g.matmul(dA, w0), [t, batch, inSize]);
  const gw = g.reshape(g.gemm(dA, g.reshape(x, [rows, inSize]), null, { transA: true }), w!.shape);
  const gr = g.reshape(g.gemm(dhR, hPrev, null, { transA: true }), rIn!.shape);
  const gb = b ? g.reshape(g.concat([g.reduceSum(dA, [0]), g.reduceSum(dhR, [0])], 0), b.shape) : null;
  const gh0 = h0 ? g.reshape(carry ?? g.fill(0, x.dtype, [batch, r0.shape[1]]), h0.shape) : null;
  return [gx, gw, gr, gb, null, gh0];
}

/**
 * Vector-Jacobian product of ONNX's GRU op, whose gates are not available: recompute them for all steps in bulk
 * (two GEMMs over T·B rows). Training graphs use gruTrain() (gru-steps.ts) instead, whose gradient reads its gates.
 */
export function gruVjp(g: Graph, node: Node, gys: readonly (Value | null)[]): (Value | null)[] {
  const { reverse, hidden: hs } = checkSupported(node);
  const ops = operands(g, node, hs);
  const { x, t, batch, inSize, dtype, w0, r0, wb, rb, h: hInit } = ops;
  const [gy, gyLast] = [gys[0], gys[1] ?? null];
  const rows = t * batch;
  const y2 = g.reshape(node.outputs[0], [rows, hs]);
  // The state each step started from, in time order.
  const hPrev =
    t === 1 ? hInit
    : reverse ? g.concat([g.slice(y2, [batch], [rows], [0]), hInit], 0)
    : g.concat([hInit, g.slice(y2, [0], [rows - batch], [0])], 0);
  const [xz, xr, xn] = g.split(g.gemm(g.reshape(x, [rows, inSize]), w0, wb, { transB: true }), [hs, hs, hs], 1);
  const [hz, hr, hn] = g.split(g.gemm(hPrev, r0, rb, { transB: true }), [hs, hs, hs], 1);
  const z = g.sigmoid(g.add(xz, hz));
  const r = g.sigmoid(g.add(xr, hr));
  const n = g.tanh(g.add(xn, g.mul(r, hn)));
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
  return finish(g, node, ops, dA, g.concat(dhrs, 0), hPrev, carry);
}
