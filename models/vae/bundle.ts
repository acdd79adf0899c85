// The model bundle: a folder with the inference graphs (export.ts), latent_stats.json (mean and principal axes
// of the training set's latent means) and manifest.json (name, version, vocabulary, architecture, property
// normalization, training data summary with its sha256, training curves, evaluation metrics, and the sha256
// and size of every other file). Written into a temporary sibling folder and renamed into place, so a crash
// never leaves half a bundle under the final name. Loading checks every listed file before anything runs and
// refuses a corrupt, incomplete or unknown bundle with a message naming the file.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { VaeRuntime } from '../runtime/vae-runtime.ts';
import { withMetadata } from '../graph/onnx-proto.ts';
import { BUNDLE_LIMITS, BundleFault, VOCABULARY_METADATA, checkGraphs, checkLatentStats, checkManifest, readBundleFile, vocabularyDigest } from './bundle-check.ts';
import type { RuntimeOptions } from '../runtime/session.ts';
import type { Normalization } from './data.ts';
import { GRAPH_FILES, exportInferenceGraphs } from './export.ts';
import type { InferenceGraphs } from './export.ts';
import type { VaeConfig } from './model.ts';
import type { Pca } from './pca.ts';
import { Vocabulary } from './tokenizer.ts';
import type { VocabularyJson } from './tokenizer.ts';
import { TRAINING_SET_FILE, TrainingSetIndex } from './training-set.ts';

export const BUNDLE_FORMAT = 'molscape-vae-bundle';
export const BUNDLE_FORMAT_VERSION = 1;
export const LATENT_STATS_FILE = 'latent_stats.json';
/**
 * The decoder's input weights exactly as trained (float32 dec.W then dec.B): the graphs hold them only folded
 * into one table, and training from a bundle (warm-start.ts) needs them apart.
 */
export const DECODER_WEIGHTS_FILE = 'decoder_weights.bin';

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  formatVersion: number;
  name: string;
  version: string;
  createdAt: string;
  vocabulary: VocabularyJson;
  architecture: VaeConfig & { type: 'smiles-gru-vae'; maxLength: number };
  /** Property head units: prediction · std + mean; null when the head was trained on no property. */
  propertyNormalization: Normalization | null;
  training: {
    data: { file: string; sha256: string; molecules: number; used: number; [k: string]: unknown };
    steps: number;
    config?: unknown;
    curves: unknown[];
  };
  metrics: Record<string, unknown>;
  /** What a fine-tuned model started from (absent: trained from scratch). */
  base?: {
    name: string;
    /** sha256 of the base bundle's manifest.json: its identity */
    sha256: string;
    /** tokens appended to the base vocabulary, and the token each one's rows started from */
    addedTokens: { token: string; id: number; from: string | null }[];
    /** the base model's own training data mixed in so it does not forget, when it was found */
    replay: { file: string; share: number; molecules: number } | null;
  };
  /** sha256 (hex) and size of every other file of the bundle. */
  files: Record<string, { sha256: string; bytes: number }>;
}

/** The PCA of the training latents, and (newer bundles) training molecules projected on its first two axes. */
export type LatentStats = Pca & { background?: { x: number[]; y: number[] } };

export interface BundleContent {
  name: string;
  version: string;
  config: VaeConfig;
  vocabulary: Vocabulary;
  maxLength: number;
  normalization: Normalization | null;
  weights: ReadonlyMap<string, Float32Array>;
  training: BundleManifest['training'];
  metrics?: Record<string, unknown>;
  latentStats: LatentStats;
  /** Other files to carry (e.g. the training-set index of a base model) */
  extraFiles?: ReadonlyMap<string, Uint8Array>;
  /** More manifest fields (e.g. what a fine-tuned model started from) */
  extraManifest?: Record<string, unknown>;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Writes (or replaces) the bundle folder `dir`. */
export function writeBundle(dir: string, c: BundleContent): BundleManifest {
  const graphs = exportInferenceGraphs(c.config, c.weights);
  const blobs = new Map<string, Uint8Array>();
  // each graph stamped with its vocabulary, so a manifest whose tokens were swapped is caught (bundle-check.ts)
  const stamp = { [VOCABULARY_METADATA]: vocabularyDigest(c.vocabulary.tokens) };
  for (const [k, file] of Object.entries(GRAPH_FILES)) blobs.set(file, withMetadata(graphs[k as keyof InferenceGraphs], stamp));
  blobs.set(LATENT_STATS_FILE, new TextEncoder().encode(JSON.stringify(c.latentStats)));
  const decW = c.weights.get('dec.W'), decB = c.weights.get('dec.B');
  if (decW && decB) {
    const both = new Float32Array(decW.length + decB.length);
    both.set(decW);
    both.set(decB, decW.length);
    blobs.set(DECODER_WEIGHTS_FILE, new Uint8Array(both.buffer));
  }
  for (const [f, b] of c.extraFiles ?? []) blobs.set(f, b);
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT, formatVersion: BUNDLE_FORMAT_VERSION, name: c.name, version: c.version, createdAt: new Date().toISOString(),
    vocabulary: c.vocabulary.toJSON(),
    architecture: { type: 'smiles-gru-vae', ...c.config, maxLength: c.maxLength },
    propertyNormalization: c.normalization,
    training: c.training,
    metrics: c.metrics ?? {},
    files: Object.fromEntries([...blobs].map(([f, b]) => [f, { sha256: sha256(b), bytes: b.length }])),
    ...c.extraManifest,
  };
  const target = path.resolve(dir);
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  fs.mkdirSync(tmp, { recursive: true });
  for (const [f, b] of blobs) fs.writeFileSync(path.join(tmp, f), b);
  fs.writeFileSync(path.join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 1));
  const old = `${target}.old-${process.pid}-${Date.now()}`;
  if (fs.existsSync(target)) fs.renameSync(target, old);
  fs.renameSync(tmp, target);
  fs.rmSync(old, { recursive: true, force: true });
  return manifest;
}

