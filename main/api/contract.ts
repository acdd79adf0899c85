// The one contract between a UI and the core: every call and every event, declared once, each with a runtime
// schema (zod). The Electron adapter, the browser-mode server and the tests all bind this same table, and the
// hosts validate every argument against it before a handler runs. Shared with the renderer: schemas and
// types only, nothing that needs Node.
import { z } from 'zod';

// ---- shared shapes ---------------------------------------------------------------------------------------

export const Id = z.number().int().positive();

export const Collection = z.object({
  id: Id,
  name: z.string(),
  kind: z.enum(['imported', 'generated', 'filtered', 'candidates']),
  sourcePath: z.string().nullable(),
  createdAt: z.string(),
  moleculeCount: z.number().int().nonnegative(),
  problemCount: z.number().int().nonnegative(),
  duplicateCount: z.number().int().nonnegative(),
  /** Molecules whose properties are computed (they fill in after an import, from a second job). */
  propertiesDone: z.number().int().nonnegative(),
  /** Names of the user columns carried in from the file (CSV columns, SD data fields). */
  userColumns: z.array(z.string()),
});
export type Collection = z.infer<typeof Collection>;

/** Property values computed by main/chem; null while not yet computed or where RDKit could not compute it. */
export const MoleculeProps = z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()]));
export type MoleculeProps = z.infer<typeof MoleculeProps>;

export const MoleculeRow = z.object({
  id: Id,
  collectionId: Id,
  /** 1-based position in the collection, in file order. */
  position: z.number().int().positive(),
  name: z.string().nullable(),
  smiles: z.string(),
  canonicalSmiles: z.string(),
  sourceLine: z.number().int().nullable(),
  props: MoleculeProps,
  userProps: MoleculeProps,
});
export type MoleculeRow = z.infer<typeof MoleculeRow>;

export const Problem = z.object({
  file: z.string(),
  /** 1-based line in the file (for SD files: the first line of the record). */
  line: z.number().int().nonnegative(),
  record: z.number().int().positive().nullable(),
  reason: z.string(),
  /** The offending text, cut to a readable length. */
  text: z.string().nullable(),
});
export type Problem = z.infer<typeof Problem>;

export const JobKind = z.enum(['import', 'properties', 'encode', 'train', 'optimize', 'test', 'layout']);
export const JobStatus = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);
export const Job = z.object({
  id: Id,
  kind: JobKind,
  status: JobStatus,
  title: z.string(),
  done: z.number().nonnegative(),
  total: z.number().nonnegative().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  result: z.unknown().nullable(),
});
export type Job = z.infer<typeof Job>;

export const SortSpec = z.object({
  /** 'position' | 'name' | 'canonicalSmiles' | a property name | 'user:<column>' */
  key: z.string().min(1).max(200),
  descending: z.boolean().default(false),
});

/** What an import reads: a path on this machine (desktop, CLI) or the bytes of a dropped file (browser). */
export const ImportSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('path'), path: z.string().min(1).max(4096) }),
  z.object({
    kind: z.literal('upload'),
    fileName: z.string().min(1).max(512),
    /** base64 of the file's bytes (gzip allowed); about 200 MB of base64 at most. */
    base64: z.string().max(280_000_000),
  }),
]);
export type ImportSource = z.infer<typeof ImportSource>;

/** One property's allowed range; either end may be left open. key: a property name or 'user:<column>'. */
export const RangeFilter = z.object({
  key: z.string().min(1).max(200),
  min: z.number().optional(),
  max: z.number().optional(),
});
/** Which molecules of a collection to show: all ranges hold (rows without a value fail) and the substructure matches. */
export const MoleculeFilter = z.object({
  ranges: z.array(RangeFilter).max(100).default([]),
  /** SMARTS or SMILES */
  substructure: z.string().min(1).max(2000).optional(),
});
export type MoleculeFilter = z.infer<typeof MoleculeFilter>;

