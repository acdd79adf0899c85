// The encoder as it runs: the bundle's encoder.onnx (embedding, two ONNX GRU ops, the state at each row's last
// token, the mu and logvar layers) rewritten at load into two small graphs driven step by step from here:
//   step   tok_fwd, tok_bwd [B] int64, h_fwd, h_bwd [B, H]  →  h_next_fwd, h_next_bwd [B, H]
//          both directions in one graph; per direction one Gemm per gate (2-D, so ORT prepacks the weights; a
//          single row stays on the GEMM kernel, not MLAS's GEMV, which sums in another order). The input side,
//          W·emb(token) + biases, is a per-token constant: folded at load into a table [V, H] per gate and
//          direction, computed in float64 and rounded once, and gathered instead of multiplied, which removes
//          the input GEMM, a fifth of the encoder's arithmetic.
//   head   h [B, 2H] (each row's forward and backward state at its last token)  →  mu, logvar [B, latent]
// Rows arrive sorted by length, so the rows whose last token was the step just run are a prefix of those still
// running: their states are kept and they leave the batch (no padding is computed past a row's end).
// Same equations as the GRU op (PyTorch's, linear_before_reset); the sums run in another order (the input side
// in float64), so mu differs from the exported graph's by float32 rounding (~1e-7; stepped-encoder.test.ts).
// A row's numbers do not depend on its batch-mates or the batch size: MLAS splits a product over rows and
// columns, never over the sum, and every other op is elementwise or a gather.
import { Graph } from '../graph/builder.ts';
import { onnxTypes } from '../graph/onnx-proto.ts';
import { toOnnx } from '../graph/writer.ts';
import { freeDims } from '../vae/export.ts';
import { floats } from './step-graph.ts';
import type { OnnxTensor } from './step-graph.ts';
import { FasterSession } from './faster-session.ts';
import { createSession, ort } from './session.ts';
import type { RuntimeOptions } from './session.ts';

export interface SteppedEncoderGraphs {
  step: Uint8Array;
  head: Uint8Array;
  /** Encoder hidden size (per direction). */
  hidden: number;
}

const NAMES = ['emb.weight', 'mu.weight', 'mu.bias', 'logvar.weight', 'logvar.bias', ...['fwd', 'bwd'].flatMap((d) => ['W', 'R', 'B'].map((p) => `enc.${d}.${p}`))];

/**
 * The step and head graphs for an encoder.onnx as export.ts writes it; null when its initializers are not the
 * expected ones (an encoder of another shape then runs as exported).
 */
export function steppedEncoderGraphs(encoder: Uint8Array): SteppedEncoderGraphs | null {
  const m = onnxTypes.model.decode(encoder) as unknown as { graph: { initializer: OnnxTensor[]; node: { opType: string }[] } };
  if (m.graph.node.filter((n) => n.opType === 'GRU').length !== 2) return null;
  const inits = new Map(m.graph.initializer.map((t) => [t.name, t]));
  if (NAMES.some((n) => !inits.get(n) || inits.get(n)!.dataType !== 1)) return null;
  const dims = (n: string) => inits.get(n)!.dims.map(Number);
  const w = (n: string) => floats(inits.get(n)!);
  const [V, E] = dims('emb.weight');
  const H = dims('enc.fwd.R')[2];
  const L = dims('mu.weight')[0];
  const shapesOk = ['fwd', 'bwd'].every((d) =>
    same(dims(`enc.${d}.W`), [1, 3 * H, E]) && same(dims(`enc.${d}.R`), [1, 3 * H, H]) && same(dims(`enc.${d}.B`), [1, 6 * H]))
    && same(dims('mu.weight'), [L, 2 * H]) && same(dims('logvar.weight'), [L, 2 * H]) && same(dims('mu.bias'), [L]) && same(dims('logvar.bias'), [L]);
  if (!shapesOk) return null;

  const emb = w('emb.weight');
  const B0 = 2; // nominal batch while building; freed afterwards
  const sg = new Graph();
  const free: Record<string, Record<number, string>> = {};
  for (const d of ['fwd', 'bwd']) {
    const W = w(`enc.${d}.W`), R = w(`enc.${d}.R`), B = w(`enc.${d}.B`);
    // gate k's input side for every token: W_k·emb[v] + Wb_k (+ Rb_k for z and r, whose recurrent bias adds
    // outside the reset gate; n's stays with its product, inside r ⊙ (·)), in float64, rounded once
    const table = (k: number) => {
      const t = new Float32Array(V * H);
      for (let v = 0; v < V; v++)
        for (let j = 0; j < H; j++) {
          const row = k * H + j;
          let acc = B[row] + (k < 2 ? B[3 * H + row] : 0);
          for (let e = 0; e < E; e++) acc += W[row * E + e] * emb[v * E + e];
          t[v * H + j] = acc;
        }
      return t;
    };
    const tok = sg.input(`tok_${d}`, 'int64', [B0]), h = sg.input(`h_${d}`, 'float32', [B0, H]);
    const rk = (k: number) => sg.constant(R.slice(k * H * H, (k + 1) * H * H), 'float32', [H, H], `enc.${d}.R${'zrn'[k]}`);
    const tk = (k: number) => sg.gather(sg.constant(table(k), 'float32', [V, H], `enc.${d}.table${'zrn'[k]}`), tok, 0);
    const z = sg.sigmoid(sg.gemm(h, rk(0), tk(0), { transB: true }));
    const r = sg.sigmoid(sg.gemm(h, rk(1), tk(1), { transB: true }));
    const hn = sg.gemm(h, rk(2), sg.constant(B.slice(5 * H, 6 * H), 'float32', [H], `enc.${d}.Rbn`), { transB: true });
    const n = sg.tanh(sg.add(tk(2), sg.mul(r, hn)));
    sg.output(`h_next_${d}`, sg.add(n, sg.mul(z, sg.sub(h, n))));
    Object.assign(free, { [`tok_${d}`]: { 0: 'batch' }, [`h_${d}`]: { 0: 'batch' }, [`h_next_${d}`]: { 0: 'batch' } });
  }
  const step = freeDims(toOnnx(sg, { name: 'encoder_step' }), free);

  const hg = new Graph();
  const last = hg.input('h', 'float32', [B0, 2 * H]);
  const layer = (name: string) => hg.gemm(last, hg.constant(w(`${name}.weight`), 'float32', [L, 2 * H], `${name}.weight`), hg.constant(w(`${name}.bias`), 'float32', [L], `${name}.bias`), { transB: true });
  hg.output('mu', layer('mu'));
  hg.output('logvar', layer('logvar'));
  const head = freeDims(toOnnx(hg, { name: 'encoder_head' }), { h: { 0: 'batch' }, mu: { 0: 'batch' }, logvar: { 0: 'batch' } });
  return { step, head, hidden: H };
}

