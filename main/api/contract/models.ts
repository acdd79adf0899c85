// The SMILES VAE's models: the list, the active one, training and its curves, the doctor's report.
import { z } from 'zod';
import { call } from './call.ts';
import { Id } from './shapes.ts';

// ---- the SMILES VAE ---------------------------------------------------------------------------------------

/** A model bundle: a name under resources/models, or a bundle folder path; the shipped model when left out. */
export const ModelRef = z.string().min(1).max(1000).optional();

/** A name for a model the user trains: letters, digits, space, dot, dash, underscore; not a path. */
export const ModelName = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, 'a model name is letters, digits, spaces, dots, dashes and underscores, starting with a letter or digit')
  .refine((s) => !s.includes('..') && !s.endsWith('.run'), 'a model name cannot hold ".." or end in ".run"');

/** What a model's evaluation on its held-out split says, before (the base model) and after training. */
export const HoldoutFigures = z.object({
  molecules: z.number().int().nonnegative(),
  /** greedy decode of the mean gives back the molecule (RDKit canonical SMILES), share 0..1 */
  exact: z.number().min(0).max(1),
  /** decodes RDKit accepts, share 0..1 */
  valid: z.number().min(0).max(1),
});
export type HoldoutFigures = z.infer<typeof HoldoutFigures>;

/** One point of a training run's curves (after each chunk of steps). */
export const TrainCurvePoint = z.object({
  step: z.number().int().nonnegative(),
  epoch: z.number().int().nonnegative(),
  seconds: z.number().nonnegative(),
  /** mean training loss parts over the chunk (loss, ce, kl, prop) */
  train: z.record(z.string(), z.number()),
  /** validation loss parts at the mean (ce, kl, prop), when there is a validation set */
  valid: z.record(z.string(), z.number()).nullable(),
  /** held-out exact reconstruction and validity, when measured at this point */
  holdout: HoldoutFigures.nullable(),
});
export type TrainCurvePoint = z.infer<typeof TrainCurvePoint>;

export const ModelInfo = z.object({
  name: z.string(),
  dir: z.string(),
  /** shipped with the app (read-only) or trained by the user (kept in the user-data folder) */
  source: z.enum(['shipped', 'user']),
  version: z.string().nullable(),
  trainingSteps: z.number().int().nullable(),
  latent: z.number().int().nullable(),
  properties: z.array(z.string()),
  createdAt: z.string().nullable(),
  isDefault: z.boolean(),
  /** the workspace's active model (design operations, the map and the encode job use it) */
  active: z.boolean(),
  /** Why the bundle cannot be used (missing or corrupt file, incomplete), or null. */
  problem: z.string().nullable(),
  /** the model card; null when the manifest could not be read */
  card: z
    .object({
      trainedOn: z.object({ file: z.string(), molecules: z.number().int().nonnegative(), sha256: z.string() }),
      /** the bundle it was fine-tuned from, or null (trained from scratch) */
      baseModel: z.object({ name: z.string(), sha256: z.string() }).nullable(),
      vocabularySize: z.number().int().positive(),
      /** tokens added to the base model's vocabulary by fine-tuning */
      addedTokens: z.array(z.string()),
      architecture: z.string(),
      bytes: z.number().int().nonnegative(),
      /** exact reconstruction and validity on the fine-tuning's held-out molecules, before and after */
      holdout: z.object({ before: HoldoutFigures.nullable(), after: HoldoutFigures }).nullable(),
      /** other evaluation figures from the manifest (name → value) */
      metrics: z.record(z.string(), z.number()),
    })
    .nullable(),
});
export type ModelInfo = z.infer<typeof ModelInfo>;

export const DecodeSettings = z.object({
  strategy: z.enum(['greedy', 'sample', 'beam', 'valid-first']).default('greedy'),
  temperature: z.number().positive().max(10).optional(),
  seed: z.number().int().nonnegative().optional(),
  beamWidth: z.number().int().positive().max(50).optional(),
  maxTries: z.number().int().positive().max(100).optional(),
});

export const DecodedMolecule = z.object({ raw: z.string(), smiles: z.string().nullable(), valid: z.boolean() });

