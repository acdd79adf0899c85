// The model service: a verified bundle on ONNX Runtime plus RDKit, for the app and the CLI. Encodes SMILES
// (molecules the vocabulary cannot express come back as problems, never as a throw), decodes latent vectors
// with a choice of strategy, RDKit deciding validity, and samples the prior N(0, I) reproducibly by seed.
import { Rng } from '../../models/graph/rng.ts';
import os from 'node:os';
import { beamDecode, greedyDecode, sampleDecode, validFirstDecode } from '../../models/runtime/decode.ts';
import type { Decoded } from '../../models/runtime/decode.ts';
import { DecodePool, POOL_MIN_ROWS } from '../../models/runtime/decode-pool.ts';
import { loadBundle, predictProperties } from '../../models/vae/bundle.ts';
import type { LatentStats, LoadedBundle } from '../../models/vae/bundle.ts';
import type { TrainingSetIndex } from '../../models/vae/training-set.ts';
import type { Problem } from '../../models/vae/tokenizer.ts';
import { loadRDKit } from '../chem/rdkit.ts';
import { canonicalSmiles, modelInput } from './canonical.ts';
import { Lru } from './lru.ts';
import { defaultModelDir } from './model-path.ts';

export const DECODE_STRATEGIES = ['greedy', 'sample', 'beam', 'valid-first'] as const;
export type DecodeStrategy = (typeof DECODE_STRATEGIES)[number];

/**
 * Most decodes a row valid-first makes unless told otherwise: greedy, then sampled tries. Only rows whose tries all
 * failed pay for more. 2,000 prior draws of zinc-chembl (seed 11) decoded valid 97.9 % within 10 tries, 99.3 % within
 * 20, 99.6 % within 30, 99.75 % within 60 (issue 13: valid-first validity ≥ 99.5 %).
 */
export const VALID_FIRST_TRIES = 30;

export interface DecodeSettings {
  strategy?: DecodeStrategy;
  /**
   * greedy and sample: mask the tokens that cannot continue a valid SMILES (syntax and valences, syntax.ts);
   * valid-first always does.
   */
  constrained?: boolean;
  /** Sampling temperature (sample, valid-first). */
  temperature?: number;
  seed?: number;
  /** Beam width (beam; valid-first tries the beam's decodes after greedy). */
  beamWidth?: number;
  /** Most decodes a row for valid-first (default VALID_FIRST_TRIES). */
  maxTries?: number;
  /** valid-first: asked before each decoder step; true abandons the decode (DecodeStopped) */
  shouldStop?: () => boolean;
  /** valid-first on one row: sampled tries decoded in the same batch as greedy (same answer; see decode.ts) */
  lookahead?: number;
  /** valid-first on one row: greedy alone first, then the sampled tries batched (same answer; see decode.ts) */
  greedyFirst?: boolean;
  /** valid-first on one row: its constrained greedy decode made already (greedyOffThread), not decoded again */
  greedy?: Decoded;
}

export interface DecodedMolecule {
  /** What the decoder wrote ('' when it wrote nothing). */
  raw: string;
  /** RDKit's canonical SMILES, or null when RDKit refuses the decode. */
  smiles: string | null;
  valid: boolean;
}

export interface EncodeResult {
  /** mu per encodable molecule, flat [rows × latent]. */
  mu: Float32Array;
  logvar: Float32Array;
  /** Input index of each row. */
  rows: number[];
  problems: Problem[];
}

/** Bundles written before the training-set index and the projected background existed lack them. */
type BundleWithExtras = LoadedBundle & { trainingSet?: TrainingSetIndex | null };
type StatsWithBackground = LatentStats & { background?: { x: number[]; y: number[] } };

/** MOLSCAPE_DECODE_POOL=0: every encode and decode on the model's own session (to measure what the pool brings). */
const DECODE_POOL = process.env.MOLSCAPE_DECODE_POOL !== '0';
/** Threads of the decode pool when the caller names none: the cores, at most four. */
const DEFAULT_THREADS = Math.max(1, Math.min(4, os.availableParallelism()));

