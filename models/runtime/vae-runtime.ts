// A trained VAE on ONNX Runtime: encode token sequences to (mu, logvar), the decoder's initial state and one
// decoder step, the property head and its gradient with respect to z. Everything is batched; latent vectors
// travel as flat row-major Float32Arrays [rows × latent].
import type { Vocabulary } from '../vae/tokenizer.ts';
import type { Problem } from '../vae/tokenizer.ts';
import { createSession, ort } from './session.ts';
import { splitGateGemms } from './step-graph.ts';
import { FasterSession } from './faster-session.ts';
import { SteppedEncoder } from './stepped-encoder.ts';
import { greedyLoopGraph } from './greedy-loop.ts';
import type { GreedyProposal } from './greedy-loop.ts';
import { BOS_ID, EOS_ID } from '../vae/tokenizer.ts';
import type { RuntimeOptions } from './session.ts';

export interface RuntimeGraphs {
  encoder: Uint8Array;
  initialState: Uint8Array;
  decoderStep: Uint8Array;
  property: Uint8Array;
  propertyGrad: Uint8Array;
}

export interface RuntimeModel {
  vocabulary: Vocabulary;
  latent: number;
  decoderHidden: number;
  /** Property names of the head's outputs (may be empty: the head then has one unused output). */
  properties: string[];
  /** Longest decode, in tokens (<eos> included). */
  maxLength: number;
  graphs: RuntimeGraphs;
}

/** A tensor over the first prod(dims) values (callers may pass longer buffers). */
const tensor = (type: 'float32' | 'int64', data: Float32Array | BigInt64Array, dims: number[]) => {
  const n = dims.reduce((a, b) => a * b, 1);
  if (data.length < n) throw new Error(`runtime: ${n} values needed for [${dims}], got ${data.length}`);
  return new ort.Tensor(type, data.length === n ? data : data.subarray(0, n), dims);
};

/**
 * Steps of at most this many rows run on a one-thread decoder-step session when the runtime has more threads:
 * for a few rows the matrix products are too small to share, and handing each of a step's ~16 kernels to a
 * second thread and back cost more than it saved (one molecule's greedy decode beside other work: p50 4.2–5.0 ms
 * on 2 threads, 3.6 ms this way; at 4 rows the two were even; tune-decode.ts, README.md). Same kernels, same sums:
 * the results are identical (decode-reference.test.ts).
 */
export const SMALL_STEP_ROWS = 4;

/**
 * Encoder runs of at least this many tokens (rows × length) go to whichever of the runtime's threads and one
 * thread has lately been faster (faster-session.ts); smaller ones to the runtime's threads.
 */
export const ADAPTIVE_ENCODE_TOKENS = 2048;

export class VaeRuntime {
  private constructor(
    readonly model: RuntimeModel,
    private readonly s: Record<keyof RuntimeGraphs, ort.InferenceSession>,
    /** One-thread decoder step for steps of at most smallRows rows (null: the runtime has one thread anyway). */
    private readonly smallStep: ort.InferenceSession | null,
    private readonly smallRows: number,
    /** The encoder on the runtime's threads or on one, whichever has lately been faster (null: one thread anyway). */
    private readonly encoder: FasterSession | null,
    /** The encoder step by step (stepped-encoder.ts); null: encoder.onnx as exported runs. */
    private readonly stepped: SteppedEncoder | null,
    /** A one-row greedy decode in one call (greedy-loop.ts), on one thread; null: off. */
    private readonly greedyLoop: ort.InferenceSession | null,
  ) {}

