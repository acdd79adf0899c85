// Finite-difference check of the autodiff, on the real graphs run by ONNX Runtime in float64: for a function
// f(inputs) built with the builder, L = Σ f ⊙ W with a random cotangent W; the analytic directional derivative
// Σ_i <∂L/∂x_i, d_i> must match (L(x + εd) − L(x − εd)) / 2ε along random directions d.
import { gradients } from './autodiff.ts';
import { Graph } from './builder.ts';
import type { Value } from './ir.ts';
import { createSession, tensor } from './ort.ts';
import { Rng } from './rng.ts';
import { toOnnx } from './writer.ts';

export interface CheckInput {
  name: string;
  shape: number[];
  /** Values to start from; random normal when omitted. */
  init?: (rng: Rng, size: number) => Float64Array;
}

export interface GradCheckResult {
  /** Ops that occur in the forward graph (what the check covered). */
  ops: Set<string>;
  /** Worst relative error over the directions. */
  worst: number;
  details: { analytic: number; numeric: number; rel: number }[];
}

export interface CheckedFunction {
  /** The function's result (any shape, float64). */
  out: Value;
  /** Graph inputs to differentiate by (float64). */
  wrt: Value[];
  /** Starting values for an input; random normal when it returns undefined. */
  init?: (v: Value, rng: Rng) => Float64Array | undefined;
}

/** Checks the gradients of a function whose inputs the build callback declares itself. */
export async function gradCheckGraph(
  build: (g: Graph) => CheckedFunction,
  o: { seed?: number; directions?: number; eps?: number } = {},
): Promise<GradCheckResult> {
  const rng = new Rng(o.seed ?? 1);
  const eps = o.eps ?? 1e-5;
  const g = new Graph();
  const { out, wrt, init } = build(g);
  const forwardNodes = g.nodes.length;
  const ops = new Set(g.nodes.slice(0, forwardNodes).map((n) => n.op));
  if (out.dtype !== 'float64') throw new Error(`gradcheck: the function returns ${out.dtype}, not float64`);
  for (const x of wrt) if (x.dtype !== 'float64' || x.producer || x.data) throw new Error(`gradcheck: ${x} is not a float64 graph input`);
  const w = g.input('__w', 'float64', out.shape);
  const loss = g.reduceSum(g.mul(out, w));
  const grads = gradients(g, loss, wrt);
  g.output('loss', loss);
  grads.forEach((gr, i) => g.output(`grad_${i}`, gr));
  const session = await createSession(toOnnx(g, { keepAllInputs: true }), { threads: 1 });
  const others = g.inputs.filter((v) => v !== w && !wrt.includes(v));
  if (others.length) throw new Error(`gradcheck: inputs ${others.map(String).join(', ')} have no values (use constants)`);

  const base = wrt.map((x) => init?.(x, rng) ?? rng.normals(x.size));
  const wv = rng.normals(out.size);
  const run = async (vals: Float64Array[]) => {
    const feeds: Record<string, ReturnType<typeof tensor>> = { __w: tensor('float64', wv, out.shape) };
    wrt.forEach((x, k) => (feeds[x.name] = tensor('float64', vals[k], x.shape)));
    return session.run(feeds);
  };
  const r0 = await run(base);
  const details: GradCheckResult['details'] = [];
  for (let d = 0; d < (o.directions ?? 3); d++) {
    const dirs = wrt.map((x) => rng.normals(x.size));
    let analytic = 0;
    wrt.forEach((_, k) => {
      const gk = r0[`grad_${k}`].data as Float64Array;
      for (let j = 0; j < gk.length; j++) analytic += gk[j] * dirs[k][j];
    });
    const shifted = (s: number) => base.map((b, k) => b.map((v, j) => v + s * eps * dirs[k][j]));
    const lp = (await run(shifted(1))).loss.data as Float64Array;
    const lm = (await run(shifted(-1))).loss.data as Float64Array;
    const numeric = (lp[0] - lm[0]) / (2 * eps);
    const rel = Math.abs(analytic - numeric) / Math.max(1, Math.abs(analytic), Math.abs(numeric));
    details.push({ analytic, numeric, rel });
  }
  await session.release();
  return { ops, worst: Math.max(...details.map((d) => d.rel)), details };
}

/** Checks f(inputs) for inputs declared by name and shape. */
export async function gradCheck(
  inputs: CheckInput[],
  build: (g: Graph, xs: Value[]) => Value,
  o: { seed?: number; directions?: number; eps?: number } = {},
): Promise<GradCheckResult> {
  return gradCheckGraph((g) => {
    const xs = inputs.map((i) => g.input(i.name, 'float64', i.shape));
    return { out: build(g, xs), wrt: xs, init: (v, rng) => inputs[xs.indexOf(v)].init?.(rng, v.size) };
  }, o);
}