const same = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Steps of at most this many rows run on a one-thread session when the runtime has more threads: a step's
 * products are then too small to share between threads (same sums either way).
 */
export const SMALL_ENCODE_ROWS = 16;

/** The encoder run step by step (see the top of this file); null from create() when the graph is not export.ts's. */
export class SteppedEncoder {
  private constructor(
    private readonly g: SteppedEncoderGraphs,
    /** Steps of more than SMALL_ENCODE_ROWS rows: threads-wide, or the faster of that and one thread. */
    private readonly wide: FasterSession | ort.InferenceSession,
    /** Steps of few rows (null: the runtime has one thread anyway: wide is that). */
    private readonly one: ort.InferenceSession | null,
    private readonly head: ort.InferenceSession,
  ) {}

  static async create(encoder: Uint8Array, o: RuntimeOptions = {}): Promise<SteppedEncoder | null> {
    const g = steppedEncoderGraphs(encoder);
    if (!g) return null;
    const threads = o.threads ?? 1;
    const [wide, head] = await Promise.all([createSession(g.step, o), createSession(g.head, o)]);
    const one = threads > 1 ? await createSession(g.step, { ...o, threads: 1 }) : null;
    const chooser = one && o.adaptiveEncoder !== false ? new FasterSession([wide, one], threads, 1) : wide;
    return new SteppedEncoder(g, chooser, one, head);
  }

  /** mu and logvar [rows × latent] of token sequences given shortest first. */
  async encodeSorted(seqs: readonly Int32Array[]): Promise<{ mu: Float32Array; logvar: Float32Array }> {
    const H = this.g.hidden;
    const b = seqs.length;
    for (let i = 1; i < b; i++) if (seqs[i].length < seqs[i - 1].length) throw new Error('encoder: sequences must come shortest first');
    if (b === 0) return { mu: new Float32Array(0), logvar: new Float32Array(0) };
    const last = new Float32Array(b * 2 * H); // each row's forward and backward state after its last token
    let first = 0; // rows first..b-1 are running
    while (first < b && seqs[first].length === 0) first++; // nothing to read: a zero state, as the GRU op gives
    let hf: Float32Array = new Float32Array((b - first) * H), hb: Float32Array = new Float32Array((b - first) * H);
    for (let t = 0; first < b; t++) {
      const n = b - first;
      const tf = new BigInt64Array(n), tb = new BigInt64Array(n);
      for (let k = 0; k < n; k++) {
        const s = seqs[first + k];
        tf[k] = BigInt(s[t]);
        tb[k] = BigInt(s[s.length - 1 - t]);
      }
      [hf, hb] = await this.step(tf, tb, hf, hb, n);
      let end = first;
      while (end < b && seqs[end].length === t + 1) end++;
      for (let r = first; r < end; r++) {
        const k = r - first;
        last.set(hf.subarray(k * H, (k + 1) * H), r * 2 * H);
        last.set(hb.subarray(k * H, (k + 1) * H), r * 2 * H + H);
      }
      // the rows that ended are the first of both states: the rest go on
      hf = hf.subarray((end - first) * H);
      hb = hb.subarray((end - first) * H);
      first = end;
    }
    const out = await this.head.run({ h: new ort.Tensor('float32', last, [b, 2 * H]) });
    return { mu: out.mu.data as Float32Array, logvar: out.logvar.data as Float32Array };
  }

  private async step(tf: BigInt64Array, tb: BigInt64Array, hf: Float32Array, hb: Float32Array, n: number): Promise<[Float32Array, Float32Array]> {
    const H = this.g.hidden;
    const feeds = {
      tok_fwd: new ort.Tensor('int64', tf, [n]), tok_bwd: new ort.Tensor('int64', tb, [n]),
      h_fwd: new ort.Tensor('float32', hf, [n, H]), h_bwd: new ort.Tensor('float32', hb, [n, H]),
    };
    const out = this.one && n <= SMALL_ENCODE_ROWS ? await this.one.run(feeds)
      : this.wide instanceof FasterSession ? await this.wide.run(feeds, n)
      : await this.wide.run(feeds);
    return [out.h_next_fwd.data as Float32Array, out.h_next_bwd.data as Float32Array];
  }

  async release(): Promise<void> {
    if (this.wide instanceof FasterSession) await this.wide.release(); // both step sessions
    else {
      await this.wide.release();
      await this.one?.release();
    }
    await this.head.release();
  }
}
