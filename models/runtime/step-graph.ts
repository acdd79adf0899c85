// The decoder step as it runs, rewritten from the graph as exported (export.ts, the bundle's decoder_step.onnx):
// the recurrent product Gemm(h, R [3H, H], Rb [3H], transB) followed by a Split into the three gates' parts
// becomes three Gemms, one per gate, over R's and Rb's row blocks, their outputs named as the Split's were.
// Each output number is the same dot product with the same bias, summed in the same order (MLAS tiles a product
// over rows and columns, never over the shared dimension), so the step gives bit-identical logits and states
// (decode-reference.test.ts checks the decoder against the graph as exported); it saves the 1.5 MB copy of the
// Split at batch 256 and lets the two threads share three smaller products, which beside other work was ~15 %
// faster a step (README, "Where a decode's time goes"). Done at load, so every bundle on disk gets it.
import { onnxTypes } from '../graph/onnx-proto.ts';

/** An ONNX TensorProto as onnx-proto.ts decodes it. */
export interface OnnxTensor {
  name: string;
  dims: unknown[];
  dataType: number;
  rawData?: Uint8Array;
  floatData?: number[];
  int64Data?: unknown[];
}
interface Node {
  name?: string;
  opType: string;
  input: string[];
  output: string[];
  attribute?: { name: string; i?: unknown }[];
}
interface Model {
  graph: { node: Node[]; initializer: OnnxTensor[] };
}

const FLOAT = 1;
const num = (x: unknown) => Number(x); // int64 fields decode as Long

/** Float32 values of an initializer (raw little-endian bytes or float_data). */
export function floats(t: OnnxTensor): Float32Array {
  if (t.rawData && t.rawData.length > 0) {
    const copy = new Uint8Array(t.rawData); // a copy, aligned (a protobufjs Buffer's slice() would be a view)
    return new Float32Array(copy.buffer, copy.byteOffset, copy.byteLength / 4);
  }
  return Float32Array.from(t.floatData ?? []);
}

const floatTensor = (name: string, dims: number[], data: Float32Array): OnnxTensor => ({
  name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
});

/**
 * The step graph with its recurrent Gemm + Split replaced by one Gemm per gate; the bytes unchanged when the
 * graph has no such pair (a graph of another shape runs as it is).
 */
export function splitGateGemms(model: Uint8Array): Uint8Array {
  const m = onnxTypes.model.decode(model) as unknown as Model;
  const g = m.graph;
  const inits = new Map(g.initializer.map((t) => [t.name, t]));
  const consumers = (name: string) => g.node.filter((n) => n.input.includes(name));
  const gemmAt = g.node.findIndex((n) => {
    if (n.opType !== 'Gemm' || n.input.length !== 3 || n.output.length !== 1) return false;
    const attrs = new Map((n.attribute ?? []).map((a) => [a.name, num(a.i)]));
    if (attrs.get('transB') !== 1 || [...attrs.keys()].some((k) => k !== 'transB')) return false;
    const R = inits.get(n.input[1]), b = inits.get(n.input[2]);
    if (!R || !b || R.dataType !== FLOAT || b.dataType !== FLOAT || R.dims.length !== 2 || b.dims.length !== 1) return false;
    const [rows, H] = R.dims.map(num);
    if (rows !== 3 * H || num(b.dims[0]) !== rows) return false;
    const users = consumers(n.output[0]);
    return users.length === 1 && isEvenSplit(users[0], n.output[0], H, inits);
  });
  if (gemmAt < 0) return model;
  const gemm = g.node[gemmAt];
  const split = consumers(gemm.output[0])[0];
  const R = floats(inits.get(gemm.input[1])!), bias = floats(inits.get(gemm.input[2])!);
  const H = num(inits.get(gemm.input[1])!.dims[1]);
  const gates = [0, 1, 2].map((k) => {
    const r = floatTensor(`${gemm.input[1]}.gate${k}`, [H, H], R.slice(k * H * H, (k + 1) * H * H));
    const b = floatTensor(`${gemm.input[2]}.gate${k}`, [H], bias.slice(k * H, (k + 1) * H));
    g.initializer.push(r, b);
    return { ...gemm, name: `${gemm.name ?? 'gemm'}.gate${k}`, input: [gemm.input[0], r.name, b.name], output: [split.output[k]] };
  });
  g.node = g.node.flatMap((n) => (n === gemm ? gates : n === split ? [] : [n]));
  // the whole R and Rb are no longer read: drop them (ORT would keep them in memory otherwise)
  const read = new Set(g.node.flatMap((n) => n.input));
  g.initializer = g.initializer.filter((t) => read.has(t.name));
  return onnxTypes.model.encode(m as never).finish();
}

/** A Split of `input` along axis 1 into three parts of H (sizes as a constant input). */
function isEvenSplit(n: Node, input: string, H: number, inits: Map<string, OnnxTensor>): boolean {
  if (n.opType !== 'Split' || n.input[0] !== input || n.output.length !== 3) return false;
  const axis = (n.attribute ?? []).find((a) => a.name === 'axis');
  if (!axis || num(axis.i) !== 1 || (n.attribute ?? []).length !== 1) return false;
  const sizes = n.input[1] ? inits.get(n.input[1]) : undefined;
  if (!sizes || sizes.dataType !== 7) return false;
  const raw = sizes.rawData ?? new Uint8Array();
  const v = raw.length > 0 ? Array.from(new BigInt64Array(new Uint8Array(raw).buffer)) : (sizes.int64Data ?? []);
  return v.length === 3 && v.every((s) => Number(s) === H);
}
