// Parameters of a model as graph inputs, with how each is initialized. Train steps feed them (and get the
// updated ones back); inference graphs can bind trained values instead. Initialization follows PyTorch's
// defaults (uniform ±1/√fan_in for linear and GRU weights, N(0, 1) for embeddings) so results compare.
import type { Graph } from '../graph/builder.ts';
import type { DType, Value } from '../graph/ir.ts';
import type { Rng } from '../graph/rng.ts';

export type Init = { uniform: number } | { normal: number } | { zeros: true };

export interface ParamSpec {
  name: string;
  shape: number[];
  init: Init;
  value: Value;
}

export class Params {
  readonly specs: ParamSpec[] = [];

  /**
   * Parameters become graph inputs (train steps), or, when `boundWeights` are given, constants holding them
   * (inference graphs with the trained weights as initializers).
   */
  constructor(
    readonly g: Graph,
    readonly dtype: DType = 'float32',
    readonly boundWeights?: ReadonlyMap<string, Float32Array>,
  ) {}

  add(name: string, shape: number[], init: Init): Value {
    if (this.specs.some((s) => s.name === name)) throw new Error(`params: '${name}' declared twice`);
    const size = shape.reduce((a, b) => a * b, 1);
    let value: Value;
    if (this.boundWeights) {
      const w = this.boundWeights.get(name);
      if (!w || w.length !== size) throw new Error(`params: no weights of size ${size} for '${name}'`);
      value = this.g.constant(this.dtype === 'float32' ? w : Float64Array.from(w), this.dtype, shape, name);
    } else value = this.g.input(name, this.dtype, shape);
    this.specs.push({ name, shape, init, value });
    return value;
  }

  get count(): number {
    return this.specs.reduce((a, s) => a + s.value.size, 0);
  }
}

/** Initial values in declaration order, drawn from the rng (same seed, same weights). */
export function initialValues(specs: readonly Pick<ParamSpec, 'name' | 'shape' | 'init'>[], rng: Rng): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const a = new Float32Array(n);
    if ('uniform' in s.init) for (let i = 0; i < n; i++) a[i] = (2 * rng.uniform() - 1) * s.init.uniform;
    else if ('normal' in s.init) for (let i = 0; i < n; i++) a[i] = rng.normal() * s.init.normal;
    out.set(s.name, a);
  }
  return out;
}
