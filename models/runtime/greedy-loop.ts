// A whole greedy decode of one row in one ONNX Runtime call: the decoder step graph (as it runs, step-graph.ts)
// becomes the body of an ONNX Loop that feeds each step's argmax to the next and stops after <eos> or the
// length limit. A one-row decode stepped from JS pays for an ORT call and a trip through the event loop at each
// of its ~40 steps (~10 µs of a ~80 µs step); in one call they are paid once (README, "Where a decode's time
// goes").
//
// The Loop only proposes: it returns every step's logits and state, and decode.ts replays them through the
// usual step loop, which picks each token as it always does (log-softmax in float64, the syntax mask when
// constrained) and takes a step's result from the proposal only while the tokens fed so far are the ones the
// Loop fed. Where the pick differs (a syntax mask that refuses the model's argmax, a tie), it goes on stepping
// from there with the proposal's state, which is that step's. The body holds the step's own nodes and weights,
// so a step gives the same bits inside the Loop as alone (decode-reference.test.ts): the decode is exactly the
// stepped one.
import { onnxTypes } from '../graph/onnx-proto.ts';
import type { OnnxTensor } from './step-graph.ts';

interface Node {
  opType: string;
  input: string[];
  output: string[];
  name?: string;
  attribute?: unknown[];
}
interface Model {
  graph: { name?: string; node: Node[]; initializer: OnnxTensor[]; input: unknown[]; output: unknown[] };
  [k: string]: unknown;
}

const FLOAT = 1, INT64 = 7, BOOL = 9;
const ATTR_INT = 2, ATTR_GRAPH = 5;

const valueInfo = (name: string, elemType: number, dims: (number | string)[]) => ({
  name,
  type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
});
const int64s = (name: string, values: number[]): OnnxTensor => ({
  name, dims: [values.length], dataType: INT64, rawData: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer),
});

export interface GreedyLoopShape {
  hidden: number;
  vocab: number;
  bos: number;
  eos: number;
}

/**
 * The Loop model for a decoder step graph with inputs zproj [rows, 3H], token [rows], h [rows, H] and outputs
 * logits, h_next. Inputs: zproj [1, 3H], h0 [1, H], max_steps (int64 scalar). Outputs, one row a step:
 * fed [T, 1] (the token each step was fed: <bos>, then the argmax before it), logits [T, 1, V], h [T, 1, H].
 * Null when the step graph is not of that form.
 */
export function greedyLoopGraph(step: Uint8Array, s: GreedyLoopShape): Uint8Array | null {
  const m = onnxTypes.model.decode(step) as unknown as Model;
  const g = m.graph;
  const names = (xs: unknown[]) => (xs as { name: string }[]).map((x) => x.name).sort().join();
  if (names(g.input) !== 'h,token,zproj' || names(g.output) !== 'h_next,logits') return null;
  const { hidden: H, vocab: V } = s;
  // Inside the body the step's names stay; its outer names (the Loop's inputs and outputs) are new, so nothing
  // in the body shadows the main graph.
  const body = {
    name: 'greedy_step',
    initializer: [...g.initializer, int64s('loop.eos', [s.eos]), int64s('loop.axis0', [0])],
    node: [
      ...g.node,
      { opType: 'ArgMax', input: ['logits'], output: ['loop.next'], attribute: [{ name: 'axis', type: ATTR_INT, i: 1 }, { name: 'keepdims', type: ATTR_INT, i: 0 }] },
      { opType: 'Equal', input: ['loop.next', 'loop.eos'], output: ['loop.ended'] },
      { opType: 'Not', input: ['loop.ended'], output: ['loop.going'] },
      { opType: 'Squeeze', input: ['loop.going', 'loop.axis0'], output: ['loop.cond_out'] },
      { opType: 'Identity', input: ['token'], output: ['loop.fed'] },
      { opType: 'Identity', input: ['logits'], output: ['loop.logits'] },
      { opType: 'Identity', input: ['h_next'], output: ['loop.h'] },
    ],
    input: [valueInfo('loop.iter', INT64, []), valueInfo('loop.cond_in', BOOL, []), valueInfo('token', INT64, [1]), valueInfo('h', FLOAT, [1, H])],
    // zproj is read from the main graph (an outer-scope input, the same at every step)
    output: [
      valueInfo('loop.cond_out', BOOL, []), valueInfo('loop.next', INT64, [1]), valueInfo('h_next', FLOAT, [1, H]),
      valueInfo('loop.fed', INT64, [1]), valueInfo('loop.logits', FLOAT, [1, V]), valueInfo('loop.h', FLOAT, [1, H]),
    ],
  };
  const main = {
    name: 'greedy_loop',
    initializer: [int64s('bos', [s.bos]), { name: 'go', dims: [], dataType: BOOL, rawData: Uint8Array.of(1) }],
    input: [valueInfo('zproj', FLOAT, [1, 3 * H]), valueInfo('h0', FLOAT, [1, H]), valueInfo('max_steps', INT64, [])],
    output: [valueInfo('fed', INT64, ['steps', 1]), valueInfo('logits', FLOAT, ['steps', 1, V]), valueInfo('h', FLOAT, ['steps', 1, H])],
    node: [{
      opType: 'Loop', name: 'greedy', input: ['max_steps', 'go', 'bos', 'h0'], output: ['last_token', 'last_h', 'fed', 'logits', 'h'],
      attribute: [{ name: 'body', type: ATTR_GRAPH, g: body }],
    }],
  };
  return onnxTypes.model.encode({ ...m, graph: main } as never).finish();
}

/** A greedy Loop's proposal: step t was fed fed[t] and gave logits[t·V ..] and state h[t·H ..]. */
export interface GreedyProposal {
  fed: BigInt64Array;
  logits: Float32Array;
  h: Float32Array;
}
