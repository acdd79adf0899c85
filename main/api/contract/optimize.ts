// Optimization (issue 14; main/design/optimize): the optimize job, the Optimize panel's checks, its progress events.
import { z } from 'zod';
import { call } from './call.ts';
import { Id, MoleculeProps } from './shapes.ts';
import { ModelRef } from './models.ts';

// ---- optimization (issue 14; main/design/optimize) -------------------------------------------------------
// Kept apart from the calls above: one call that starts the 'optimize' job (optimize-job.ts); its results are a
// generated collection, its progress and cancel those of any job.

export const SurrogateFeatures = z.enum(['fingerprint', 'latent']);

/** A surrogate objective's fit: what it learned from and how well it predicts (cross-validated). */
export const SurrogateFit = z.object({
  /** 'taste' or 'user:<column>' */
  name: z.string(),
  label: z.string(),
  features: SurrogateFeatures,
  /** molecules fitted on (a seeded sample beyond 1,000), and how many had a value */
  molecules: z.number().int().nonnegative(),
  available: z.number().int().nonnegative(),
  /** 5-fold cross-validated R²; null when nothing could be fitted */
  cvR2: z.number().nullable(),
  /** set when R² is too weak to trust the surrogate's optimum */
  warning: z.string().nullable(),
  /** why this objective cannot be used (too few values or ratings …) */
  problem: z.string().nullable(),
});
export type SurrogateFit = z.infer<typeof SurrogateFit>;

export const OptimizeRequest = z.object({
  /** start molecules as SMILES; or collectionId: every molecule of a collection */
  starts: z.array(z.string().min(1).max(2000)).min(1).max(10_000).optional(),
  collectionId: Id.optional(),
  /**
   * NAME[:max|:min|:target=V[:window=W][:soft=S]][:weight=K]; NAME: qed, sa, clogp, plogp, tpsa, mw, hbd, hba, or a
   * surrogate learned from the workspace: `user:<column>` (a measured column of surrogateCollectionId) or `taste`
   * (the star ratings given to candidates, refitted before each start as ratings change)
   */
  objectives: z.array(z.string().min(1).max(200)).min(1).max(8),
  /** the collection whose measured columns `user:<column>` objectives learn from (default: collectionId) */
  surrogateCollectionId: Id.optional(),
  /** what surrogates regress on: Morgan fingerprints (2048 bits) or the model's latent encodings */
  surrogateFeatures: SurrogateFeatures.default('fingerprint'),
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

export const optimizeCalls = {
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

export const optimizeUiCalls = {
  'design.check': call(
    z.object({
      seed: z.string().min(1).max(2000),
      smiles: z.array(z.string().min(1).max(2000)).max(2000),
      objectives: z.array(z.string().min(1).max(200)).max(8).default([]),
      constraints: OptimizeConstraints,
      draw: z.object({ width: z.number().int().min(40).max(1200), height: z.number().int().min(40).max(1200) }).optional(),
      /** for `user:<column>` objectives: the collection they learn from */
      surrogateCollectionId: Id.optional(),
      surrogateFeatures: SurrogateFeatures.default('fingerprint'),
    }),
    z.object({
      /** null when there is a problem */
      seed: CheckedMolecule.nullable(),
      molecules: z.array(CheckedMolecule),
      /** what is wrong with the settings or the seed (a SMARTS RDKit cannot read, an unknown property …): an answer, not an error, as a chemist types */
      problem: z.string().nullable(),
      /** the fits of the surrogate objectives named (taste, user columns) */
      surrogates: z.array(SurrogateFit).default([]),
    }),
    "Molecules judged against a seed as the optimizer judges them (properties, similarity, SMARTS kept, windows, PAINS), drawn with the atoms changed against the seed highlighted; a bad SMARTS, window, objective or seed comes back as `problem`.",
  ),
  'design.surrogates': call(
    z.object({
      /** the collection whose measured columns are offered as objectives */
      collectionId: Id.optional(),
      /** surrogates to fit now ('taste', 'user:<column>'), to show their cross-validated R² before a run */
      fit: z.array(z.string().min(1).max(300)).max(8).default([]),
      features: SurrogateFeatures.default('fingerprint'),
    }),
    z.object({
      /** the collection's numeric user columns as objective names ('user:<column>'), with how many molecules hold a number */
      columns: z.array(z.object({ name: z.string(), count: z.number().int().nonnegative() })),
      /** candidates rated 1–5 in the workspace's candidate lists (what `taste` learns from) */
      rated: z.number().int().nonnegative(),
      fits: z.array(SurrogateFit),
    }),
    "The objectives learned from the workspace that a collection offers (its measured columns; your taste from the candidates' star ratings), and their surrogates' fits with cross-validated R².",
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
  /** the surrogate objectives' fits as the job uses them (taste: refitted before each start when ratings changed) */
  surrogates: z.array(SurrogateFit).optional(),
});
export type OptimizeProgress = z.infer<typeof OptimizeProgress>;

export const optimizeEvents = {
  /** an optimize job after a batch of decodes (at most ~4 a second, and at the end of each start) */
  'optimize.progress': OptimizeProgress,
} as const;

// ---- end of optimization ---------------------------------------------------------------------------------
