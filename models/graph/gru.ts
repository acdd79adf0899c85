// The GRU (one direction, linear_before_reset=1, which is PyTorch's nn.GRU) as a primitive, in two forms:
//  - gru(): ONNX's GRU op; ORT runs the whole recurrence natively in float32 (compact inference graphs). Its
//    gradient recomputes the gates of all steps in bulk (two GEMMs over T*B rows).
//  - gruUnrolled(): the op 'GRUUnrolled' (ours, same inputs and outputs), always written as its expansion:
//    the input projections of all steps hoisted into one GEMM, then one GEMM and a few elementwise nodes per
//    step. Its gradient reads the per-step gates of that same expansion (cached per node, so the writer emits
//    it once), so nothing is recomputed and the backward works on L2-sized per-step tensors. Training graphs
//    use it.
// Either way only the truly sequential part of the backward is unrolled and weight gradients are one GEMM each
// afterwards, which keeps the reference train step at a few thousand nodes (quick session creation).
// expandGru() is also the float64 lowering of gru() (ORT's kernel is float32-only) used by the finite-difference
// checks, and an executable statement of the semantics (gru.test.ts checks both against plain JavaScript).
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

interface GruSteps {
  /** Per time index: state before the step, gates z and r (and both as zr), candidate n, h Rhᵀ + Rbh, hPrev − n. */
  hPrev: Value[];
  z: Value[];
  r: Value[];
  zr: Value[];
  n: Value[];
  hn: Value[];
  diff: Value[];
  y: Value;
  last: Value;
  ops: ReturnType<typeof operands>;
  /** Weight rows of the z and r gates together ([2H, *]) and of the candidate ([H, *]). */
  wzr: Value;
  wn: Value;
  rzr: Value;
  rn: Value;
}

const expansions = new WeakMap<Node, GruSteps>();

/**
 * The unrolled recurrence of a GRU node, built once per node and graph. Weights are split by gate once, so a
 * step needs no splitting of its projections: zr = σ(Gemm(h, Rzr, xzr_t)) with both biases folded into the
 * hoisted input projection, hn = Gemm(h, Rn, Rbn), n = tanh(xn_t + r ⊙ hn), h' = n + z ⊙ (h − n).
 */
function gruSteps(g: Graph, node: Node): GruSteps {
  const cached = expansions.get(node);
  if (cached) return cached;
  const { reverse, hidden: hs } = checkSupported(node);
  const ops = operands(g, node, hs);
  const { x, t, batch, inSize, w0, r0, wb, rb, h: hInit } = ops;
  const [wzr, wn] = g.split(w0, [2 * hs, hs], 0);
  const [rzr, rn] = g.split(r0, [2 * hs, hs], 0);
  const [wbzr, wbn] = g.split(wb, [2 * hs, hs], 0);
  const [rbzr, rbn] = g.split(rb, [2 * hs, hs], 0);
  const x2 = g.reshape(x, [t * batch, inSize]);
  const xzr = g.gemm(x2, wzr, g.add(wbzr, rbzr), { transB: true });
  const xn = g.gemm(x2, wn, wbn, { transB: true });
  const byStep = (v: Value) => (t === 1 ? [v] : g.split(v, Array(t).fill(batch), 0));
  const xzrs = byStep(xzr), xns = byStep(xn);
  const st: GruSteps = { hPrev: [], z: [], r: [], zr: [], n: [], hn: [], diff: [], y: hInit, last: hInit, ops, wzr, wn, rzr, rn };
  const ys: Value[] = Array(t);
  let h = hInit;
  for (let k = 0; k < t; k++) {
    const s = reverse ? t - 1 - k : k;
    const zr = g.sigmoid(g.gemm(h, rzr, xzrs[s], { transB: true }));
    const hn = g.gemm(h, rn, rbn, { transB: true });
    const [z, r] = g.split(zr, [hs, hs], 1);
    const n = g.tanh(g.add(xns[s], g.mul(r, hn)));
    const diff = g.sub(h, n);
    [st.hPrev[s], st.z[s], st.r[s], st.zr[s], st.n[s], st.hn[s], st.diff[s]] = [h, z, r, zr, n, hn, diff];
    h = g.add(n, g.mul(z, diff));
    ys[s] = h;
  }
  st.y = g.reshape(g.concat(ys, 0), [t, 1, batch, hs]);
  st.last = g.reshape(h, [1, batch, hs]);
  expansions.set(node, st);
  return st;
}

/** The recurrence as primitive ops; returns [Y, Y_h] with the op's shapes. */
export function expandGru(g: Graph, node: Node): Value[] {
  const st = gruSteps(g, node);
  return [st.y, st.last];
}