export class ModelService {
  /**
   * Decoded string → RDKit's canonical SMILES (null: invalid). A slider drag decodes the same strings over and
   * over, and valid-first's judge and the result would otherwise parse the chosen one twice (~2.5 ms a parse
   * for a drug-sized molecule).
   */
  private readonly canonical = new Lru<string, string | null>(10_000);
  /** Large encodes and greedy and sampling decodes, split over threads (decode-pool.ts); started on the first one. */
  private pool: Promise<DecodePool | null> | null = null;
  /** the pool has started (greedyOffThread never waits for it to start) */
  private poolReady = false;

  private constructor(
    readonly dir: string,
    readonly bundle: LoadedBundle,
    /** sha256 (hex) of manifest.json, which holds the sha256 of every other file: the model's identity. */
    readonly manifestSha256: string,
    private readonly threads: number,
  ) {}

  /** Verifies (sha256 of every file) and loads a bundle; default: the shipped model. */
  static async open(dir: string = defaultModelDir(), o: { threads?: number } = {}): Promise<ModelService> {
    await loadRDKit();
    const bundle = await loadBundle(dir, { threads: o.threads });
    // the digest of the manifest that was verified, not of a second, unchecked read of the file
    return new ModelService(dir, bundle, bundle.manifestSha256, o.threads ?? DEFAULT_THREADS);
  }

  /**
   * The decode pool, or null when this process cannot start one (MOLSCAPE_DECODE_POOL=0, one thread, or the
   * threads failed): then every decode runs on the model's own session, as it always gives the same rows.
   */
  private decodePool(): Promise<DecodePool | null> {
    if (this.pool) return this.pool;
    if (!DECODE_POOL || this.threads < 2) return (this.pool = Promise.resolve(null));
    return (this.pool = DecodePool.open(this.bundle.runtime.model, { threads: this.threads }).catch((error: Error) => {
      console.warn(`decode threads could not start (${error.message}); large decodes run on the core's thread`);
      return null;
    }));
  }

  /**
   * valid-first's first try for one row (its constrained greedy decode) in a pool thread, when the pool is
   * running: the core's thread is free meanwhile (onnxruntime-node runs a session on the calling thread). Null
   * when there is no pool yet (it is started, never waited for) or it failed. Hand it to valid-first as `greedy`.
   */
  async greedyOffThread(z: Float32Array): Promise<Decoded | null> {
    if (!this.poolReady) {
      void this.decodePool().then((p) => (this.poolReady = p?.usable === true));
      return null;
    }
    const pool = await this.decodePool();
    if (!pool?.usable) return null;
    try {
      return (await pool.greedy(z, 1, { constrained: true }))[0];
    } catch {
      return null;
    }
  }

  /** A greedy or sampling decode of many rows in the pool; null when there is none (or it failed: not again). */
  private async pooled(z: Float32Array, rows: number, s: DecodeSettings, strategy: DecodeStrategy): Promise<Decoded[] | null> {
    if (rows < POOL_MIN_ROWS || s.shouldStop || (strategy !== 'greedy' && strategy !== 'sample')) return null;
    const pool = await this.decodePool();
    if (!pool?.usable) return null;
    try {
      const constrained = s.constrained ?? false;
      return strategy === 'greedy' ? await pool.greedy(z, rows, { constrained }) : await pool.sample(z, rows, { constrained, temperature: s.temperature ?? 1, seed: s.seed ?? 0 });
    } catch (error) {
      console.warn(`decode threads failed (${(error as Error).message}); large decodes run on the core's thread from now on`);
      return null;
    }
  }

  /** Mean, principal axes and variances of the training set's latent means (and its projected points, when shipped). */
  get latentStats(): StatsWithBackground {
    return this.bundle.latentStats;
  }

