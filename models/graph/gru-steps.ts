// The GRU of training graphs (PyTorch's nn.GRU equations, linear_before_reset=1), in two parts:
//  - gruTrain(): the input side. Every step's input projection for each gate, W·x_t + b, computed from what the
//    layer is given, the cheapest way that gives the same numbers up to float rounding:
//      dense x [T, B, I]        one GEMM a gate over all T·B rows;
//      token ids into a table   the table's V rows projected once ([V, H] a gate) and each step's rows gathered
//                               from it, so the T·B-row GEMMs forward and backward become a V-row GEMM and a
//                               scatter-add, and no [T, B, H] projection is made and cut into steps;
//      a per-sequence input     (the decoder's z, concatenated to every step's input) projected once per
//                               sequence and added at each step; its gradient sums the steps.
//  - the op 'GRUSteps' (ours, never written as itself): the recurrence from those projections. It is written as
//    its expansion: one Gemm a gate a step (no z|r split to copy), a few elementwise nodes. Its gradient reads the
//    expansion's own gates (cached per node, so the writer emits them once) and runs the sequential part step by
//    step; the weight gradients are one GEMM each over all steps afterwards.
// The reference VAE step's input side was 17 % of its FLOPs as dense GEMMs (issue 15): the decoder's z columns
// 6.5 %, the embedding columns of both GRUs about 10 %.
import type { Graph } from './builder.ts';
import { stringAttr } from './infer.ts';
import type { Node, Value } from './ir.ts';

/** What a GRU layer's input side is computed from: x, or tokens; either with an optional constant. */
export interface GruInput {
  /** Dense input [T, B, I] (W's first I columns). */
  x?: Value;
  /** Token ids [T, B] (int64) into an embedding table [V, E]: the same as x = table[ids] (W's first E columns). */
  tokens?: { table: Value; ids: Value };
  /** A per-sequence input [B, J] that every step also sees, as if concatenated to each x_t (W's last J columns). */
  constant?: Value;
}

/** Columns of W the input gives: x's (or the embedding's) width, plus the constant's. */
export function gruInputWidth(input: GruInput): number {
  const lead = input.x ? input.x.shape[2] : input.tokens ? input.tokens.table.shape[1] : 0;
  return lead + (input.constant ? input.constant.shape[1] : 0);
}

/**
 * A GRU layer's input side, per gate (z, r, n): x is [T, B, H] projections, or, with ids [T, B], [V, H] tables whose
 * rows ids picks; c (optional) [B, H] is added at every step. Recurrent weights [H, H] a gate, and the candidate's Rb.
 */
export interface GruProjected {
  x: [Value, Value, Value];
  ids?: Value;
  c?: [Value, Value, Value];
  r: [Value, Value, Value];
  rbn: Value;
}

/**
 * The input side of a GRU layer with ONNX-layout parameters W [1, 3H, I + J], R [1, 3H, H], B [1, 6H] (or null):
 * per gate W_g·x_t + Wb_g (+ Rb_g for z and r, which add up front; n's Rb stays inside r ⊙ (·)).
 */
export function gruProjections(g: Graph, input: GruInput, w: Value, r: Value, b: Value | null): GruProjected {
  const hs = r.shape[2];
  const cols = w.shape[2];
  const extra = input.constant ? input.constant.shape[1] : 0;
  const lead = gruInputWidth(input) - extra;
  if (!input.x === !input.tokens) throw new Error('gruProjections: give x or tokens, not both');
  if (lead + extra !== cols) throw new Error(`gruProjections: W has ${cols} input columns, the input gives ${lead} + ${extra}`);
  const wGates = g.split(g.reshape(w, [3 * hs, cols]), [hs, hs, hs], 0);
  const rGates = g.split(g.reshape(r, [3 * hs, hs]), [hs, hs, hs], 0) as [Value, Value, Value];
  const dtype = w.dtype;
  const [wbz, wbr, wbn, rbz, rbr, rbn] = b ? g.split(g.reshape(b, [6 * hs]), Array(6).fill(hs), 0) : Array(6).fill(g.fill(0, dtype, [hs]));
  const biases = [b ? g.add(wbz, rbz) : wbz, b ? g.add(wbr, rbr) : wbr, wbn];
  const parts = wGates.map((wg) => (extra ? g.split(wg, [lead, extra], 1) : [wg, null]));
  const x = parts.map(([wLead], k) => {
    if (input.tokens) return g.gemm(input.tokens.table, wLead!, biases[k], { transB: true }); // [V, H]
    const [t, batch] = input.x!.shape;
    return g.reshape(g.gemm(g.reshape(input.x!, [t * batch, lead]), wLead!, biases[k], { transB: true }), [t, batch, hs]);
  }) as [Value, Value, Value];
  const c = extra ? (parts.map(([, wConst]) => g.gemm(input.constant!, wConst!, null, { transB: true })) as [Value, Value, Value]) : undefined;
  return { x, ids: input.tokens?.ids, c, r: rGates, rbn };
}