export const PropertyStat = z.object({
  /** a property name or 'user:<column>' */
  key: z.string(),
  min: z.number(),
  max: z.number(),
  /** molecules with a numeric value for it */
  count: z.number().int().nonnegative(),
});
export type PropertyStat = z.infer<typeof PropertyStat>;

/** A search hit: the molecule and its Tanimoto similarity to the query (null for a substructure search). */
export const SearchHit = MoleculeRow.extend({ similarity: z.number().nullable() });
export type SearchHit = z.infer<typeof SearchHit>;

export const ExportFormat = z.enum(['csv', 'sdf', 'smi']);
export type ExportFormat = z.infer<typeof ExportFormat>;

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


// ---- designing in latent space (main/design) --------------------------------------------------------------

/** Where a designed molecule came from: enough to make it again (same model, operation, parameters, seed). */
export const Provenance = z.object({
  operation: z.enum(['walk', 'interpolate', 'neighbours', 'sample', 'decode', 'manual', 'optimize']),
  /** canonical SMILES of the seed (interpolation: the start), or null */
  seed: z.string().nullable(),
  /** the operation's parameters (directions and amounts, steps, method, radius, temperature, …) */
  params: z.record(z.string(), z.unknown()),
  model: z.string().nullable(),
  /** sha256 of the bundle's manifest.json (which holds the sha256 of every bundle file) */
  modelSha256: z.string().nullable(),
  /** the random seed of a stochastic operation, else null */
  randomSeed: z.number().int().nullable(),
  createdAt: z.string(),
});
export type Provenance = z.infer<typeof Provenance>;

/** A molecule made in latent space, with what a chemist wants to see next to its drawing. */
/**
 * Whether a seed is held exactly: a latent point that decodes to it was found (by the encoder's mean, a draw of
 * its posterior, or gradient descent on z); when not, the nearest molecule that is held and its similarity.
 */
export const SeedHold = z.object({
  held: z.boolean(),
  method: z.enum(['mean', 'posterior', 'gradient']).nullable(),
  nearest: z.string().nullable(),
  similarity: z.number().nullable(),
});
export type SeedHold = z.infer<typeof SeedHold>;

export const DesignedMolecule = z.object({
  /** what the decoder wrote */
  raw: z.string(),
  /** RDKit canonical SMILES, null when the decode is not a valid molecule */
  smiles: z.string().nullable(),
  valid: z.boolean(),
  /** main/chem's property panel (empty when invalid) */
  props: MoleculeProps,
  /** Tanimoto (Morgan r2, 2048 bits) to the seed; null without a seed or when invalid */
  similarity: z.number().nullable(),
  /** in the model's training set / anywhere in this workspace (null when invalid) */
  inTraining: z.boolean().nullable(),
  inWorkspace: z.boolean().nullable(),
  /** atoms (indices in `smiles`) whose surroundings differ from the seed's, for highlighting */
  changedAtoms: z.array(z.number().int().nonnegative()),
  /** RDKit SVG drawing with changedAtoms highlighted (when the call asked for drawings) */
  svg: z.string().nullable(),
  /** the latent point it was decoded from, and that point on the latent map (PCA plane) */
  z: z.array(z.number()),
  map: z.tuple([z.number(), z.number()]),
  /** how many decodes valid-first tried */
  tries: z.number().int().nonnegative(),
  provenance: Provenance,
  /** a seed only: whether the model holds it exactly (its latent point decodes to it) and how it was found */
  hold: SeedHold.optional(),
});
export type DesignedMolecule = z.infer<typeof DesignedMolecule>;

/** A direction to walk along: a principal axis of the training latents, or a property's gradient. */
export const LatentDirection = z.object({
  /** 'pc1' … 'pcN', or '<property>+' / '<property>-' (e.g. 'clogp+', 'sa-') */
  name: z.string(),
  label: z.string(),
  kind: z.enum(['axis', 'property']),
  /** latent distance of one slider unit: the training set's standard deviation along it */
  unit: z.number().positive(),
});
export type LatentDirection = z.infer<typeof LatentDirection>;

