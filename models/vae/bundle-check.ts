// What a model bundle must be before anything of it runs (issue 18, item 4). A bundle is data from wherever the
// user found it (a colleague's share, a download, a damaged copy), so its manifest is not trusted: it is checked
// against a schema with sane limits, against itself (vocabulary and architecture, normalization and property
// head), and against the ONNX graphs' own inputs and outputs; its files are read only when they are regular files
// of the size the manifest says, checked before reading (a link to /dev/zero or a FIFO is never read). Each
// refusal says which file and what is wrong; verifyBundle (bundle.ts) wraps it in a BundleError naming the bundle.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ONNX_DATA_TYPE, graphSignature, type TensorSignature } from '../graph/onnx-proto.ts';
import { Vocabulary } from './tokenizer.ts';

/** Bounds no real model comes near and every allocation the runtime makes from the manifest stays within. */
export const BUNDLE_LIMITS = {
  /** longest SMILES decoded, in tokens (the shipped model: 100) */
  maxLength: 1000,
  tokens: 10_000,
  tokenChars: 64,
  /** embedding, hidden and latent widths (the shipped model: 64, 256, 512, 56) */
  width: 4096,
  latent: 1024,
  properties: 64,
  files: 100,
  /** one file of the bundle (the shipped model's largest: 3.7 MB) */
  fileBytes: 2 ** 30,
  manifestBytes: 64 * 2 ** 20,
} as const;

/**
 * The metadata key under which writeBundle stamps each graph with its vocabulary's digest: the graphs' shapes
 * give the vocabulary's size only, so a vocabulary whose tokens were swapped or reordered would pass them and
 * decode every molecule into another. Bundles written before the stamp have none and are checked by size only.
 */
export const VOCABULARY_METADATA = 'molscape.vocabulary.sha256';
export const vocabularyDigest = (tokens: readonly string[]): string => createHash('sha256').update(JSON.stringify(tokens)).digest('hex');

/** A fault found in one file of the bundle; bundle.ts adds the bundle's folder. */
export class BundleFault extends Error {}

const width = (max: number) => z.number().int().min(1).max(max);
const ManifestSchema = z.looseObject({
  name: z.string().min(1).max(200),
  version: z.string().max(200),
  vocabulary: z.object({ tokens: z.array(z.string().min(1).max(BUNDLE_LIMITS.tokenChars)).min(5).max(BUNDLE_LIMITS.tokens) }),
  architecture: z.looseObject({
    type: z.literal('smiles-gru-vae'),
    vocab: width(BUNDLE_LIMITS.tokens),
    embedding: width(BUNDLE_LIMITS.width),
    encoderHidden: width(BUNDLE_LIMITS.width),
    latent: width(BUNDLE_LIMITS.latent),
    decoderHidden: width(BUNDLE_LIMITS.width),
    propertyHidden: width(BUNDLE_LIMITS.width),
    properties: z.array(z.string().min(1).max(200)).max(BUNDLE_LIMITS.properties),
    freeBits: z.number().min(0).max(1000),
    // at least <bos>, one token, <eos>
    maxLength: z.number().int().min(3).max(BUNDLE_LIMITS.maxLength),
  }),
  propertyNormalization: z
    .object({
      names: z.array(z.string().min(1).max(200)).max(BUNDLE_LIMITS.properties),
      mean: z.array(z.number()).max(BUNDLE_LIMITS.properties),
      // predictions are scaled by it: zero, negative or missing would make every prediction meaningless
      std: z.array(z.number().positive()).max(BUNDLE_LIMITS.properties),
    })
    .nullable(),
  training: z.looseObject({}),
  files: z
    .record(z.string(), z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().min(0).max(BUNDLE_LIMITS.fileBytes) }))
    .refine((f) => Object.keys(f).length <= BUNDLE_LIMITS.files, `more than ${BUNDLE_LIMITS.files} files`),
});
type CheckedManifest = z.infer<typeof ManifestSchema>;

/**
 * The manifest checked: the schema, then what the schema cannot say (the vocabulary well-formed and of the
 * architecture's size, the normalization's columns of equal length and those of the property head). Returns
 * the manifest as parsed (extra fields kept); throws BundleFault naming manifest.json and the field.
 */
