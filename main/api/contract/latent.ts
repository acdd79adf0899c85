// Designing in latent space (main/design): encode, decode, sample, walk, interpolate, neighbours, the map.
import { z } from 'zod';
import { call } from './call.ts';
import { Id, MoleculeProps } from './shapes.ts';
import { DecodedMolecule, DecodeSettings, ModelRef } from './models.ts';

// ---- designing in latent space (main/design) --------------------------------------------------------------

/** Where a designed molecule came from: enough to make it again (same model, operation, parameters, seed). */
export const Provenance = z.object({
  operation: z.enum(['walk', 'interpolate', 'neighbours', 'sample', 'decode', 'manual', 'optimize', 'shortlist']),
  /** canonical SMILES of the seed (interpolation: the start), or null */
  seed: z.string().max(2000).nullable(),
  /** the operation's parameters (directions and amounts, steps, method, radius, temperature, …); 64 KB of JSON at most */
  params: z.record(z.string().max(200), z.unknown()).refine((p) => JSON.stringify(p).length <= 65_536, 'params: at most 64 KB of JSON'),
  model: z.string().max(4096).nullable(),
  /** sha256 of the bundle's manifest.json (which holds the sha256 of every bundle file) */
  modelSha256: z.string().max(128).nullable(),
  /** the random seed of a stochastic operation, else null */
  randomSeed: z.number().int().nullable(),
  createdAt: z.string().max(64),
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
  /** Mahalanobis distance of the latent point under the aggregate posterior (the training latents' Gaussian) */
  latentDistance: z.number().optional(),
  /** beyond the 99.9th percentile of that distance: the model extrapolates, whatever the decode */
  farFromTraining: z.boolean().optional(),
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

export const SeedSmiles = z.string().min(1).max(2000);
/** A slider position along one walk direction, in units of the direction (see latent.directions). */
const WalkOffset = z.object({ direction: z.string().min(1).max(100), amount: z.number().min(-100).max(100) });
export const DrawSize = z.object({ width: z.number().int().min(40).max(1200), height: z.number().int().min(40).max(1200) });

export const latentCalls = {
  'latent.encode': call(
    z.object({ smiles: z.array(z.string().max(2000)).max(5000), model: ModelRef }),
    z.object({ latent: z.number().int().positive(), rows: z.array(z.object({ index: z.number().int().nonnegative(), z: z.array(z.number()) })), problems: z.array(z.object({ index: z.number().int().nonnegative(), token: z.string(), reason: z.string() })) }),
    'Latent means of SMILES, each given to the model as RDKit\'s canonical SMILES; a molecule the model cannot express is a problem (which token), not an error.',
  ),
  'latent.decode': call(
    z.object({ z: z.array(z.array(z.number()).max(4096)).max(5000), model: ModelRef, ...DecodeSettings.shape }),
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
      /**
       * true: not a move but a page fetching a likely next position before the hand gets there (its answer is
       * kept for that move): the core neither takes it as where the chemist is nor plans ahead from it.
       */
      prefetch: z.boolean().optional(),
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
  'latent.unreadable': call(
    z.object({
      collectionId: Id,
      model: ModelRef,
      offset: z.number().int().nonnegative().max(10_000_000).default(0),
      limit: z.number().int().positive().max(1000).default(100),
    }),
    z.object({
      /** molecules the model could not read when the collection was encoded for it */
      total: z.number().int().nonnegative(),
      rows: z.array(
        z.object({
          moleculeId: Id,
          position: z.number().int(),
          name: z.string().nullable(),
          smiles: z.string(),
          /** why: a token outside the model's vocabulary, longer than it reads, ... */
          reason: z.string(),
        }),
      ),
    }),
    "The molecules of a collection the model cannot read, with the reason, in file order (known once the collection is encoded for that model).",
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
} as const;