const SeedSmiles = z.string().min(1).max(2000);
/** A slider position along one walk direction, in units of the direction (see latent.directions). */
const WalkOffset = z.object({ direction: z.string().min(1).max(100), amount: z.number().min(-100).max(100) });
const DrawSize = z.object({ width: z.number().int().min(40).max(1200), height: z.number().int().min(40).max(1200) });

// ---- calls -----------------------------------------------------------------------------------------------

const call = <A extends z.ZodType, R extends z.ZodType>(args: A, result: R, doc: string) => ({ args, result, doc });

// ---- optimization (issue 14; main/design/optimize) -------------------------------------------------------
// Kept apart from the calls above: one call that starts the 'optimize' job (optimize-job.ts); its results are a
// generated collection, its progress and cancel those of any job.

export const OptimizeRequest = z.object({
  /** start molecules as SMILES; or collectionId: every molecule of a collection */
  starts: z.array(z.string().min(1).max(2000)).min(1).max(10_000).optional(),
  collectionId: Id.optional(),
  /** NAME[:max|:min|:target=V[:window=W][:soft=S]][:weight=K]; NAME: qed, sa, clogp, plogp, tpsa, mw, hbd, hba */
  objectives: z.array(z.string().min(1).max(200)).min(1).max(8),
  constraints: z
    .object({
      /** Tanimoto (Morgan r2, 2048 bits) to the start at least this */
      similarity: z.number().min(0).max(1).optional(),
      /** SMARTS every result must match */
      keep: z.array(z.string().min(1).max(2000)).max(16).optional(),
      /** property windows: NAME>=V, NAME<=V or NAME=LO..HI */
      windows: z.array(z.string().min(1).max(200)).max(16).optional(),
      noPains: z.boolean().optional(),
      notInTraining: z.boolean().optional(),
      notInWorkspace: z.boolean().optional(),
    })
    .default({}),
  method: z.enum(['gradient', 'cmaes']).default('gradient'),
  /** decodes per start molecule */
  budget: z.number().int().min(1).max(1_000_000).default(500),
  randomSeed: z.number().int().nonnegative().default(0),
  /** two or three objectives: keep the non-dominated results */
  pareto: z.boolean().default(false),
  keepPerStart: z.number().int().min(1).max(1000).default(5),
  model: ModelRef,
  /** the generated collection's name */
  name: z.string().min(1).max(200).optional(),
});
export type OptimizeRequest = z.infer<typeof OptimizeRequest>;

const optimizeCalls = {
  'design.optimize': call(
    OptimizeRequest,
    z.object({ jobId: Id }),
    'An optimize job: from each start molecule, better molecules under the constraints, every one decoded and checked with RDKit; results in a generated collection.',
  ),
} as const;

// What the Optimize panel needs besides the job (renderer/src/components/optimize): a check of molecules
// against a seed under the optimizer's own constraint code (live feedback, results seed → result with the
// changed atoms drawn), and the job's best so far and Pareto front as it goes (a live plot).
const OptimizeConstraints = OptimizeRequest.shape.constraints;

/** A molecule judged against the seed: its chemistry, the changed atoms drawn, the constraints it breaks. */
export const CheckedMolecule = z.object({
  /** RDKit canonical SMILES; null when RDKit cannot read what was given */
  smiles: z.string().nullable(),
  props: MoleculeProps,
  /** Tanimoto (Morgan r2, 2048 bits) to the seed */
  similarity: z.number().nullable(),
  changedAtoms: z.array(z.number().int().nonnegative()),
  svg: z.string().nullable(),
  /** per SMARTS of constraints.keep, in order: does it match */
  keeps: z.array(z.boolean()),
  /** per objective: its value (null: unknown) */
  values: z.array(z.number().nullable()),
  /** the constraints it breaks (novelty is not checked here: the caller knows membership) */
  violations: z.array(z.object({ code: z.string(), amount: z.number(), detail: z.string().optional() })),
});
export type CheckedMolecule = z.infer<typeof CheckedMolecule>;