/**
 * Adds (or replaces) one file of an existing bundle and lists it in the manifest; the manifest is replaced
 * atomically, after the file is in place, so a crash leaves either the old bundle or the new one valid.
 */
export function addBundleFile(dir: string, name: string, bytes: Uint8Array): BundleManifest {
  if (name.includes('/') || name.includes('\\') || name.startsWith('.') || name === 'manifest.json') throw new BundleError(`addBundleFile: odd file name ${JSON.stringify(name)}`);
  const { manifest } = verifyBundle(dir);
  const tmp = (f: string) => path.join(dir, `.${f}.tmp-${process.pid}`);
  fs.writeFileSync(tmp(name), bytes);
  fs.renameSync(tmp(name), path.join(dir, name));
  const next: BundleManifest = { ...manifest, files: { ...manifest.files, [name]: { sha256: sha256(bytes), bytes: bytes.length } } };
  fs.writeFileSync(tmp('manifest.json'), JSON.stringify(next, null, 1));
  fs.renameSync(tmp('manifest.json'), path.join(dir, 'manifest.json'));
  return next;
}

export class BundleError extends Error {}

/**
 * Reads the manifest and checks it and every file it lists (bundle-check.ts: schema and limits, vocabulary,
 * normalization, only regular files of the listed size, sha256, the graphs' inputs and outputs, the latent
 * statistics); throws BundleError naming the bundle, the file and the fault.
 */
export function verifyBundle(dir: string): VerifiedBundle {
  try {
    return verified(dir);
  } catch (e) {
    if (e instanceof BundleFault) throw new BundleError(`model bundle ${dir}: ${e.message}`);
    throw e;
  }
}

/** A bundle as verified: its manifest, the bytes of every file it lists, and the sha256 of the manifest read. */
export interface VerifiedBundle {
  manifest: BundleManifest;
  files: Map<string, Uint8Array>;
  /** sha256 (hex) of the manifest.json bytes that were checked (the model's identity: it holds every file's sha256) */
  manifestSha256: string;
}

function verified(dir: string): VerifiedBundle {
  let isFolder: boolean;
  try {
    isFolder = fs.statSync(dir).isDirectory();
  } catch {
    throw new BundleFault('manifest.json is missing (not a model bundle, or an incomplete copy)');
  }
  if (!isFolder) throw new BundleFault('it is not a folder');
  const manifestBytes = readBundleFile(dir, 'manifest.json', { maxBytes: BUNDLE_LIMITS.manifestBytes });
  let json: { format?: unknown; formatVersion?: unknown } | null;
  try {
    json = JSON.parse(new TextDecoder().decode(manifestBytes));
  } catch (e) {
    throw new BundleFault(`manifest.json is not valid JSON (${(e as Error).message})`);
  }
  if (json?.format !== BUNDLE_FORMAT) throw new BundleFault(`manifest.json: format is ${JSON.stringify(json?.format)}, expected "${BUNDLE_FORMAT}"`);
  const version = json.formatVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw new BundleFault(`manifest.json: formatVersion ${JSON.stringify(version)} is not a format version`);
  if (version > BUNDLE_FORMAT_VERSION) throw new BundleFault(`manifest.json: formatVersion ${version} is newer than this app reads (${BUNDLE_FORMAT_VERSION}); update Molscape`);
  const manifest = checkManifest(json) as unknown as BundleManifest;
  for (const f of [...Object.values(GRAPH_FILES), LATENT_STATS_FILE]) if (!manifest.files[f]) throw new BundleFault(`manifest.json does not list ${f}`);
  const files = new Map<string, Uint8Array>();
  for (const [f, want] of Object.entries(manifest.files)) {
    const b = readBundleFile(dir, f, { bytes: want.bytes });
    if (sha256(b) !== want.sha256) throw new BundleFault(`${f} is corrupt (sha256 does not match the manifest)`);
    files.set(f, b);
  }
  checkGraphs(files, manifest.architecture, manifest.vocabulary.tokens);
  const decoderWeights = files.get(DECODER_WEIGHTS_FILE);
  if (decoderWeights) {
    // dec.W [3H, E + latent] then dec.B [6H], float32 (writeBundle); warm-start.ts slices it by these sizes
    const a = manifest.architecture, H = a.decoderHidden;
    const want = 4 * (3 * H * (a.embedding + a.latent) + 6 * H);
    if (decoderWeights.length !== want) throw new BundleFault(`${DECODER_WEIGHTS_FILE} has ${decoderWeights.length} bytes, the architecture needs ${want}`);
  }
  checkLatentStats(files.get(LATENT_STATS_FILE)!, manifest.architecture.latent);
  return { manifest, files, manifestSha256: sha256(manifestBytes) };
}