  /**
   * Rows of z on the latent map: the plane of the training latents' first two principal axes,
   * x = (z − mean)·axes[0], y = (z − mean)·axes[1].
   */
  project(z: ArrayLike<number>, rows: number): { x: number[]; y: number[] } {
    const { mean, axes } = this.latentStats;
    const L = this.latent;
    const x: number[] = [], y: number[] = [];
    for (let r = 0; r < rows; r++) {
      let a = 0, b = 0;
      for (let i = 0; i < L; i++) {
        const d = z[r * L + i] - mean[i];
        a += d * axes[0][i];
        b += d * (axes[1]?.[i] ?? 0);
      }
      x.push(a);
      y.push(b);
    }
    return { x, y };
  }

  /** Whether each canonical SMILES is in the training set; null for all when the bundle has no index of it. */
  inTraining(canonical: readonly string[]): (boolean | null)[] {
    const index = (this.bundle as BundleWithExtras).trainingSet;
    return canonical.map((c) => (index ? index.has(c) : null));
  }

  /**
   * Unit vectors along the property head's gradient at one latent point, one per property (flat
   * [properties × latent], in propertyNames order): the direction in which the predicted property grows
   * fastest there. A property whose gradient vanishes gets a zero row.
   */
  async propertyDirections(z: Float32Array): Promise<Float32Array> {
    const P = this.propertyNames.length, L = this.latent;
    if (P === 0) return new Float32Array(0);
    const zs = new Float32Array(P * L), weights = new Float32Array(P * P);
    for (let p = 0; p < P; p++) {
      zs.set(z.subarray(0, L), p * L);
      weights[p * P + p] = 1; // one-hot: row p differentiates property p alone
    }
    const grad = (await this.bundle.runtime.propertyGrad(zs, weights, P)).slice(0, P * L);
    for (let p = 0; p < P; p++) {
      const row = grad.subarray(p * L, (p + 1) * L);
      const norm = Math.hypot(...row);
      if (norm > 0) for (let i = 0; i < L; i++) row[i] /= norm;
      else row.fill(0);
    }
    return grad;
  }

  get latent(): number {
    return this.bundle.runtime.latent;
  }

  get name(): string {
    return this.bundle.manifest.name;
  }

  get propertyNames(): string[] {
    return this.bundle.manifest.propertyNormalization?.names ?? [];
  }

  /**
   * mu and logvar of molecules in the model's spelling; POOL_MIN_ROWS or more are encoded in the pool's threads
   * (the same numbers as the model's own session, to the bit: decode-pool.test.ts).
   */
  async encode(smiles: readonly string[]): Promise<EncodeResult> {
    const pool = smiles.length >= POOL_MIN_ROWS ? await this.decodePool() : null;
    if (pool?.usable) {
      try {
        return await this.bundle.runtime.encode(smiles, 256, (seqs, batchSize) => pool.encode(seqs, batchSize));
      } catch (error) {
        console.warn(`encode threads failed (${(error as Error).message}); encodes run on the core's thread from now on`);
      }
    }
    return this.bundle.runtime.encode(smiles);
  }

  /**
   * Molecules as a chemist wrote them, encoded as the model knows them: each as RDKit's canonical SMILES
   * (modelInput). Callers that hold canonical SMILES already (the encode job, seeds) call encode.
   */
  async encodeMolecules(smiles: readonly string[]): Promise<EncodeResult> {
    return this.encode(smiles.map(modelInput));
  }

  /** canonicalSmiles, remembered. */
  private canonicalOf(raw: string): string | null {
    let c = this.canonical.get(raw);
    if (c === undefined) this.canonical.set(raw, (c = canonicalSmiles(raw)));
    return c;
  }

  /** Decodes rows of z; one result per row, in order. */
  async decode(z: Float32Array, rows: number, s: DecodeSettings = {}): Promise<DecodedMolecule[]> {
    return (await this.decodeCounted(z, rows, s)).map(({ raw, smiles, valid }) => ({ raw, smiles, valid }));
  }