  static async create(model: RuntimeModel, o: RuntimeOptions = {}): Promise<VaeRuntime> {
    // the step as it runs: one recurrent Gemm per gate (step-graph.ts); model.graphs keeps the graph as exported
    const step = o.splitGateGemms === false ? model.graphs.decoderStep : splitGateGemms(model.graphs.decoderStep);
    const stepped = o.steppedEncoder === false ? null : await SteppedEncoder.create(model.graphs.encoder, o);
    const graphs: Partial<RuntimeGraphs> = { ...model.graphs, decoderStep: step };
    if (stepped) delete graphs.encoder; // not needed: its weights run in the stepped encoder's graphs
    const entries = await Promise.all(Object.entries(graphs).map(async ([k, g]) => [k, await createSession(g, o)] as const));
    const smallRows = o.smallStepRows ?? SMALL_STEP_ROWS;
    const smallStep = (o.threads ?? 1) > 1 && smallRows > 0 ? await createSession(step, { ...o, threads: 1 }) : null;
    const s = Object.fromEntries(entries) as Record<keyof RuntimeGraphs, ort.InferenceSession>;
    const encoder = !stepped && (o.threads ?? 1) > 1 && o.adaptiveEncoder !== false
      ? new FasterSession([s.encoder, await createSession(model.graphs.encoder, { ...o, threads: 1 })], o.threads!, ADAPTIVE_ENCODE_TOKENS)
      : null;
    const loop = o.greedyLoop === false ? null : greedyLoopGraph(step, { hidden: model.decoderHidden, vocab: model.vocabulary.size, bos: BOS_ID, eos: EOS_ID });
    const greedyLoop = loop ? await createSession(loop, { ...o, threads: 1 }) : null;
    return new VaeRuntime(model, s, smallStep, smallRows, encoder, stepped, greedyLoop);
  }

  get vocabulary(): Vocabulary {
    return this.model.vocabulary;
  }

  get latent(): number {
    return this.model.latent;
  }

  /** mu and logvar for token sequences (<bos> … <eos>), in chunks of batchSize sorted by length (less padding). */
  async encodeIds(seqs: readonly Int32Array[], batchSize = 256): Promise<{ mu: Float32Array; logvar: Float32Array }> {
    const L = this.latent;
    const mu = new Float32Array(seqs.length * L), logvar = new Float32Array(seqs.length * L);
    if (seqs.length === 0) return { mu, logvar };
    const order = [...seqs.keys()].sort((a, b) => seqs[a].length - seqs[b].length);
    for (let s = 0; s < order.length; s += batchSize) {
      const rows = order.slice(s, s + batchSize);
      const chunk = rows.map((r) => seqs[r]); // shortest first
      const out = this.stepped ? await this.stepped.encodeSorted(chunk) : await this.encodeExported(chunk);
      rows.forEach((r, j) => {
        mu.set(out.mu.subarray(j * L, (j + 1) * L), r * L);
        logvar.set(out.logvar.subarray(j * L, (j + 1) * L), r * L);
      });
    }
    return { mu, logvar };
  }

  /** One chunk through encoder.onnx as exported: padded to its longest sequence, with the last-token mask. */
  private async encodeExported(seqs: readonly Int32Array[]): Promise<{ mu: Float32Array; logvar: Float32Array }> {
    const b = seqs.length, t = Math.max(...seqs.map((x) => x.length));
    const tokens = new BigInt64Array(t * b), rev = new BigInt64Array(t * b), last = new Float32Array(t * b);
    seqs.forEach((ids, j) => {
      const n = ids.length;
      for (let k = 0; k < n; k++) {
        tokens[k * b + j] = BigInt(ids[k]);
        rev[k * b + j] = BigInt(ids[n - 1 - k]);
      }
      last[(n - 1) * b + j] = 1;
    });
    const feeds = { tokens: tensor('int64', tokens, [t, b]), tokens_rev: tensor('int64', rev, [t, b]), last: tensor('float32', last, [t, b]) };
    const out = await (this.encoder ? this.encoder.run(feeds, t * b) : this.s.encoder.run(feeds));
    return { mu: out.mu.data as Float32Array, logvar: out.logvar.data as Float32Array };
  }

