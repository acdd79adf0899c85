// Shapes shared by several domains of the contract: collections, molecules, problems, jobs, filters.
import { z } from 'zod';

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
  /**
   * The import job still filling this collection: show it as "importing" (its molecules arrive as they are
   * read), never as a collection to design on (design calls on it answer 409). Absent or null: complete.
   */
  importingJobId: Id.nullable().optional(),
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
  /**
   * The active model's confidence in the molecule (main/api/model-columns.ts): its negative ELBO per token (null:
   * encoded before scores were kept, until the next encode) and whether the mean's greedy decode gives it back.
   * Absent where that model has not encoded the molecule (or cannot).
   */
  confidence: z.object({ fit: z.number().nullable(), held: z.boolean().nullable() }).optional(),
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
  /**
   * 'error' (or absent): the record was not imported; 'warning': imported, but something is off (a line in
   * another encoding, a gzip checksum, conflicting values of merged duplicates); 'info': imported and changed or
   * merged (a salt stripped, a duplicate merged or kept), listed so that nothing changes silently.
   */
  severity: z.enum(['error', 'warning', 'info']).optional(),
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
/**
 * How a substructure query is read: 'smarts' (the default) matches atoms as written ([OH] requires the H:
 * phenols, not ethers); 'smiles' matches the molecule as drawn, its implicit Hs free.
 */
export const SubstructureMode = z.enum(['smarts', 'smiles']);
export type SubstructureMode = z.infer<typeof SubstructureMode>;

/** Which molecules of a collection to show: all ranges hold (rows without a value fail) and the substructure matches. */
export const MoleculeFilter = z.object({
  ranges: z.array(RangeFilter).max(100).default([]),
  /** read as `mode` says: SMARTS unless 'smiles' */
  substructure: z.string().min(1).max(2000).optional(),
  /** absent: 'smarts' */
  mode: SubstructureMode.optional(),
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