const DoctorWhere = z.object({ line: z.number().int(), name: z.string(), smiles: z.string() });
const TokenCount = z.object({ token: z.string(), count: z.number().int() });
export const DoctorReport = z.object({
  molecules: z.number().int(),
  vocabulary: z.object({ size: z.number().int(), tokens: z.array(TokenCount) }),
  outOfVocabulary: z.object({ model: z.string(), molecules: z.number().int(), tokens: z.array(TokenCount), examples: z.array(DoctorWhere.extend({ token: z.string(), reason: z.string() })) }).nullable(),
  lengths: z.object({
    min: z.number(), max: z.number(), mean: z.number(), p50: z.number(), p95: z.number(), p99: z.number(),
    histogram: z.array(z.object({ from: z.number(), to: z.number(), count: z.number().int() })),
    modelMaxLength: z.number().int().nullable(), tooLong: z.array(DoctorWhere), outliers: z.array(DoctorWhere),
  }),
  mixtures: z.object({ count: z.number().int(), examples: z.array(DoctorWhere) }),
  duplicates: z.object({ count: z.number().int(), examples: z.array(DoctorWhere.extend({ firstLine: z.number().int() })) }),
  invalid: z.object({ count: z.number().int(), examples: z.array(DoctorWhere.extend({ reason: z.string() })) }),
  trainingEstimate: z.object({ tokens: z.number(), epochs: z.number().int(), secondsPerEpoch: z.number(), seconds: z.number(), basis: z.string() }),
});
export type DoctorReport = z.infer<typeof DoctorReport>;


export const modelCalls = {
  // ---- the SMILES VAE (main/design): `model` is a bundle name under resources/models or a bundle folder path
  'models.list': call(z.object({}), z.array(ModelInfo), 'Every model the app can use: the shipped bundles and those the user trained, each checked against its manifest, with its card.'),
  'models.setActive': call(
    z.object({ name: z.string().min(1).max(200) }),
    ModelInfo,
    "Make a model the workspace's active model (a model with a problem is refused).",
  ),
  'models.rename': call(
    z.object({ name: z.string().min(1).max(200), newName: ModelName }),
    ModelInfo,
    'Rename a model the user trained (shipped models cannot be renamed).',
  ),
  'models.delete': call(
    z.object({ name: z.string().min(1).max(200) }),
    z.object({ deleted: z.boolean() }),
    'Delete a model the user trained (its bundle and run folder); the active model falls back to the shipped one.',
  ),
  'models.doctor': call(
    z.object({
      /** a file on this machine, or a workspace collection */
      path: z.string().min(1).max(4096).optional(),
      collectionId: Id.optional(),
      model: ModelRef,
      epochs: z.number().int().positive().max(10_000).default(30),
    }),
    DoctorReport,
    'Check a file or a collection before training or encoding: vocabulary, unknown tokens, lengths, mixtures, duplicates, invalid SMILES, training time.',
  ),
  'models.train': call(
    z.object({
      /** training molecules: a file (SMILES, CSV/TSV, SD, gzip) or a workspace collection */
      data: z.string().min(1).max(4096).optional(),
      collectionId: Id.optional(),
      valid: z.string().min(1).max(4096).optional(),
      /** the new model's name (kept in the user-data folder); or out, a bundle folder (CLI, tests) */
      name: ModelName.optional(),
      out: z.string().min(1).max(4096).optional(),
      /** the model to fine-tune (a model name or folder); left out: a fresh model from scratch */
      from: z.string().min(1).max(1000).optional(),
      /** share of the data held out (seeded split), measured before and after */
      holdout: z.number().min(0).max(0.5).default(0.1),
      /** share of each epoch drawn from the base model's own training data, when it is present */
      replay: z.number().min(0).max(0.9).default(0.5),
      /** checkpoints and curves (default: out + '.run') */
      runDir: z.string().min(1).max(4096).optional(),
      resume: z.boolean().default(false),
      epochs: z.number().int().positive().max(10_000).default(30),
      timeBudgetSeconds: z.number().positive().optional(),
      size: z.enum(['zinc', 'small', 'tiny']).default('zinc'),
      propertyMolecules: z.number().int().nonnegative().optional(),
    }),
    z.object({ jobId: Id }),
    'Train or fine-tune a SMILES VAE (a train job; cancel stops with a checkpoint and still writes the bundle; resume goes on).',
  ),
  'models.curves': call(
    z.object({ jobId: Id }),
    z.object({
      /** the train job's bundle name and run folder state */
      name: z.string(),
      points: z.array(TrainCurvePoint),
      /** held-out figures of the base model, measured before training (null from scratch, or not yet) */
      before: HoldoutFigures.nullable(),
      /** the job can be resumed (stopped, failed or cancelled with a checkpoint) */
      resumable: z.boolean(),
    }),
    'The curves of a train job so far (training and validation loss, held-out reconstruction), read from its run folder.',
  ),
} as const;
