// Warm start: the training weights of a model bundle, and its vocabulary extended with new tokens, so that a
// model can be fine-tuned (or trained on) from the bundle alone — no checkpoint needed.
//
// A bundle holds inference graphs, whose initializers carry every parameter under its training name except the
// decoder's input weights: export.ts folds emb·W_eᵀ + b_in into one [vocab, 3H] table. Bundles written since
// warm start existed also carry those two parameters exactly (decoder_weights.bin, checkpoint format). For an
// older bundle they are solved back from the table: with the embedding known (the encoder's copy; the decoder
// shares it), table[v] = W_e·emb[v] + b_in is linear in [W_e | b_in], and over the tokens a decoder is ever fed
// (every token but <pad>, <eos>, <unk>) the system has fewer equations than unknowns when the vocabulary is no
// larger than the embedding + 1 (66 tokens, 64 + 1 for the shipped model), so the minimum-norm solution
// reproduces the table exactly. The largest error is reported; a bundle where it is not small is refused.
import { onnxTypes } from '../graph/onnx-proto.ts';
import { Rng } from '../graph/rng.ts';
import { DECODER_WEIGHTS_FILE, verifyBundle } from './bundle.ts';
import type { BundleManifest } from './bundle.ts';
import type { Normalization } from './data.ts';
import { GRAPH_FILES } from './export.ts';
import { vaeParams } from './model.ts';
import type { VaeConfig } from './model.ts';
import { EOS_ID, PAD_ID, UNK_ID, Vocabulary } from './tokenizer.ts';

export interface BaseModel {
  dir: string;
  manifest: BundleManifest;
  config: VaeConfig;
  vocabulary: Vocabulary;
  normalization: Normalization | null;
  /** Every training parameter by name. */
  weights: Map<string, Float32Array>;
  /** How the decoder's input weights were found, and the largest error of the refolded table (0 when exact). */
  decoderInput: { source: 'file' | 'solved'; maxError: number };
  /** sha256 of the manifest.json that was verified: the base model's identity */
  manifestSha256: string;
}

interface Initializer {
  name: string;
  dims: (number | { toNumber(): number })[];
  rawData?: Uint8Array;
  floatData?: number[];
}

function initializers(bytes: Uint8Array): Map<string, Float32Array> {
  const m = onnxTypes.model.decode(bytes) as unknown as { graph: { initializer: Initializer[] } };
  const out = new Map<string, Float32Array>();
  for (const t of m.graph.initializer) {
    const raw = t.rawData;
    if (raw && raw.length) {
      const copy = new Uint8Array(raw.length);
      copy.set(raw);
      out.set(t.name, new Float32Array(copy.buffer));
    } else if (t.floatData?.length) out.set(t.name, Float32Array.from(t.floatData));
  }
  return out;
}

/** Solves A·X = T for X with minimum norm (A: n×k, n ≤ k, full row rank): X = Aᵀ(AAᵀ + εI)⁻¹T. */
function minNormSolve(A: Float64Array, n: number, k: number, T: Float64Array, m: number): Float64Array {
  const G = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += A[i * k + c] * A[j * k + c];
      G[i * n + j] = G[j * n + i] = s;
    }
  let trace = 0;
  for (let i = 0; i < n; i++) trace += G[i * n + i];
  for (let i = 0; i < n; i++) G[i * n + i] += 1e-10 * (trace / n);
  // Cholesky G = LLᵀ
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = G[i * n + j];
      for (let c = 0; c < j; c++) s -= L[i * n + c] * L[j * n + c];
      if (i === j) {
        if (s <= 0) throw new Error('warm start: the embedding rows are linearly dependent; the decoder input weights cannot be recovered');
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j];
    }
  // Y = G⁻¹T, column by column (forward then back substitution)
  const Y = new Float64Array(n * m);
  const y = new Float64Array(n);
  for (let col = 0; col < m; col++) {
    for (let i = 0; i < n; i++) {
      let s = T[i * m + col];
      for (let c = 0; c < i; c++) s -= L[i * n + c] * y[c];
      y[i] = s / L[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = y[i];
      for (let c = i + 1; c < n; c++) s -= L[c * n + i] * Y[c * m + col];
      Y[i * m + col] = s / L[i * n + i];
    }
  }
  // X = AᵀY: k × m
  const X = new Float64Array(k * m);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < k; c++) {
      const a = A[i * k + c];
      if (a === 0) continue;
      for (let col = 0; col < m; col++) X[c * m + col] += a * Y[i * m + col];
    }
  return X;
}

/** Tokens the decoder is fed as input: everything but <pad>, <eos> and <unk>. */
const fedTokens = (vocab: number) => Array.from({ length: vocab }, (_, v) => v).filter((v) => v !== PAD_ID && v !== EOS_ID && v !== UNK_ID);

