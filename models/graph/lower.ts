// Lowering: ops that ONNX Runtime's CPU kernels do not provide for a dtype are written as an expansion into
// primitives instead (GRU and Softplus in float64, which ORT implements only in float32). The IR keeps the original
// node, so autodiff still sees one GRU and uses its own rule; only the writer swaps in the expansion.
import type { Graph } from './builder.ts';
import { expandGru } from './gru.ts';
import { expandGruSteps } from './gru-steps.ts';
import type { Node, Value } from './ir.ts';

const lowerings: Record<string, (g: Graph, node: Node) => Value[] | null> = {
  GRU: (g, node) => (node.outputs[0].dtype === 'float32' ? null : expandGru(g, node)),
  // Not an ONNX op: always written as its expansion (see gru-steps.ts).
  GRUSteps: (g, node) => expandGruSteps(g, node),
  // softplus(x) = relu(x) + log(1 + exp(-|x|)), stable for large |x|.
  Softplus: (g, node) => {
    const x = node.inputs[0]!;
    if (x.dtype === 'float32') return null;
    return [g.add(g.relu(x), g.log(g.add(g.exp(g.neg(g.op('Abs', [x]))), 1)))];
  },
};

const cache = new WeakMap<Node, Value[] | null>();

/** The values that replace the node's outputs when written, or null when it is written as it is. */
export function lowerNode(g: Graph, node: Node): Value[] | null {
  if (!cache.has(node)) cache.set(node, lowerings[node.op]?.(g, node) ?? null);
  return cache.get(node)!;
}