/** The recurrence from per-gate projections: y [T, B, H] and the last state [B, H] (step 0's when reverse). */
export function gruSteps(g: Graph, p: GruProjected, h0: Value | null, reverse = false): { y: Value; last: Value } {
  const c = p.c ?? [null, null, null];
  const [y, last] = g.node('GRUSteps', [...p.x, ...p.r, p.rbn, h0, p.ids ?? null, ...c], { direction: { s: reverse ? 'reverse' : 'forward' } }, 2);
  return { y, last };
}

/** A GRU layer for training graphs: projections, then the recurrence. y [T, B, H], last [B, H]. */
export function gruTrain(g: Graph, input: GruInput, w: Value, r: Value, b: Value | null, h0: Value | null, reverse = false): { y: Value; last: Value } {
  return gruSteps(g, gruProjections(g, input, w, r, b), h0, reverse);
}

/** gruTrain() on dense x with ONNX's GRU signature and layouts (h0 [1, B, H]; y [T, 1, B, H], last [1, B, H]). */
export function gruUnrolled(g: Graph, x: Value, w: Value, r: Value, b: Value | null, h0: Value | null, reverse = false): { y: Value; last: Value } {
  const [t, batch] = x.shape;
  const hs = r.shape[2];
  const o = gruTrain(g, { x }, w, r, b, h0 ? g.reshape(h0, [batch, hs]) : null, reverse);
  return { y: g.reshape(o.y, [t, 1, batch, hs]), last: g.reshape(o.last, [1, batch, hs]) };
}

/** The values of an unrolled recurrence, per time index (the order of x, not the order the steps ran in). */
export interface Unrolled {
  hPrev: Value[];
  z: Value[];
  r: Value[];
  n: Value[];
  /** h·Rnᵀ + Rbn, and hPrev − n. */
  hn: Value[];
  diff: Value[];
  /** Each step's new state. */
  h: Value[];
  /** The state after the last step run. */
  last: Value;
}

/**
 * The recurrence written out from per-step projections ([B, H] a step and gate): z = σ(h·Rzᵀ + xz_t),
 * r = σ(h·Rrᵀ + xr_t), n = tanh(xn_t + r ⊙ (h·Rnᵀ + Rbn)), h' = n + z ⊙ (h − n). One Gemm a gate a step.
 */
export function unroll(g: Graph, steps: { z: Value[]; r: Value[]; n: Value[] }, rw: readonly [Value, Value, Value], rbn: Value, h0: Value, reverse: boolean): Unrolled {
  const t = steps.z.length;
  const u: Unrolled = { hPrev: Array(t), z: Array(t), r: Array(t), n: Array(t), hn: Array(t), diff: Array(t), h: Array(t), last: h0 };
  const tB = { transB: true };
  let h = h0;
  for (let k = 0; k < t; k++) {
    const s = reverse ? t - 1 - k : k;
    const z = g.sigmoid(g.gemm(h, rw[0], steps.z[s], tB));
    const r = g.sigmoid(g.gemm(h, rw[1], steps.r[s], tB));
    const hn = g.gemm(h, rw[2], rbn, tB);
    const n = g.tanh(g.add(steps.n[s], g.mul(r, hn)));
    const diff = g.sub(h, n);
    [u.hPrev[s], u.z[s], u.r[s], u.n[s], u.hn[s], u.diff[s]] = [h, z, r, n, hn, diff];
    h = g.add(n, g.mul(z, diff));
    u.h[s] = h;
  }
  u.last = h;
  return u;
}

/** [T, B, H] cut into T values [B, H]. */
export function byStep(g: Graph, v: Value): Value[] {
  const [t, batch, hs] = v.shape;
  const flat = g.reshape(v, [t * batch, hs]);
  return t === 1 ? [flat] : g.split(flat, Array(t).fill(batch), 0);
}

interface Expanded {
  u: Unrolled;
  y: Value;
}

const expansions = new WeakMap<Node, Expanded>();

/** GRUSteps' inputs by name (see infer.ts). */
function stepsInputs(node: Node) {
  const [xz, xr, xn, rz, rr, rn, rbn, h0, ids, cz, cr, cn] = node.inputs as (Value | null)[];
  const hs = rz!.shape[0];
  const [t, batch] = ids ? ids.shape : xz!.shape;
  const reverse = stringAttr(node.attrs, 'direction', 'forward') === 'reverse';
  const c = cz ? [cz, cr!, cn!] : null;
  return { x: [xz!, xr!, xn!], r: [rz!, rr!, rn!] as const, rbn: rbn!, h0, ids, c, t, batch, hs, reverse, dtype: xz!.dtype };
}