/** dec.W [3H, E+L] and dec.B [6H] from the folded input table, W_z and the recurrent bias. */
function solveDecoderInput(c: VaeConfig, emb: Float32Array, table: Float32Array, wz: Float32Array, rb: Float32Array): { W: Float32Array; B: Float32Array; maxError: number } {
  const H3 = 3 * c.decoderHidden, E = c.embedding, L = c.latent, I = E + L;
  const rows = fedTokens(c.vocab);
  const n = rows.length, k = E + 1;
  const A = new Float64Array(n * k), T = new Float64Array(n * H3);
  rows.forEach((v, i) => {
    for (let e = 0; e < E; e++) A[i * k + e] = emb[v * E + e];
    A[i * k + E] = 1;
    for (let j = 0; j < H3; j++) T[i * H3 + j] = table[v * H3 + j];
  });
  const X = minNormSolve(A, n, k, T, H3); // [E+1, 3H]: rows of W_eᵀ, then b_in
  const W = new Float32Array(H3 * I), B = new Float32Array(2 * H3);
  for (let j = 0; j < H3; j++) {
    for (let e = 0; e < E; e++) W[j * I + e] = X[e * H3 + j];
    for (let l = 0; l < L; l++) W[j * I + E + l] = wz[j * L + l];
    B[j] = X[E * H3 + j];
    B[H3 + j] = rb[j];
  }
  let maxError = 0;
  for (const v of rows)
    for (let j = 0; j < H3; j++) {
      let s = B[j];
      for (let e = 0; e < E; e++) s += W[j * I + e] * emb[v * E + e];
      maxError = Math.max(maxError, Math.abs(s - table[v * H3 + j]));
    }
  return { W, B, maxError };
}

/** The training weights of a verified bundle (see the header); throws naming the bundle when they cannot be had. */
export function readBundleWeights(dir: string): BaseModel {
  const { manifest, files, manifestSha256 } = verifyBundle(dir);
  const a = manifest.architecture;
  const config: VaeConfig = {
    vocab: a.vocab, embedding: a.embedding, encoderHidden: a.encoderHidden, latent: a.latent, decoderHidden: a.decoderHidden,
    propertyHidden: a.propertyHidden, properties: [...a.properties], freeBits: a.freeBits,
  };
  const vocabulary = Vocabulary.fromJSON(manifest.vocabulary);
  const found = new Map<string, Float32Array>();
  for (const f of Object.values(GRAPH_FILES)) for (const [k, v] of initializers(files.get(f)!)) found.set(k, v);
  // the decoder step writes the recurrent weights [1, 3H, H] out as a [3H, H] matrix under another name
  if (!found.has('dec.R') && found.has('dec.R2')) found.set('dec.R', found.get('dec.R2')!);
  const weights = new Map<string, Float32Array>();
  const missing: string[] = [];
  for (const spec of vaeParams(config).specs) {
    const size = spec.shape.reduce((x, y) => x * y, 1);
    const w = found.get(spec.name);
    if (w && w.length === size) weights.set(spec.name, w);
    else if (spec.name !== 'dec.W' && spec.name !== 'dec.B') missing.push(spec.name);
  }
  if (missing.length) throw new Error(`model bundle ${dir}: the graphs lack the weights ${missing.join(', ')}; it cannot be trained on`);
  let decoderInput: BaseModel['decoderInput'];
  const exact = files.get(DECODER_WEIGHTS_FILE);
  if (exact) {
    const H3 = 3 * config.decoderHidden, nW = H3 * (config.embedding + config.latent);
    if (exact.length !== (nW + 2 * H3) * 4) throw new Error(`model bundle ${dir}: ${DECODER_WEIGHTS_FILE} has ${exact.length} bytes, the architecture needs ${(nW + 2 * H3) * 4}`);
    const all = new Float32Array(exact.buffer.slice(exact.byteOffset, exact.byteOffset + exact.length));
    weights.set('dec.W', all.slice(0, nW));
    weights.set('dec.B', all.slice(nW));
    decoderInput = { source: 'file', maxError: 0 };
  } else {
    const table = found.get('dec.input_table'), wz = found.get('dec.W_z'), rb = found.get('dec.Rb');
    if (!table || !wz || !rb) throw new Error(`model bundle ${dir}: the decoder graphs lack dec.input_table, dec.W_z or dec.Rb; it cannot be trained on`);
    const s = solveDecoderInput(config, weights.get('emb.weight')!, table, wz, rb);
    if (!(s.maxError < 1e-3)) throw new Error(`model bundle ${dir}: the decoder's input weights could not be recovered (error ${s.maxError.toExponential(2)}); it cannot be trained on`);
    weights.set('dec.W', s.W);
    weights.set('dec.B', s.B);
    decoderInput = { source: 'solved', maxError: s.maxError };
  }
  return { dir, manifest, config, vocabulary, normalization: manifest.propertyNormalization, weights, decoderInput, manifestSha256 };
}