  /**
   * Encodes SMILES; a molecule the vocabulary cannot express is reported (never thrown) and has no row:
   * `rows[i]` is the input index of row i of mu/logvar. `encodeIds`: what encodes the token sequences (default
   * this runtime's; e.g. a DecodePool's threads, which give the same numbers).
   */
  async encode(
    smiles: readonly string[],
    batchSize = 256,
    encodeIds: (seqs: Int32Array[], batchSize: number) => Promise<{ mu: Float32Array; logvar: Float32Array }> = (seqs, b) => this.encodeIds(seqs, b),
  ): Promise<{ mu: Float32Array; logvar: Float32Array; rows: number[]; problems: Problem[] }> {
    const { encoded, problems } = this.vocabulary.encodeAll(smiles);
    const { mu, logvar } = await encodeIds(encoded.map((e) => e.ids), batchSize);
    return { mu, logvar, rows: encoded.map((e) => e.index), problems };
  }

  /** The decoder's initial state h [rows × H] and z's share of every step's input projection zproj [rows × 3H]. */
  async initialState(z: Float32Array, rows: number): Promise<{ h: Float32Array; zproj: Float32Array }> {
    const out = await this.s.initialState.run({ z: tensor('float32', z, [rows, this.latent]) });
    return { h: out.h.data as Float32Array, zproj: out.zproj.data as Float32Array };
  }

  /** One decoder step for `rows` rows: logits [rows × vocab] and the next state [rows × hidden]. */
  async step(zproj: Float32Array, tokens: BigInt64Array, h: Float32Array, rows: number): Promise<{ logits: Float32Array; h: Float32Array }> {
    const H = this.model.decoderHidden;
    const session = this.smallStep && rows <= this.smallRows ? this.smallStep : this.s.decoderStep;
    const out = await session.run({
      zproj: tensor('float32', zproj, [rows, 3 * H]), token: tensor('int64', tokens, [rows]), h: tensor('float32', h, [rows, H]),
    });
    return { logits: out.logits.data as Float32Array, h: out.h_next.data as Float32Array };
  }

  /**
   * A whole greedy decode of one row in one call, from its initial state, for at most maxSteps steps (to the
   * first <eos>): what each step was fed, its logits and next state (greedy-loop.ts). Null when the runtime
   * has no such session.
   */
  async greedyProposal(zproj: Float32Array, h: Float32Array, maxSteps: number): Promise<GreedyProposal | null> {
    if (!this.greedyLoop) return null;
    const H = this.model.decoderHidden;
    const out = await this.greedyLoop.run({
      zproj: tensor('float32', zproj, [1, 3 * H]), h0: tensor('float32', h, [1, H]), max_steps: new ort.Tensor('int64', BigInt64Array.of(BigInt(maxSteps)), []),
    });
    return { fed: out.fed.data as BigInt64Array, logits: out.logits.data as Float32Array, h: out.h.data as Float32Array };
  }

  /** Property predictions in normalized units [rows × P]. */
  async properties(z: Float32Array, rows: number): Promise<Float32Array> {
    const out = await this.s.property.run({ z: tensor('float32', z, [rows, this.latent]) });
    return out.props.data as Float32Array;
  }

  /** ∂(Σ_p weights[p]·prop_p)/∂z per row [rows × latent]; weights [rows × P] in normalized units. */
  async propertyGrad(z: Float32Array, weights: Float32Array, rows: number): Promise<Float32Array> {
    const p = Math.max(1, this.model.properties.length);
    const out = await this.s.propertyGrad.run({ z: tensor('float32', z, [rows, this.latent]), weights: tensor('float32', weights, [rows, p]) });
    return out.grad.data as Float32Array;
  }

  async release(): Promise<void> {
    for (const [k, s] of Object.entries(this.s)) if (!(k === 'encoder' && this.encoder)) await s.release();
    await this.stepped?.release();
    await this.smallStep?.release();
    await this.greedyLoop?.release();
    await this.encoder?.release(); // both encoder sessions
  }
}