const optimizeUiCalls = {
  'design.check': call(
    z.object({
      seed: z.string().min(1).max(2000),
      smiles: z.array(z.string().min(1).max(2000)).max(2000),
      objectives: z.array(z.string().min(1).max(200)).max(8).default([]),
      constraints: OptimizeConstraints,
      draw: z.object({ width: z.number().int().min(40).max(1200), height: z.number().int().min(40).max(1200) }).optional(),
    }),
    z.object({
      /** null when there is a problem */
      seed: CheckedMolecule.nullable(),
      molecules: z.array(CheckedMolecule),
      /** what is wrong with the settings or the seed (a SMARTS RDKit cannot read, an unknown property …): an answer, not an error, as a chemist types */
      problem: z.string().nullable(),
    }),
    "Molecules judged against a seed as the optimizer judges them (properties, similarity, SMARTS kept, windows, PAINS), drawn with the atoms changed against the seed highlighted; a bad SMARTS, window, objective or seed comes back as `problem`.",
  ),
} as const;

export const OptimizeProgress = z.object({
  jobId: Id,
  /** the generated collection the results go to (a cancelled job's answer carries none) */
  collectionId: Id,
  /** the start being optimized (0-based) and how many there are */
  start: z.number().int().nonnegative(),
  starts: z.number().int().positive(),
  /** decodes done in the whole job, and its whole budget */
  decodes: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  /** objective labels, in order */
  objectives: z.array(z.string()),
  /** the best molecule meeting every constraint so far in the job (weighted score, per objective value) */
  best: z.object({ smiles: z.string(), score: z.number(), values: z.array(z.number().nullable()) }).nullable(),
  /** the current start's non-dominated feasible molecules (at most 200), per objective value */
  front: z.array(z.object({ smiles: z.string(), values: z.array(z.number().nullable()) })),
  /** the current start's distinct valid molecules so far, and how many of them meet every constraint */
  valid: z.number().int().nonnegative(),
  feasible: z.number().int().nonnegative(),
});
export type OptimizeProgress = z.infer<typeof OptimizeProgress>;

const optimizeEvents = {
  /** an optimize job after a batch of decodes (at most ~4 a second, and at the end of each start) */
  'optimize.progress': OptimizeProgress,
} as const;

// ---- end of optimization ---------------------------------------------------------------------------------

