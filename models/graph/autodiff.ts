// Reverse-mode autodiff driver. From a scalar loss and the values to differentiate by, it appends the backward
// graph to the same Graph: only nodes that lie on a path from a wanted value to the loss are visited (the rest is
// pruned), contributions to a value used several times are summed, gradients computed in a broadcast shape are
// reduced back (ReduceSum over the broadcast axes, then Reshape), and an op without a rule in gradients.ts is
// refused with its name and node.
import type { Graph } from './builder.ts';
import { gradientRules } from './gradients.ts';
import { isFloat } from './ir.ts';
import type { Node, Value } from './ir.ts';

/** Reduces a gradient computed in a broadcast shape back to the shape of the value it belongs to. */
export function unbroadcast(g: Graph, grad: Value, shape: readonly number[]): Value {
  const same = grad.rank === shape.length && grad.shape.every((d, i) => d === shape[i]);
  if (same) return grad;
  const size = shape.reduce((a, b) => a * b, 1);
  if (grad.size === size) return g.reshape(grad, shape);
  if (grad.size < size) return g.expand(grad, shape);
  const lead = grad.rank - shape.length;
  if (lead < 0) throw new Error(`autodiff: gradient [${grad.shape}] cannot belong to a value of shape [${shape}]`);
  const axes: number[] = [];
  for (let i = 0; i < grad.rank; i++) {
    const d = i < lead ? 1 : shape[i - lead];
    if (i < lead || (d === 1 && grad.shape[i] !== 1)) axes.push(i);
    else if (d !== grad.shape[i]) throw new Error(`autodiff: gradient [${grad.shape}] does not broadcast to [${shape}]`);
  }
  return g.reshape(g.reduceSum(grad, axes, false), shape);
}

/** Values that depend on any of `from` (through float values only: ints and bools carry no gradient). */
function dependents(g: Graph, from: readonly Value[]): Set<Value> {
  const dep = new Set<Value>(from);
  for (const n of g.nodes)
    if (n.inputs.some((v) => v && dep.has(v))) for (const o of n.outputs) if (isFloat(o.dtype)) dep.add(o);
  return dep;
}

/** Nodes the value depends on. */
function ancestors(v: Value): Set<Node> {
  const seen = new Set<Node>();
  const stack: Value[] = [v];
  while (stack.length) {
    const n = stack.pop()!.producer;
    if (!n || seen.has(n)) continue;
    seen.add(n);
    for (const i of n.inputs) if (i) stack.push(i);
  }
  return seen;
}

/**
 * Gradients of `loss` with respect to each of `wrt`, in the same order. `loss` must be a float scalar unless a
 * `seed` (its cotangent, same shape) is given. A value that does not influence the loss gets zeros.
 */
export function gradients(g: Graph, loss: Value, wrt: readonly Value[], seed?: Value): Value[] {
  if (!isFloat(loss.dtype)) throw new Error(`autodiff: the loss ${loss} is not a float tensor`);
  if (!seed && loss.size !== 1) throw new Error(`autodiff: the loss ${loss} is not a scalar; pass a seed`);
  for (const w of wrt) if (!isFloat(w.dtype)) throw new Error(`autodiff: cannot differentiate by ${w} (not float)`);
  const dep = dependents(g, wrt);
  const anc = ancestors(loss);
  const order = g.nodes.filter((n) => anc.has(n) && n.inputs.some((v) => v && dep.has(v))).sort((a, b) => b.id - a.id);

  const parts = new Map<Value, Value[]>();
  const add = (v: Value, grad: Value) => {
    const list = parts.get(v);
    if (list) list.push(grad);
    else parts.set(v, [grad]);
  };
  // Several contributions are summed once, with a single Sum node.
  const total = (v: Value): Value | null => {
    const list = parts.get(v);
    if (!list) return null;
    if (list.length > 1) parts.set(v, [g.sum(...list)]);
    return parts.get(v)![0];
  };
  add(loss, seed ?? g.fill(1, loss.dtype, loss.shape));

  for (const node of order) {
    const gys = node.outputs.map(total);
    if (gys.every((x) => x === null)) continue;
    const rule = gradientRules[node.op];
    if (!rule) throw new Error(`autodiff: no gradient rule for op '${node.op}' (node n${node.id} computing ${node.outputs[0]})`);
    const needs = node.inputs.map((v) => v !== null && dep.has(v) && isFloat(v.dtype));
    const grads = rule(g, node, gys, needs);
    node.inputs.forEach((v, i) => {
      if (!v || !needs[i]) return;
      const gi = grads[i];
      if (!gi) throw new Error(`autodiff: the ${node.op} rule gives no gradient for input ${i} (${v})`);
      if (gi.dtype !== v.dtype) throw new Error(`autodiff: the ${node.op} rule gives a ${gi.dtype} gradient for ${v}`);
      add(v, unbroadcast(g, gi, v.shape));
    });
  }
  return wrt.map((w) => total(w) ?? g.fill(0, w.dtype, w.shape));
}