export function checkManifest(json: unknown): CheckedManifest {
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BundleFault(`manifest.json: ${issue.path.map(String).join('.') || '(top)'}: ${issue.message}`);
  }
  const m = parsed.data;
  let vocabulary: Vocabulary;
  try {
    vocabulary = Vocabulary.fromJSON(m.vocabulary);
  } catch (e) {
    throw new BundleFault(`manifest.json: ${(e as Error).message}`);
  }
  const a = m.architecture;
  if (a.vocab !== vocabulary.size) throw new BundleFault(`manifest.json: architecture.vocab ${a.vocab} does not match the vocabulary (${vocabulary.size} tokens)`);
  const n = m.propertyNormalization;
  if (n) {
    if (n.names.length !== n.mean.length || n.names.length !== n.std.length)
      throw new BundleFault(`manifest.json: propertyNormalization: names, mean and std have ${n.names.length}, ${n.mean.length} and ${n.std.length} entries`);
    if (n.names.length !== a.properties.length || n.names.some((name, k) => name !== a.properties[k]))
      throw new BundleFault(`manifest.json: propertyNormalization.names ${JSON.stringify(n.names)} are not the property head's outputs ${JSON.stringify(a.properties)}`);
  }
  for (const f of Object.keys(m.files)) {
    if (f.includes('/') || f.includes('\\') || f.startsWith('.') || f === 'manifest.json' || f.length > 200) throw new BundleFault(`manifest.json lists an odd file name ${JSON.stringify(f)}`);
  }
  return m;
}

const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
// a FIFO opened for reading without it waits for a writer
const O_NONBLOCK = fs.constants.O_NONBLOCK ?? 0;

/**
 * The bytes of one file of the bundle, read only when it is a regular file (not a link, folder, device or
 * FIFO) whose size is `bytes` (or at most `maxBytes` when the size is not known in advance: the manifest).
 * Checked on the open descriptor, so what is checked is what is read. Throws BundleFault naming the file.
 */