export const calls = {
  'app.info': call(
    z.object({}),
    z.object({ name: z.string(), version: z.string(), workspace: z.string(), host: z.enum(['electron', 'browser', 'test', 'cli']) }),
    'What is running and where its workspace is.',
  ),
  'collections.list': call(z.object({}), z.array(Collection), 'Every collection in the workspace, newest first.'),
  'collections.get': call(z.object({ id: Id }), Collection, 'One collection.'),
  'collections.import': call(
    z.object({
      source: ImportSource,
      name: z.string().min(1).max(200).optional(),
      /** Follow the import with the properties job (default true). */
      properties: z.boolean().optional(),
      /** Keep only the largest fragment, stripping salts and solvents (default true; the stripped are counted). */
      largestFragment: z.boolean().optional(),
      /** Neutralize charges (default false). */
      neutralize: z.boolean().optional(),
      /** Drop molecules whose canonical SMILES is already in the collection (default true; counted). */
      dropDuplicates: z.boolean().optional(),
    }),
    z.object({ jobId: Id }),
    'Start an import job: parse, canonicalize and store a collection; its properties follow in a second job.',
  ),
  'collections.rename': call(z.object({ id: Id, name: z.string().min(1).max(200) }), Collection, 'Rename a collection.'),
  'collections.delete': call(z.object({ id: Id }), z.object({ deleted: z.boolean() }), 'Delete a collection and its molecules.'),
  'collections.molecules': call(
    z.object({
      collectionId: Id,
      offset: z.number().int().nonnegative(),
      limit: z.number().int().positive().max(2000),
      sort: SortSpec.optional(),
      /** only the molecules that pass; total counts those */
      filter: MoleculeFilter.optional(),
    }),
    z.object({ total: z.number().int().nonnegative(), rows: z.array(MoleculeRow) }),
    'A window of a collection, for the virtualized table (optionally filtered).',
  ),
  'collections.propertyStats': call(
    z.object({ collectionId: Id }),
    z.object({ stats: z.array(PropertyStat) }),
    'Min, max and count of every numeric property and user column of a collection (bounds for the filter sliders).',
  ),
  'collections.createFromFilter': call(
    z.object({ collectionId: Id, filter: MoleculeFilter, name: z.string().min(1).max(200) }),
    Collection,
    "A new collection (kind 'filtered') of the molecules that pass the filter, copied with their properties.",
  ),
  'collections.export': call(
    z.object({
      collectionId: Id,
      format: ExportFormat,
      /** where to write (desktop, CLI); left out in browser mode, where the content comes back instead */
      path: z.string().min(1).max(4096).optional(),
      filter: MoleculeFilter.optional(),
    }),
    z.object({
      /** the file written, or null when the content is returned */
      path: z.string().nullable(),
      fileName: z.string(),
      /** base64 of the file, when no path was given */
      base64: z.string().nullable(),
      count: z.number().int().nonnegative(),
    }),
    'Write a collection as CSV (SMILES, name, every property), SD file (2D coordinates, data fields) or SMILES.',
  ),
  'collections.joinValues': call(
    z.object({ collectionId: Id, source: ImportSource }),
    z.object({ matched: z.number().int().nonnegative(), unmatched: z.number().int().nonnegative(), columns: z.array(z.string()) }),
    'Add the columns of a values file (CSV/TSV) to a collection as user columns, joined by name or id.',
  ),
  'collections.problems': call(
    z.object({ collectionId: Id, offset: z.number().int().nonnegative(), limit: z.number().int().positive().max(5000) }),
    z.object({ total: z.number().int().nonnegative(), rows: z.array(Problem) }),
    'The lines of the source file that could not be imported, with the reason.',
  ),
  'chem.depict': call(
    z.object({
      smiles: z.array(z.string().max(2000)).max(500),
      width: z.number().int().min(40).max(1200).default(200),
      height: z.number().int().min(40).max(1200).default(150),
    }),
    z.object({ svgs: z.array(z.string().nullable()) }),
    'RDKit SVG drawings, one per SMILES (null where RDKit cannot parse it).',
  ),
  'chem.search': call(
    z.object({
      collectionId: Id,
      /** top-k similarity (Morgan r2, 2048 bits, Tanimoto) to this SMILES */
      similar: z.string().min(1).max(2000).optional(),
      top: z.number().int().positive().max(5000).default(50),
      /** SMARTS or SMILES; with `similar`, only matching molecules are ranked */
      substructure: z.string().min(1).max(2000).optional(),
    }),
    z.object({ rows: z.array(SearchHit), total: z.number().int().nonnegative() }),
    'Similarity and/or substructure search over a collection: best first for similarity, file order otherwise (at most `top` rows).',
  ),
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
      path: z.string().min(1).optional(),
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
      data: z.string().min(1).optional(),
      collectionId: Id.optional(),
      valid: z.string().min(1).optional(),
      /** the new model's name (kept in the user-data folder); or out, a bundle folder (CLI, tests) */
      name: ModelName.optional(),
      out: z.string().min(1).optional(),
      /** the model to fine-tune (a model name or folder); left out: a fresh model from scratch */
      from: z.string().min(1).max(1000).optional(),
      /** share of the data held out (seeded split), measured before and after */
      holdout: z.number().min(0).max(0.5).default(0.1),
      /** share of each epoch drawn from the base model's own training data, when it is present */
      replay: z.number().min(0).max(0.9).default(0.5),
      /** checkpoints and curves (default: out + '.run') */
      runDir: z.string().min(1).optional(),
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
  'latent.encode': call(
    z.object({ smiles: z.array(z.string().max(2000)).max(5000), model: ModelRef }),
    z.object({ latent: z.number().int().positive(), rows: z.array(z.object({ index: z.number().int().nonnegative(), z: z.array(z.number()) })), problems: z.array(z.object({ index: z.number().int().nonnegative(), token: z.string(), reason: z.string() })) }),
    'Latent means of SMILES, each given to the model as RDKit\'s canonical SMILES; a molecule the model cannot express is a problem (which token), not an error.',
  ),
  'latent.decode': call(
    z.object({ z: z.array(z.array(z.number())).max(5000), model: ModelRef, ...DecodeSettings.shape }),
    z.object({ molecules: z.array(DecodedMolecule) }),
    'SMILES for latent vectors, one per row, RDKit deciding validity.',
  ),
  'latent.sample': call(
    z.object({
      n: z.number().int().nonnegative().max(5000),
      seed: z.number().int().nonnegative().default(0),
      model: ModelRef,
      /** N(0, I), or the aggregate posterior: a Gaussian fitted to the training latents (the bundle's latent statistics) */
      source: z.enum(['prior', 'aggregate']).default('prior'),
      /** also answer each draw as a designed molecule (properties, membership, provenance; drawn at this size when given) */
      describe: z.boolean().default(false),
      draw: z.object({ width: z.number().int().min(40).max(1200), height: z.number().int().min(40).max(1200) }).optional(),
      ...DecodeSettings.omit({ seed: true }).shape,
    }),
    z.object({
      molecules: z.array(DecodedMolecule),
      /** with describe: one per draw, in order (provenance operation 'sample' with the draw's index) */
      designed: z.array(DesignedMolecule).optional(),
    }),
    'Molecules decoded from draws of the prior N(0, I) or of the aggregate posterior, the same for the same seed.',
  ),

  'latent.directions': call(
    z.object({ model: ModelRef, axes: z.number().int().positive().max(64).default(8) }),
    z.object({ directions: z.array(LatentDirection) }),
    'The walk directions of a model: its first principal axes, then more/less of each property the head predicts.',
  ),
  'latent.walk': call(
    z.object({
      seed: SeedSmiles,
      /** slider positions, in units of each direction (see latent.directions) */
      offsets: z.array(WalkOffset).max(64),
      model: ModelRef,
      /** random seed of valid-first's sampled tries */
      randomSeed: z.number().int().nonnegative().default(0),
      draw: DrawSize.optional(),
      /** false: the seed comes back without its drawing (svg null; absent: drawn): a slider drag has it from its first move (~20 KB a move less) */
      drawSeed: z.boolean().optional(),
      /**
       * Slider positions the caller expects to ask for next, most likely first (a drag's next steps; one step
       * either way along each slider): the core decodes them in the background after answering, so that those
       * moves are answered at once. Without it, the core guesses one step further along the last drag.
       */
      ahead: z.array(z.array(WalkOffset).max(64)).max(48).optional(),
    }),
    z.object({ seed: DesignedMolecule, molecule: DesignedMolecule }),
    "The molecule at seed + Σ amount·unit·direction, decoded valid-first; property directions are the property head's gradient at the seed.",
  ),
  'latent.ahead': call(
    z.object({
      seed: SeedSmiles,
      /** slider positions, most likely first, as in latent.walk's `ahead` */
      ahead: z.array(z.array(WalkOffset).max(64)).min(1).max(48),
      model: ModelRef,
      randomSeed: z.number().int().nonnegative().default(0),
      draw: DrawSize.optional(),
    }),
    z.object({ planned: z.number().int().nonnegative() }),
    'Slider positions to decode in the background without a walk call: a page that answered a move from its own cache says where the chemist is now, so the next new position is ready too.',
  ),
  'latent.interpolate': call(
    z.object({
      from: SeedSmiles,
      to: SeedSmiles,
      steps: z.number().int().min(2).max(200).default(10),
      method: z.enum(['linear', 'slerp']).default('linear'),
      model: ModelRef,
      randomSeed: z.number().int().nonnegative().default(0),
      draw: DrawSize.optional(),
    }),
    z.object({
      /** consecutive identical decodes collapsed into one entry; `repeats` counts them, `t` is the first one's */
      path: z.array(z.object({ t: z.number(), repeats: z.number().int().positive(), molecule: DesignedMolecule })),
    }),
    'Decodes N evenly spaced points between two molecules in latent space (linear or spherical).',
  ),
  'latent.neighbours': call(
    z.object({
      seed: SeedSmiles,
      n: z.number().int().positive().max(2000).default(100),
      /** the latent offset's standard deviation per dimension: z = seed + radius·ε, ε ~ N(0, I) */
      radius: z.number().positive().max(10).default(0.5),
      /** sampling temperature of the decoder; greedy decoding when left out */
      temperature: z.number().positive().max(10).optional(),
      model: ModelRef,
      randomSeed: z.number().int().nonnegative().default(0),
      draw: DrawSize.optional(),
    }),
    z.object({
      /** unique valid molecules, seed excluded, most similar to the seed first */
      molecules: z.array(DesignedMolecule),
      counts: z.object({ tries: z.number().int(), valid: z.number().int(), unique: z.number().int(), new: z.number().int() }),
      seed: DesignedMolecule,
    }),
    'Samples around a seed: n latent points within a radius, decoded, the unique valid ones with their counts.',
  ),
  'latent.encodeCollection': call(
    z.object({ collectionId: Id, model: ModelRef }),
    z.object({ jobId: Id }),
    'An encode job: latent vectors of a collection for a model, stored in the workspace (only what is missing).',
  ),
  'latent.map': call(
    z.object({
      collectionId: Id,
      model: ModelRef,
      /** a property name or 'user:<column>' to colour by */
      colorBy: z.string().min(1).max(200).optional(),
      /** training-set points drawn faintly behind (0: none) */
      background: z.number().int().nonnegative().max(50_000).default(5000),
      /** 'pca' (when left out): the training latents' principal plane; 'umap': the collection's stored UMAP layout (see
       * latent.layout; a 409 until one is computed), with no training background and no place for designed molecules */
      projection: z.enum(['pca', 'umap']).optional(),
    }),
    z.object({
      /** parallel arrays, one entry per encoded molecule */
      ids: z.array(Id),
      x: z.array(z.number()),
      y: z.array(z.number()),
      /** colorBy's value per point (null where missing) */
      values: z.array(z.number().nullable()).nullable(),
      /** molecules of the collection without a vector yet, and those the model cannot express */
      missing: z.number().int().nonnegative(),
      unencodable: z.number().int().nonnegative(),
      background: z.object({ x: z.array(z.number()), y: z.array(z.number()) }),
      axes: z.tuple([z.string(), z.string()]),
    }),
    "A collection on the model's latent map: the plane of the training latents' first two principal axes.",
  ),
  'latent.layout': call(
    z.object({
      collectionId: Id,
      model: ModelRef,
      /** UMAP's neighbourhood size: larger keeps more of the global structure */
      nNeighbors: z.number().int().min(2).max(200).default(15),
      /** how tightly UMAP packs neighbours together */
      minDist: z.number().min(0).max(1).default(0.1),
      randomSeed: z.number().int().nonnegative().default(0),
    }),
    z.object({ jobId: Id }),
    "A layout job: a UMAP of the collection's latent vectors (encode first), stored for latent.map's 'umap' projection.",
  ),
  'latent.layoutInfo': call(
    z.object({ collectionId: Id, model: ModelRef }),
    z.object({
      /** the collection's stored UMAP layout for the model, or null when none was computed */
      umap: z
        .object({
          points: z.number().int().nonnegative(),
          /** what the fit was asked for and did: nNeighbors, minDist, randomSeed, nEpochs, seconds */
          params: z.record(z.string(), z.unknown()),
          createdAt: z.string(),
        })
        .nullable(),
      /** the layout job running for it, or null */
      runningJobId: Id.nullable(),
    }),
    'Whether a collection has a UMAP layout for a model (and a layout job running), without reading its points.',
  ),
  'candidates.keep': call(
    z.object({
      /** the candidate list (a collection of kind 'candidates'); or listName to find or create one by name */
      listId: Id.optional(),
      listName: z.string().min(1).max(200).optional(),
      smiles: SeedSmiles,
      name: z.string().max(200).optional(),
      provenance: Provenance,
      rating: z.number().int().min(0).max(5).default(0),
      note: z.string().max(5000).default(''),
    }),
    z.object({ list: Collection, molecule: MoleculeRow }),
    'Keep a molecule in a candidate list with its provenance, a star rating and a note (properties computed at once).',
  ),
  'candidates.update': call(
    z.object({ moleculeId: Id, rating: z.number().int().min(0).max(5).optional(), note: z.string().max(5000).optional() }),
    MoleculeRow,
    "Change a candidate's rating or note.",
  ),
  'candidates.remove': call(z.object({ moleculeId: Id }), z.object({ removed: z.boolean() }), 'Take a molecule out of its candidate list.'),
  'collections.grid': call(
    z.object({
      collectionId: Id,
      filter: MoleculeFilter.optional(),
      sort: SortSpec.optional(),
      /** at most this many molecules, in table order */
      limit: z.number().int().positive().max(500).default(48),
      columns: z.number().int().min(1).max(12).default(6),
      cellWidth: z.number().int().min(80).max(600).default(220),
      /** what to write under each structure: name, SMILES, and/or property values ('user:<column>' allowed) */
      legend: z.array(z.string().min(1).max(200)).max(6).default(['name']),
    }),
    z.object({ svg: z.string(), count: z.number().int().nonnegative() }),
    'One SVG of a collection\'s structures in a grid with legends, for a meeting (the UI can rasterize it to PNG).',
  ),
  'jobs.list': call(z.object({ limit: z.number().int().positive().max(500).default(50) }), z.array(Job), 'Recent jobs, newest first.'),
  'jobs.get': call(z.object({ id: Id }), Job, 'One job.'),
  'jobs.cancel': call(z.object({ id: Id }), z.object({ cancelled: z.boolean() }), 'Ask a running job to stop.'),
  ...optimizeCalls,
  ...optimizeUiCalls,
} as const;

