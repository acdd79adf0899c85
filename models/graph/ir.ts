// The tensor-graph IR: values with static shapes and dtypes, nodes in ONNX terms (op type, inputs, attributes,
// outputs), and a graph that owns both. Shapes are fully static on purpose: train steps are compiled per batch
// size and length bucket, which keeps every gradient reduction known at build time and the ONNX graphs free of
// Shape/Gather chains. Output types come from infer.ts when a node is added.
import { inferOutputs } from './infer.ts';

export type DType = 'float32' | 'float64' | 'int64' | 'bool';
export type Shape = readonly number[];
export type TensorData = Float32Array | Float64Array | BigInt64Array | Uint8Array;

export type Attr =
  | { i: number }
  | { f: number }
  | { s: string }
  | { ints: readonly number[] }
  | { floats: readonly number[] };
export type Attrs = Record<string, Attr>;

export class Value {
  constructor(
    readonly id: number,
    readonly name: string,
    readonly dtype: DType,
    readonly shape: Shape,
    /** The node that computes it; null for graph inputs and constants. */
    readonly producer: Node | null,
    /** Set for constants (written as initializers). */
    readonly data?: TensorData,
  ) {}

  get rank(): number {
    return this.shape.length;
  }

  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  toString(): string {
    return `${this.name}: ${this.dtype}[${this.shape.join(',')}]`;
  }
}

export interface Node {
  readonly id: number;
  readonly op: string;
  /** null stands for an omitted optional input (written as ''). */
  readonly inputs: readonly (Value | null)[];
  readonly outputs: readonly Value[];
  readonly attrs: Attrs;
}

export const isFloat = (d: DType): boolean => d === 'float32' || d === 'float64';

/** Storage for a graph: values, nodes in creation order (always a topological order), inputs, outputs. */
export class GraphCore {
  readonly nodes: Node[] = [];
  readonly inputs: Value[] = [];
  readonly constants: Value[] = [];
  readonly outputs: { name: string; value: Value }[] = [];
  private nextId = 0;
  private readonly names = new Set<string>();

  protected newValue(dtype: DType, shape: Shape, producer: Node | null, name?: string, data?: TensorData): Value {
    const id = this.nextId++;
    const n = name ?? `v${id}`;
    if (this.names.has(n)) throw new Error(`graph: the name '${n}' is already used`);
    this.names.add(n);
    return new Value(id, n, dtype, [...shape], producer, data);
  }

  input(name: string, dtype: DType, shape: Shape): Value {
    if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`graph: input '${name}' has a bad shape [${shape}]`);
    const v = this.newValue(dtype, shape, null, name);
    this.inputs.push(v);
    return v;
  }

  constant(data: TensorData, dtype: DType, shape: Shape, name?: string): Value {
    const size = shape.reduce((a, b) => a * b, 1);
    if (data.length !== size) throw new Error(`graph: constant of shape [${shape}] needs ${size} values, got ${data.length}`);
    const v = this.newValue(dtype, shape, null, name, data);
    this.constants.push(v);
    return v;
  }

  /** Adds a node; output dtypes and shapes are inferred (infer.ts), which also validates the inputs. */
  node(op: string, inputs: readonly (Value | null)[], attrs: Attrs = {}, outputCount = 1): Value[] {
    let types;
    try {
      types = inferOutputs(op, inputs, attrs, outputCount);
    } catch (e) {
      const args = inputs.map((v) => (v ? v.toString() : '-')).join(', ');
      throw new Error(`graph: ${op}(${args}): ${(e as Error).message}`);
    }
    const node: { id: number; op: string; inputs: (Value | null)[]; outputs: Value[]; attrs: Attrs } = {
      id: this.nodes.length,
      op,
      inputs: [...inputs],
      outputs: [],
      attrs,
    };
    for (const t of types) node.outputs.push(this.newValue(t.dtype, t.shape, node));
    this.nodes.push(node);
    return node.outputs;
  }

  /** Marks a value as a graph output under a name (through an Identity node, so names never clash). */
  output(name: string, value: Value): void {
    if (this.outputs.some((o) => o.name === name)) throw new Error(`graph: output '${name}' declared twice`);
    this.outputs.push({ name, value });
  }
}