/**
 * The `format` a folder's manifest.json declares, or null when there is none to read (missing, not a regular
 * file, too large, not JSON): for the checks that only ask whether a folder is a Molscape bundle before
 * replacing or deleting it. The manifest is read with the same bounds as verifyBundle's, never a link or FIFO.
 */
export function declaredBundleFormat(dir: string): string | null {
  try {
    const json = JSON.parse(new TextDecoder().decode(readBundleFile(dir, 'manifest.json', { maxBytes: BUNDLE_LIMITS.manifestBytes }))) as { format?: unknown };
    return typeof json?.format === 'string' ? json.format : null;
  } catch {
    return null;
  }
}

export interface LoadedBundle {
  manifest: BundleManifest;
  vocabulary: Vocabulary;
  latentStats: LatentStats;
  /** Membership of the training molecules (canonical SMILES), when the bundle ships training_set.bin. */
  trainingSet: TrainingSetIndex | null;
  runtime: VaeRuntime;
  /** sha256 of the manifest.json that was verified and loaded */
  manifestSha256: string;
}

/** Verifies and loads a bundle onto ONNX Runtime. */
export async function loadBundle(dir: string, o: RuntimeOptions = {}): Promise<LoadedBundle> {
  const { manifest, files, manifestSha256 } = verifyBundle(dir);
  let vocabulary: Vocabulary;
  try {
    vocabulary = Vocabulary.fromJSON(manifest.vocabulary);
  } catch (e) {
    throw new BundleError(`model bundle ${dir}: manifest.json: ${(e as Error).message}`);
  }
  const a = manifest.architecture;
  if (a?.vocab !== vocabulary.size) throw new BundleError(`model bundle ${dir}: manifest.json: architecture.vocab ${a?.vocab} does not match the vocabulary (${vocabulary.size} tokens)`);
  const latentStats = JSON.parse(new TextDecoder().decode(files.get(LATENT_STATS_FILE))) as LatentStats;
  let trainingSet: TrainingSetIndex | null = null;
  const ts = files.get(TRAINING_SET_FILE);
  if (ts) {
    try {
      trainingSet = TrainingSetIndex.fromBytes(ts);
    } catch (e) {
      throw new BundleError(`model bundle ${dir}: ${(e as Error).message}`);
    }
  }
  const graph = (k: keyof InferenceGraphs) => files.get(GRAPH_FILES[k])!;
  let runtime: VaeRuntime;
  try {
    runtime = await VaeRuntime.create({
      vocabulary, latent: a.latent, decoderHidden: a.decoderHidden, properties: a.properties, maxLength: a.maxLength,
      graphs: { encoder: graph('encoder'), initialState: graph('initialState'), decoderStep: graph('decoderStep'), property: graph('property'), propertyGrad: graph('propertyGrad') },
    }, o);
  } catch (e) {
    // graphs whose inputs and outputs checked out can still hold damage only ONNX Runtime sees (a broken node)
    throw new BundleError(`model bundle ${dir}: ONNX Runtime cannot load its graphs (${(e as Error).message})`);
  }
  return { manifest, vocabulary, latentStats, trainingSet, runtime, manifestSha256 };
}

/** Property-head predictions in real units (prediction · std + mean), one array per property; {} without a head. */
export async function predictProperties(b: LoadedBundle, z: Float32Array, rows: number): Promise<Record<string, Float32Array>> {
  const norm = b.manifest.propertyNormalization;
  if (!norm || norm.names.length === 0) return {};
  const raw = await b.runtime.properties(z, rows);
  const p = norm.names.length;
  return Object.fromEntries(norm.names.map((name, k) => [name, Float32Array.from({ length: rows }, (_, r) => raw[r * p + k] * norm.std[k] + norm.mean[k])]));
}
