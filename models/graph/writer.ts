// ONNX writer: a Graph and the names of its outputs to a serialized ModelProto (opset 17, IR version 8).
// Only what the outputs need is written (dead nodes, inputs and constants are dropped unless kept on purpose),
// nodes are emitted in a topological order, constants become initializers with raw little-endian data.
import { ONNX_ATTR_TYPE, ONNX_DATA_TYPE, onnxTypes } from './onnx-proto.ts';
import { lowerNode } from './lower.ts';
import type { Graph } from './builder.ts';
import type { Attr, Node, TensorData, Value } from './ir.ts';

export const OPSET = 17;
const IR_VERSION = 8;

export interface WriteOptions {
  /** Keep every declared graph input even when no output needs it (so callers can feed a fixed set). */
  keepAllInputs?: boolean;
  /** The graph's name inside the model. */
  name?: string;
}

function bytesOf(data: TensorData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function attrProto(name: string, a: Attr): Record<string, unknown> {
  if ('i' in a) return { name, type: ONNX_ATTR_TYPE.int, i: a.i };
  if ('f' in a) return { name, type: ONNX_ATTR_TYPE.float, f: a.f };
  if ('s' in a) return { name, type: ONNX_ATTR_TYPE.string, s: new TextEncoder().encode(a.s) };
  if ('ints' in a) return { name, type: ONNX_ATTR_TYPE.ints, ints: [...a.ints] };
  return { name, type: ONNX_ATTR_TYPE.floats, floats: [...a.floats] };
}

const valueInfo = (name: string, v: Value) => ({
  name,
  type: { tensorType: { elemType: ONNX_DATA_TYPE[v.dtype], shape: { dim: v.shape.map((d) => ({ dimValue: d })) } } },
});

type Step = { node: Node } | { alias: Value; to: Value };

/**
 * What the given values depend on, in a topological order. A node that lower.ts expands for its dtype is
 * replaced by its expansion, whose results are then aliased onto the node's outputs (Identity).
 */
export function plan(graph: Graph, roots: readonly Value[]): Step[] {
  const steps: Step[] = [];
  const seen = new Set<Node>();
  // Iterative DFS: unrolled recurrences make dependency chains thousands of nodes deep.
  const stack: { node: Node; deps: readonly (Value | null)[]; lowered: Value[] | null; next: number }[] = [];
  const push = (v: Value | null) => {
    const n = v?.producer;
    if (!n || seen.has(n)) return;
    seen.add(n);
    const lowered = lowerNode(graph, n);
    stack.push({ node: n, deps: lowered ?? n.inputs, lowered, next: 0 });
  };
  for (const r of roots) {
    push(r);
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.next < top.deps.length) {
        push(top.deps[top.next++]);
        continue;
      }
      stack.pop();
      if (top.lowered) top.lowered.forEach((v, i) => steps.push({ alias: v, to: top.node.outputs[i] }));
      else steps.push({ node: top.node });
    }
  }
  return steps;
}

/** Serializes the graph with its declared outputs (graph.output) as an ONNX model. */
export function toOnnx(graph: Graph, options: WriteOptions = {}): Uint8Array {
  if (graph.outputs.length === 0) throw new Error('onnx writer: the graph declares no outputs');
  const roots = graph.outputs.map((o) => o.value);
  const steps = plan(graph, roots);
  const used = new Set<Value>(roots);
  for (const s of steps) {
    if ('alias' in s) used.add(s.alias);
    else for (const v of s.node.inputs) if (v) used.add(v);
  }

  const names = new Set<string>();
  const claim = (n: string) => {
    if (names.has(n)) throw new Error(`onnx writer: the name '${n}' is used twice`);
    names.add(n);
  };
  const inputs = graph.inputs.filter((v) => options.keepAllInputs || used.has(v));
  inputs.forEach((v) => claim(v.name));
  const initializers = graph.constants.filter((v) => used.has(v));
  const nodeProtos = steps.map((s) =>
    'node' in s
      ? {
          name: `n${s.node.id}_${s.node.op}`,
          opType: s.node.op,
          input: s.node.inputs.map((v) => (v ? v.name : '')),
          output: s.node.outputs.map((v) => v.name),
          attribute: Object.entries(s.node.attrs).map(([k, a]) => attrProto(k, a)),
        }
      : { name: `alias_${s.to.name}`, opType: 'Identity', input: [s.alias.name], output: [s.to.name], attribute: [] },
  );
  for (const o of graph.outputs) {
    claim(o.name);
    nodeProtos.push({ name: `out_${o.name}`, opType: 'Identity', input: [o.value.name], output: [o.name], attribute: [] });
  }
  const model = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'molscape-models-graph',
    graph: {
      name: options.name ?? 'graph',
      node: nodeProtos,
      initializer: initializers.map((v) => ({
        name: v.name,
        dims: [...v.shape],
        dataType: ONNX_DATA_TYPE[v.dtype],
        rawData: bytesOf(v.data as TensorData),
      })),
      input: inputs.map((v) => valueInfo(v.name, v)),
      output: graph.outputs.map((o) => valueInfo(o.name, o.value)),
    },
  };
  const err = onnxTypes.model.verify(model);
  if (err) throw new Error(`onnx writer: ${err}`);
  return onnxTypes.model.encode(onnxTypes.model.fromObject(model)).finish();
}
