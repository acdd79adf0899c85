// The model service: a verified bundle on ONNX Runtime plus RDKit, for the app and the CLI. Encodes SMILES
// (molecules the vocabulary cannot express come back as problems, never as a throw), decodes latent vectors
// with a choice of strategy, RDKit deciding validity, and samples the prior N(0, I) reproducibly by seed.
import { Rng } from '../../models/graph/rng.ts';
import { beamDecode, greedyDecode, sampleDecode, validFirstDecode } from '../../models/runtime/decode.ts';
import { loadBundle, predictProperties } from '../../models/vae/bundle.ts';
import type { LoadedBundle } from '../../models/vae/bundle.ts';
import type { Problem } from '../../models/vae/tokenizer.ts';
import { loadRDKit } from '../chem/rdkit.ts';
import { canonicalSmiles } from './canonical.ts';
import { defaultModelDir } from './model-path.ts';

export const DECODE_STRATEGIES = ['greedy', 'sample', 'beam', 'valid-first'] as const;
export type DecodeStrategy = (typeof DECODE_STRATEGIES)[number];

export interface DecodeSettings {
  strategy?: DecodeStrategy;
  /** Sampling temperature (sample, valid-first). */
  temperature?: number;
  seed?: number;
  /** Beam width (beam; valid-first tries the beam's decodes after greedy). */
  beamWidth?: number;
  /** Most decodes a row for valid-first. */
  maxTries?: number;
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

export class ModelService {
  private constructor(readonly dir: string, readonly bundle: LoadedBundle) {}

  /** Verifies (sha256 of every file) and loads a bundle; default: the shipped model. */
  static async open(dir: string = defaultModelDir(), o: { threads?: number } = {}): Promise<ModelService> {
    await loadRDKit();
    const bundle = await loadBundle(dir, { threads: o.threads });
    return new ModelService(dir, bundle);
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

  async encode(smiles: readonly string[]): Promise<EncodeResult> {
    return this.bundle.runtime.encode(smiles);
  }

  /** Decodes rows of z; one result per row, in order. */
  async decode(z: Float32Array, rows: number, s: DecodeSettings = {}): Promise<DecodedMolecule[]> {
    const rt = this.bundle.runtime;
    const strategy = s.strategy ?? 'greedy';
    let raw: string[];
    if (strategy === 'greedy') raw = (await greedyDecode(rt, z, rows)).map((d) => d.smiles);
    else if (strategy === 'sample') raw = (await sampleDecode(rt, z, rows, { temperature: s.temperature ?? 1, seed: s.seed ?? 0 })).map((d) => d.smiles);
    else if (strategy === 'beam') {
      // the most probable beam that RDKit accepts, else the most probable one
      const beams = await beamDecode(rt, z, rows, { width: s.beamWidth ?? 5 });
      raw = beams.map((bs) => (bs.find((d) => d.ended && canonicalSmiles(d.smiles) !== null) ?? bs[0])?.smiles ?? '');
    } else {
      const res = await validFirstDecode(rt, z, rows, (smi) => canonicalSmiles(smi) !== null, {
        temperature: s.temperature, seed: s.seed, beamWidth: s.beamWidth, maxTries: s.maxTries,
      });
      raw = res.map((r) => r.smiles ?? '');
    }
    return raw.map((r) => {
      const smiles = canonicalSmiles(r);
      return { raw: r, smiles, valid: smiles !== null };
    });
  }

  /** n draws from the prior N(0, I), the same for the same seed. */
  priorSample(n: number, seed: number): Float32Array {
    const rng = new Rng(seed);
    return Float32Array.from(rng.normals(n * this.latent));
  }

  /** n molecules decoded from prior draws (sampled tokens at temperature 1 unless told otherwise). */
  async sample(n: number, seed: number, s: DecodeSettings = { strategy: 'greedy' }): Promise<DecodedMolecule[]> {
    return this.decode(this.priorSample(n, seed), n, { seed, ...s });
  }

  async predictProperties(z: Float32Array, rows: number): Promise<Record<string, Float32Array>> {
    return predictProperties(this.bundle, z, rows);
  }

  async close(): Promise<void> {
    await this.bundle.runtime.release();
  }
}