/** A GRU for training graphs: same as gru(), written unrolled, with a gradient that reuses its gates. */
export function gruUnrolled(g: Graph, x: Value, w: Value, r: Value, b: Value | null, h0: Value | null, reverse = false): GruOutputs {
  const hidden = r.shape[2];
  const [y, last] = g.node('GRUUnrolled', [x, w, r, b, null, h0], {
    hidden_size: { i: hidden },
    linear_before_reset: { i: 1 },
    direction: { s: reverse ? 'reverse' : 'forward' },
  }, 2);
  return { y, last };
}

/** Gradients for [X, W, R, B, sequence_lens, initial_h] from the input-side (dA) and recurrent-side (dhR) ones. */
function finish(g: Graph, node: Node, ops: GruSteps['ops'], dA: Value, dhR: Value, hPrev: Value, carry: Value | null): (Value | null)[] {
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

/** Vector-Jacobian product of GRU and GRUUnrolled nodes: gradients for [X, W, R, B, sequence_lens, initial_h]. */
export function gruVjp(g: Graph, node: Node, gys: readonly (Value | null)[]): (Value | null)[] {
  return node.op === 'GRUUnrolled' ? stepwiseVjp(g, node, gys) : bulkVjp(g, node, gys);
}

/**
 * Per step, with the forward's own per-step gates: 14 small nodes and two GEMMs per step, gradients kept per
 * gate block (zr, n) so nothing is concatenated by columns; weight gradients are GEMMs over all steps after.
 */
function stepwiseVjp(g: Graph, node: Node, gys: readonly (Value | null)[]): (Value | null)[] {
  const { reverse, hidden: hs } = checkSupported(node);
  const st = gruSteps(g, node);
  const { x, t, batch, inSize, dtype } = st.ops;
  const [gy, gyLast] = [gys[0], gys[1] ?? null];
  const gySteps = gy ? (t === 1 ? [gy] : g.split(g.reshape(gy, [t * batch, hs]), Array(t).fill(batch), 0)) : null;
  const dzrs: Value[] = Array(t), dns: Value[] = Array(t), dhns: Value[] = Array(t);
  let carry: Value | null = gyLast ? g.reshape(gyLast, [batch, hs]) : null;
  for (let k = 0; k < t; k++) {
    const s = reverse ? k : t - 1 - k; // backwards through the order the forward pass ran
    const parts = [carry, gySteps ? g.reshape(gySteps[s], [batch, hs]) : null].filter((v): v is Value => v !== null);
    const dh = parts.length === 0 ? g.fill(0, dtype, [batch, hs]) : parts.length === 1 ? parts[0] : g.add(parts[0], parts[1]);
    const z = st.z[s], n = st.n[s], zr = st.zr[s];
    const daN = g.mul(g.mul(dh, g.sub(1, z)), g.sub(1, g.mul(n, n))); // through n = tanh(.)
    const dzr = g.concat([g.mul(dh, st.diff[s]), g.mul(daN, st.hn[s])], 1); // d z, d r
    const daZr = g.mul(dzr, g.mul(zr, g.sub(1, zr))); // through the sigmoids
    const dhn = g.mul(daN, st.r[s]);
    carry = g.gemm(dhn, st.rn, g.gemm(daZr, st.rzr, g.mul(dh, z)));
    [dzrs[s], dns[s], dhns[s]] = [daZr, daN, dhn];
  }
  const [dZR, dN, dHN] = [g.concat(dzrs, 0), g.concat(dns, 0), g.concat(dhns, 0)];
  const hPrev = g.concat(st.hPrev, 0);
  const x2 = g.reshape(x, [t * batch, inSize]);
  const [, w, rIn, b, , h0] = node.inputs;
  const tA = { transA: true };
  const gx = g.reshape(g.gemm(dN, st.wn, g.matmul(dZR, st.wzr)), [t, batch, inSize]);
  const gw = g.reshape(g.concat([g.gemm(dZR, x2, null, tA), g.gemm(dN, x2, null, tA)], 0), w!.shape);
  const gr = g.reshape(g.concat([g.gemm(dZR, hPrev, null, tA), g.gemm(dHN, hPrev, null, tA)], 0), rIn!.shape);
  const sZR = g.reduceSum(dZR, [0]);
  const gb = b ? g.reshape(g.concat([sZR, g.reduceSum(dN, [0]), sZR, g.reduceSum(dHN, [0])], 0), b.shape) : null;
  const gh0 = h0 ? g.reshape(carry ?? g.fill(0, dtype, [batch, hs]), h0.shape) : null;
  return [gx, gw, gr, gb, null, gh0];
}

/** For ONNX's GRU op, whose gates are not available: recompute them for all steps in bulk. */
function bulkVjp(g: Graph, node: Node, gys: readonly (Value | null)[]): (Value | null)[] {
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