// ---- events ----------------------------------------------------------------------------------------------

export const events = {
  'job.progress': z.object({
    jobId: Id,
    kind: JobKind,
    done: z.number().nonnegative(),
    total: z.number().nonnegative().nullable(),
    /** items per second over the recent window */
    rate: z.number().nonnegative().nullable(),
    /** seconds left at the current rate; null when unknown */
    etaSeconds: z.number().nonnegative().nullable(),
    message: z.string().nullable(),
  }),
  'job.finished': z.object({
    jobId: Id,
    kind: JobKind,
    status: z.enum(['done', 'failed', 'cancelled']),
    error: z.string().nullable(),
    result: z.unknown().nullable(),
  }),
  'collections.changed': z.object({ collectionId: Id.nullable() }),
  ...optimizeEvents,
} as const;

// ---- types derived from the table ------------------------------------------------------------------------

export type Calls = typeof calls;
export type CallName = keyof Calls;
/** Arguments as a UI passes them (defaults may be left out). */
export type CallArgs<N extends CallName> = z.input<Calls[N]['args']>;
/** Arguments as a handler receives them, after validation and defaults. */
export type ParsedArgs<N extends CallName> = z.output<Calls[N]['args']>;
export type CallResult<N extends CallName> = z.infer<Calls[N]['result']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.infer<Events[E]>;

/** What a host binds: one plain async function per call. */
export type Handlers = { [N in CallName]: (args: ParsedArgs<N>) => Promise<CallResult<N>> };

export const callNames = Object.keys(calls) as CallName[];
export const eventNames = Object.keys(events) as EventName[];
export const isCallName = (name: string): name is CallName => Object.hasOwn(calls, name);