function expanded(g: Graph, node: Node): Expanded {
  const cached = expansions.get(node);
  if (cached) return cached;
  const { x, r, rbn, h0: h0In, ids, c, t, batch, hs, reverse, dtype } = stepsInputs(node);
  const h0 = h0In ?? g.fill(0, dtype, [batch, hs]);
  // Each step's projection: a table's rows for that step's tokens, or a slice of x; plus the constant.
  const idSteps = ids ? (t === 1 ? [g.reshape(ids, [batch])] : g.split(g.reshape(ids, [t * batch]), Array(t).fill(batch), 0)) : null;
  const steps = x.map((xg, k) => {
    const raw = idSteps ? idSteps.map((id) => g.gather(xg, id, 0)) : byStep(g, xg);
    return c ? raw.map((v) => g.add(v, c[k])) : raw;
  });
  const u = unroll(g, { z: steps[0], r: steps[1], n: steps[2] }, r, rbn, h0, reverse);
  const e = { u, y: g.reshape(g.concat(u.h, 0), [t, batch, hs]) };
  expansions.set(node, e);
  return e;
}

/** GRUSteps as primitive ops: [y, last]. */
export function expandGruSteps(g: Graph, node: Node): Value[] {
  const e = expanded(g, node);
  return [e.y, e.u.last];
}

/**
 * Vector-Jacobian product of GRUSteps: gradients for [xz, xr, xn, Rz, Rr, Rn, Rbn, h0, ids, cz, cr, cn].
 * Backwards through the steps with the forward's own gates, one Gemm a gate a step for the state's gradient;
 * then, over all steps at once, the weight gradients (a GEMM each), the tables' (a scatter-add of each step's
 * rows by token) and the constants' (a sum over steps).
 */
export function gruStepsVjp(g: Graph, node: Node, gys: readonly (Value | null)[]): (Value | null)[] {
  const { u } = expanded(g, node);
  const { x, r: [rz, rr, rn], h0, ids, c, t, batch, hs, reverse, dtype } = stepsInputs(node);
  const [gy, gyLast] = [gys[0], gys[1] ?? null];
  const gySteps = gy ? byStep(g, gy) : null;
  const daZ: Value[] = Array(t), daR: Value[] = Array(t), daN: Value[] = Array(t), dHn: Value[] = Array(t);
  let carry: Value | null = gyLast;
  for (let k = 0; k < t; k++) {
    const s = reverse ? k : t - 1 - k; // backwards through the order the forward pass ran
    const parts = [carry, gySteps ? gySteps[s] : null].filter((v): v is Value => v !== null);
    const dh = parts.length === 0 ? g.fill(0, dtype, [batch, hs]) : parts.length === 1 ? parts[0] : g.add(parts[0], parts[1]);
    const z = u.z[s], r = u.r[s], n = u.n[s];
    const zc = g.sub(1, z);
    const an = g.mul(g.mul(dh, zc), g.sub(1, g.mul(n, n))); // through n = tanh(.)
    const az = g.mul(g.mul(dh, u.diff[s]), g.mul(z, zc)); // through z = σ(.)
    const hn = g.mul(an, r); // into h·Rnᵀ + Rbn
    const ar = g.mul(g.mul(an, u.hn[s]), g.mul(r, g.sub(1, r))); // through r = σ(.)
    carry = g.gemm(hn, rn, g.gemm(ar, rr, g.gemm(az, rz, g.mul(dh, z))));
    [daZ[s], daR[s], daN[s], dHn[s]] = [az, ar, an, hn];
  }
  const rows = (vs: Value[]) => g.concat(vs, 0); // [T·B, H] in time order
  const hPrev = rows(u.hPrev);
  const wGrad = (d: Value) => g.gemm(d, hPrev, null, { transA: true });
  const [dZ, dR, dN, dHN] = [rows(daZ), rows(daR), rows(daN), rows(dHn)];
  const dX = [dZ, dR, dN].map((d) => g.reshape(d, [t, batch, hs]));
  const dIn = ids ? dX.map((d, k) => g.op('ScatterND', [g.fill(0, dtype, x[k].shape), g.unsqueeze(ids, [-1]), d], { reduction: { s: 'add' } })) : dX;
  // Sums over the T·B rows (or the T steps) as a product with a row of ones: a GEMM reads the rows at memory
  // speed on both threads, where ReduceSum over the leading axis took several times as long.
  const colSums = (v: Value, n: number) => g.gemm(g.fill(1, dtype, [1, n]), g.reshape(v, [n, -1]));
  const dC = c ? dX.map((d) => g.reshape(colSums(d, t), [batch, hs])) : [null, null, null];
  const dh0 = h0 ? carry ?? g.fill(0, dtype, [batch, hs]) : null;
  return [...dIn, wGrad(dZ), wGrad(dR), wGrad(dHN), g.reshape(colSums(dHN, t * batch), [hs]), dh0, null, ...dC];
}