export function readBundleFile(dir: string, name: string, size: { bytes: number } | { maxBytes: number }): Uint8Array {
  let fd: number;
  try {
    fd = fs.openSync(path.join(dir, name), fs.constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BundleFault(name === 'manifest.json' ? 'manifest.json is missing (not a model bundle, or an incomplete copy)' : `${name} is missing`);
    if (code === 'ELOOP') throw new BundleFault(`${name} is not a regular file (a symbolic link)`);
    throw new BundleFault(`${name} cannot be opened (${code ?? (e as Error).message})`);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new BundleFault(`${name} is not a regular file (${st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'a special file'})`);
    if ('bytes' in size && st.size !== size.bytes) throw new BundleFault(`${name} has ${st.size} bytes, the manifest says ${size.bytes} (truncated or replaced)`);
    if ('maxBytes' in size && st.size > size.maxBytes) throw new BundleFault(`${name} has ${st.size} bytes, more than a bundle's ${name} may (${size.maxBytes})`);
    const out = new Uint8Array(st.size);
    let done = 0;
    while (done < out.length) {
      const got = fs.readSync(fd, out, done, out.length - done, done);
      if (got === 0) throw new BundleFault(`${name} shrank while it was read`);
      done += got;
    }
    return out;
  } finally {
    fs.closeSync(fd);
  }
}

/** A dim the runtime needs: free (any batch or length, fed at run time), or a size the manifest implies. */
type Dim = 'free' | { size: number; says: string };
type Io = { name: string; type: 'int64' | 'float32'; dims: Dim[] };
type GraphSpec = { inputs: Io[]; outputs: Io[] };

const show = (dims: TensorSignature['dims']) => `[${dims.map((d) => (typeof d === 'number' ? d : (d ?? '?'))).join(', ')}]`;
const typeName = (code: number) => Object.entries(ONNX_DATA_TYPE).find(([, c]) => c === code)?.[0] ?? `type ${code}`;

/** The inputs and outputs each graph must have for a manifest, as export.ts builds them and vae-runtime feeds them. */
export function graphSpecs(a: { latent: number; decoderHidden: number; vocab: number; properties: readonly string[] }): Record<string, GraphSpec> {
  const latent: Dim = { size: a.latent, says: `the manifest says latent ${a.latent}` };
  const hidden: Dim = { size: a.decoderHidden, says: `the manifest says decoderHidden ${a.decoderHidden}` };
  const gates: Dim = { size: 3 * a.decoderHidden, says: `the manifest says decoderHidden ${a.decoderHidden} (3 gates: ${3 * a.decoderHidden})` };
  const vocab: Dim = { size: a.vocab, says: `the manifest's vocabulary has ${a.vocab} tokens` };
  const p = Math.max(1, a.properties.length);
  const props: Dim = { size: p, says: `the manifest's property head has ${p} output${p === 1 ? '' : 's'}` };
  const io = (name: string, type: Io['type'], ...dims: Dim[]): Io => ({ name, type, dims });
  return {
    'encoder.onnx': {
      inputs: [io('tokens', 'int64', 'free', 'free'), io('tokens_rev', 'int64', 'free', 'free'), io('last', 'float32', 'free', 'free')],
      outputs: [io('mu', 'float32', 'free', latent), io('logvar', 'float32', 'free', latent)],
    },
    'initial_state.onnx': { inputs: [io('z', 'float32', 'free', latent)], outputs: [io('h', 'float32', 'free', hidden), io('zproj', 'float32', 'free', gates)] },
    'decoder_step.onnx': {
      inputs: [io('zproj', 'float32', 'free', gates), io('token', 'int64', 'free'), io('h', 'float32', 'free', hidden)],
      outputs: [io('logits', 'float32', 'free', vocab), io('h_next', 'float32', 'free', hidden)],
    },
    'property.onnx': { inputs: [io('z', 'float32', 'free', latent)], outputs: [io('props', 'float32', 'free', props)] },
    'property_grad.onnx': { inputs: [io('z', 'float32', 'free', latent), io('weights', 'float32', 'free', props)], outputs: [io('grad', 'float32', 'free', latent)] },
  };
}

/**
 * The graphs' inputs and outputs against what the runtime will feed and read, then (all shapes being right,
 * whose faults say more) each graph's vocabulary stamp, when it has one, against the manifest's vocabulary.
 */
export function checkGraphs(files: ReadonlyMap<string, Uint8Array>, a: Parameters<typeof graphSpecs>[0], tokens: readonly string[]): void {
  const stamps = Object.entries(graphSpecs(a)).map(([file, spec]) => [file, checkGraph(file, files.get(file)!, spec)] as const);
  for (const [file, metadata] of stamps) {
    const stamp = metadata[VOCABULARY_METADATA];
    if (stamp !== undefined && stamp !== vocabularyDigest(tokens))
      throw new BundleFault(`${file} was built for another vocabulary than the manifest's (its tokens were changed, reordered or swapped)`);
  }
}

/** One graph's inputs and outputs against what the runtime will feed and read; returns its metadata; throws BundleFault. */
export function checkGraph(file: string, bytes: Uint8Array, spec: GraphSpec): Record<string, string> {
  let sig: ReturnType<typeof graphSignature>;
  try {
    sig = graphSignature(bytes);
  } catch (e) {
    throw new BundleFault(`${file} is not an ONNX model (${(e as Error).message})`);
  }
  for (const [side, want, have] of [['input', spec.inputs, sig.inputs], ['output', spec.outputs, sig.outputs]] as const) {
    for (const w of want) {
      const h = have.find((x) => x.name === w.name);
      if (!h) throw new BundleFault(`${file}: ${side} ${w.name} is missing (the graph's ${side}s: ${have.map((x) => x.name).join(', ') || 'none'})`);
      if (h.elemType !== ONNX_DATA_TYPE[w.type]) throw new BundleFault(`${file}: ${side} ${w.name} is ${typeName(h.elemType)}, expected ${w.type}`);
      if (h.dims.length !== w.dims.length) throw new BundleFault(`${file}: ${side} ${w.name} is ${show(h.dims)}, expected ${w.dims.length} axes`);
      w.dims.forEach((d, k) => {
        const got = h.dims[k];
        if (d === 'free' && typeof got === 'number') throw new BundleFault(`${file}: ${side} ${w.name} is ${show(h.dims)}: axis ${k} must be free (any batch or length)`);
        if (d !== 'free' && got !== d.size) throw new BundleFault(`${file}: ${side} ${w.name} is ${show(h.dims)}, ${d.says}`);
      });
    }
    // an input the runtime does not feed would fail every run; an output it does not read is harmless
    if (side === 'input') {
      const extra = have.find((x) => !want.some((w) => w.name === x.name));
      if (extra) throw new BundleFault(`${file}: input ${extra.name} is not one the runtime feeds`);
    }
  }
  return sig.metadata;
}

/** latent_stats.json: JSON of the PCA of the training latents, of the manifest's latent size. */
export function checkLatentStats(bytes: Uint8Array, latent: number): unknown {
  let stats: unknown;
  try {
    stats = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new BundleFault(`latent_stats.json is not valid JSON (${(e as Error).message})`);
  }
  const s = (stats ?? {}) as { mean?: unknown; axes?: unknown; variances?: unknown; background?: { x?: unknown; y?: unknown } };
  const numbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!numbers(s.mean)) throw new BundleFault('latent_stats.json: mean is not a list of numbers');
  if (s.mean.length !== latent) throw new BundleFault(`latent_stats.json: mean has ${s.mean.length} entries, the latent size is ${latent}`);
  if (!Array.isArray(s.axes) || s.axes.length > latent || !s.axes.every((ax) => numbers(ax) && ax.length === latent))
    throw new BundleFault(`latent_stats.json: axes must be at most ${latent} lists of ${latent} numbers`);
  if (!numbers(s.variances) || s.variances.length !== s.axes.length) throw new BundleFault('latent_stats.json: variances must be one number per axis');
  if (s.background !== undefined && !(numbers(s.background.x) && numbers(s.background.y) && s.background.x.length === s.background.y.length))
    throw new BundleFault('latent_stats.json: background must be two lists of numbers of equal length');
  return stats;
}