/** The element a token stands for ('[nH+]' → 'n', 'Cl' → 'Cl', '[Si@H]' → 'Si'), or null (bonds, digits...). */
export function tokenElement(token: string): string | null {
  const bare = token.startsWith('[') ? token.slice(1, -1).replace(/^\d+/, '') : token;
  const m = /^(Cl|Br|Si|Se|se|as|te|[A-Z][a-z]?|[bcnops])/.exec(bare);
  return m ? m[1] : null;
}

export interface AddedToken {
  token: string;
  id: number;
  /** the existing token whose rows it starts from, or null (the mean of all tokens) */
  from: string | null;
}

/**
 * The base model with `tokens` appended to its vocabulary (existing ids unchanged). A new token's embedding and
 * output rows start from an existing token of the same element where there is one ('[N+]' from 'N', plus a
 * little noise so the two can part), else from the mean of the real tokens; its output bias starts 4 nats below
 * that token's, so the extended model predicts what the base model predicted until training teaches it the new
 * token.
 */
export function extendVocabulary(base: { config: VaeConfig; vocabulary: Vocabulary; weights: ReadonlyMap<string, Float32Array> }, tokens: readonly string[], seed = 7): {
  config: VaeConfig;
  vocabulary: Vocabulary;
  weights: Map<string, Float32Array>;
  added: AddedToken[];
} {
  const fresh = [...new Set(tokens)].filter((t) => base.vocabulary.id(t) === undefined);
  const weights = new Map(base.weights);
  if (fresh.length === 0) return { config: base.config, vocabulary: base.vocabulary, weights, added: [] };
  const V0 = base.config.vocab, E = base.config.embedding, H = base.config.decoderHidden;
  const V = V0 + fresh.length;
  const vocabulary = Vocabulary.fromJSON({ tokens: [...base.vocabulary.tokens, ...fresh] });
  const emb0 = base.weights.get('emb.weight')!, ow0 = base.weights.get('out.weight')!, ob0 = base.weights.get('out.bias')!;
  const emb = new Float32Array(V * E), ow = new Float32Array(V * H), ob = new Float32Array(V);
  emb.set(emb0);
  ow.set(ow0);
  ob.set(ob0);
  const real = Array.from({ length: V0 }, (_, v) => v).filter((v) => v > UNK_ID); // the specials are no chemistry
  const mean = (src: Float32Array, width: number) => {
    const out = new Float32Array(width);
    for (const v of real) for (let i = 0; i < width; i++) out[i] += src[v * width + i] / real.length;
    return out;
  };
  let sd = 0;
  for (const v of real) for (let i = 0; i < E; i++) sd += emb0[v * E + i] ** 2;
  sd = Math.sqrt(sd / (real.length * E));
  const rng = new Rng(seed);
  const byElement = new Map<string, string>();
  for (const t of base.vocabulary.tokens.slice(UNK_ID + 1)) {
    const el = tokenElement(t);
    // prefer the plain token of an element ('N' over '[NH+]') as the one to start from
    if (el && (!byElement.has(el) || t.length < byElement.get(el)!.length)) byElement.set(el, t);
  }
  const ringLabels = base.vocabulary.tokens.filter((t) => /^(\d|%\d\d)$/.test(t)).sort((x, y) => Number(x.replace('%', '')) - Number(y.replace('%', '')));
  const minBias = Math.min(...real.map((v) => ob0[v]));
  const added: AddedToken[] = fresh.map((token, k) => {
    const id = V0 + k;
    const el = tokenElement(token);
    // a ring-closure label starts from the highest one the model knows ('9' and '%10' from '8')
    const from = el ? (byElement.get(el) ?? null) : /^(\d|%\d\d)$/.test(token) ? (ringLabels.at(-1) ?? null) : null;
    const src = from === null ? null : base.vocabulary.id(from)!;
    const e = src === null ? mean(emb0, E) : emb0.subarray(src * E, (src + 1) * E);
    const noise = rng.normals(E);
    for (let i = 0; i < E; i++) emb[id * E + i] = e[i] + 0.05 * sd * noise[i];
    ow.set(src === null ? mean(ow0, H) : ow0.subarray(src * H, (src + 1) * H), id * H);
    ob[id] = src === null ? minBias - 4 : ob0[src] - 4;
    return { token, id, from };
  });
  weights.set('emb.weight', emb);
  weights.set('out.weight', ow);
  weights.set('out.bias', ob);
  return { config: { ...base.config, vocab: V }, vocabulary, weights, added };
}
