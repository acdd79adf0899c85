// Running compiled train steps. The training state (parameters and Adam moments as ORT tensors, and the number
// of updates applied) is shared by the sessions of every length bucket; a step's outputs become the next step's
// inputs without copying through plain arrays. A step whose loss or gradient norm is not finite changes nothing.
import type { CompiledStep } from './compile-step.ts';
import { createSession, tensor } from '../graph/ort.ts';
import type { ort } from '../graph/ort.ts';

export class TrainState {
  /** Updates applied so far (Adam's t is this + 1 for the next one). */
  updates = 0;
  readonly params = new Map<string, ort.Tensor>();
  readonly m = new Map<string, ort.Tensor>();
  readonly v = new Map<string, ort.Tensor>();

  /** Fresh state: given weights, zero moments. */
  static fromWeights(weights: Map<string, Float32Array>, shapes: Map<string, number[]>): TrainState {
    const s = new TrainState();
    for (const [name, w] of weights) {
      const shape = shapes.get(name) ?? [w.length];
      s.params.set(name, tensor('float32', w, shape));
      s.m.set(name, tensor('float32', new Float32Array(w.length), shape));
      s.v.set(name, tensor('float32', new Float32Array(w.length), shape));
    }
    return s;
  }

  /** State saved by snapshot() (e.g. read from a checkpoint). */
  static restore(saved: { updates: number; params: Map<string, Float32Array>; m: Map<string, Float32Array>; v: Map<string, Float32Array> }, shapes: Map<string, number[]>): TrainState {
    const s = new TrainState();
    s.updates = saved.updates;
    for (const [name, w] of saved.params) {
      const shape = shapes.get(name) ?? [w.length];
      const m = saved.m.get(name), v = saved.v.get(name);
      if (!m || !v || m.length !== w.length || v.length !== w.length) throw new Error(`train state: optimizer state for ${name} is missing or has another size`);
      s.params.set(name, tensor('float32', w, shape));
      s.m.set(name, tensor('float32', m, shape));
      s.v.set(name, tensor('float32', v, shape));
    }
    return s;
  }

  /** Plain copies of everything (for checkpoints). */
  snapshot(): { updates: number; params: Map<string, Float32Array>; m: Map<string, Float32Array>; v: Map<string, Float32Array> } {
    const copy = (src: Map<string, ort.Tensor>) => new Map([...src].map(([k, t]) => [k, Float32Array.from(t.data as Float32Array)]));
    return { updates: this.updates, params: copy(this.params), m: copy(this.m), v: copy(this.v) };
  }
}

export interface StepResult {
  loss: number;
  reports: Record<string, number>;
  gradNorm: number;
  /** False when loss or gradient norm was NaN/Inf: the update was not applied. */
  applied: boolean;
}

export class StepRunner {
  private constructor(
    readonly compiled: CompiledStep,
    readonly session: ort.InferenceSession,
  ) {}

  static async create(compiled: CompiledStep, threads = 2): Promise<StepRunner> {
    return new StepRunner(compiled, await createSession(compiled.model, { threads }));
  }

  async run(state: TrainState, batch: Record<string, ort.Tensor>, lr: number): Promise<StepResult> {
    const feeds: Record<string, ort.Tensor> = { ...batch };
    feeds.lr = tensor('float32', [lr], []);
    feeds.step = tensor('float32', [state.updates + 1], []);
    for (const name of this.compiled.paramNames) {
      feeds[name] = state.params.get(name)!;
      feeds[`m.${name}`] = state.m.get(name)!;
      feeds[`v.${name}`] = state.v.get(name)!;
    }
    const out = await this.session.run(feeds);
    const scalar = (k: string) => (out[k].data as Float32Array)[0];
    const loss = scalar('loss'), gradNorm = scalar('grad_norm');
    const reports = Object.fromEntries(this.compiled.reportNames.map((k) => [k, scalar(`loss.${k}`)]));
    const applied = Number.isFinite(loss) && Number.isFinite(gradNorm);
    if (applied) {
      for (const name of this.compiled.paramNames) {
        state.params.set(name, out[`new.${name}`]);
        state.m.set(name, out[`new.m.${name}`]);
        state.v.set(name, out[`new.v.${name}`]);
      }
      state.updates++;
    }
    return { loss, reports, gradNorm, applied };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