  /** decode, with how many decodes each row took (valid-first may try several; the others one). */
  async decodeCounted(z: Float32Array, rows: number, s: DecodeSettings = {}): Promise<(DecodedMolecule & { tries: number })[]> {
    const rt = this.bundle.runtime;
    const strategy = s.strategy ?? 'greedy';
    let raw: string[];
    let tries: number[] | null = null;
    // greedy and sample: a decode the mask cut short (decode.ts) is the mask's molecule, not the model's: not valid
    let cut: boolean[] | null = null;
    if (strategy === 'greedy' || strategy === 'sample') {
      const decoded =
        (await this.pooled(z, rows, s, strategy)) ??
        (strategy === 'greedy'
          ? await greedyDecode(rt, z, rows, { constrained: s.constrained })
          : await sampleDecode(rt, z, rows, { constrained: s.constrained, temperature: s.temperature ?? 1, seed: s.seed ?? 0 }));
      raw = decoded.map((d) => d.smiles);
      cut = decoded.map((d) => d.cutShort === true);
    } else if (strategy === 'beam') {
      // the most probable beam that RDKit accepts, else the most probable one
      const beams = await beamDecode(rt, z, rows, { width: s.beamWidth ?? 5 });
      raw = beams.map((bs) => (bs.find((d) => d.ended && this.canonicalOf(d.smiles) !== null) ?? bs[0])?.smiles ?? '');
    } else {
      const res = await validFirstDecode(rt, z, rows, (smi) => this.canonicalOf(smi) !== null, {
        temperature: s.temperature, seed: s.seed, beamWidth: s.beamWidth, maxTries: s.maxTries ?? VALID_FIRST_TRIES, shouldStop: s.shouldStop, lookahead: s.lookahead, greedyFirst: s.greedyFirst, greedy: s.greedy,
      });
      raw = res.map((r) => r.smiles ?? '');
      tries = res.map((r) => r.tries);
    }
    return raw.map((r, i) => {
      const smiles = cut?.[i] ? null : this.canonicalOf(r);
      return { raw: r, smiles, valid: smiles !== null, tries: tries?.[i] ?? 1 };
    });
  }

  /** n draws from the prior N(0, I), the same for the same seed. */
  priorSample(n: number, seed: number): Float32Array {
    const rng = new Rng(seed);
    return Float32Array.from(rng.normals(n * this.latent));
  }

  /**
   * n draws from the aggregate posterior, approximated by a Gaussian fitted to the training set's latent means
   * (the bundle's latent statistics: mean + Σ_k √variance_k · ε_k · axis_k), the same for the same seed. The
   * prior N(0, I) has regions the encoder never uses; these draws stay where training molecules are.
   */
  aggregateSample(n: number, seed: number): Float32Array {
    const { mean, axes, variances } = this.latentStats;
    const L = this.latent;
    if (mean.length !== L || axes.length === 0) return this.priorSample(n, seed);
    const rng = new Rng(seed);
    const eps = rng.normals(n * axes.length);
    const z = new Float32Array(n * L);
    for (let r = 0; r < n; r++) {
      for (let i = 0; i < L; i++) z[r * L + i] = mean[i];
      axes.forEach((axis, k) => {
        const a = Math.sqrt(Math.max(0, variances[k])) * eps[r * axes.length + k];
        for (let i = 0; i < L; i++) z[r * L + i] += a * axis[i];
      });
    }
    return z;
  }

  /** n molecules decoded from draws of the prior N(0, I) or of the aggregate posterior. */
  async sample(n: number, seed: number, s: DecodeSettings = { strategy: 'greedy' }, source: 'prior' | 'aggregate' = 'prior'): Promise<DecodedMolecule[]> {
    return this.decode(source === 'aggregate' ? this.aggregateSample(n, seed) : this.priorSample(n, seed), n, { seed, ...s });
  }

  async predictProperties(z: Float32Array, rows: number): Promise<Record<string, Float32Array>> {
    return predictProperties(this.bundle, z, rows);
  }

  async close(): Promise<void> {
    const pool = await this.pool;
    this.pool = Promise.resolve(null);
    await pool?.close();
    await this.bundle.runtime.release();
  }
}
