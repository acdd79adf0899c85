// Plots, live counts and shortlists: a collection's columns as typed arrays for a scatter plot, per-column
// statistics with histograms, the count passing a filter (a query that does not parse is an answer, not a 400),
// and N diverse molecules picked into a candidate list.
import { z } from 'zod';
import { call } from './call.ts';
import { Collection, Id, MoleculeFilter } from './shapes.ts';

/** One column's statistics and histogram (edges.length = counts.length + 1); nulls when it has no numeric value. */
export const ColumnStat = z.object({
  key: z.string(),
  count: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
  mean: z.number().nullable(),
  median: z.number().nullable(),
  sd: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  edges: z.array(z.number()),
  counts: z.array(z.number().int().nonnegative()),
});
export type ColumnStat = z.infer<typeof ColumnStat>;

const Key = z.string().min(1).max(200);

export const plotCalls = {
  'collections.columnValues': call(
    z.object({
      collectionId: Id,
      /** property names or 'user:<column>' (a scatter's x, y and colour) */
      keys: z.array(Key).min(1).max(4),
      filter: MoleculeFilter.optional(),
    }),
    z.object({
      count: z.number().int().nonnegative(),
      /** base64 of an Int32Array (little-endian): the molecule ids, in id order */
      ids: z.string(),
      /** per key, base64 of a Float32Array (little-endian) parallel to ids; NaN where the value is missing or not a number */
      columns: z.array(z.object({ key: z.string(), values: z.string() })),
    }),
    'Columns of a collection as typed arrays in one answer (a scatter plot of 250,000 molecules is a few MB, not row objects).',
  ),
  'collections.columnStats': call(
    z.object({
      collectionId: Id,
      keys: z.array(Key).min(1).max(100),
      /** equal-width bins per histogram (whole-number columns over a short span get one bin per value) */
      bins: z.number().int().min(2).max(200).default(30),
      filter: MoleculeFilter.optional(),
      /** key -> [min, max] to bin on (the collection's, from an earlier call): the passing molecules' histogram lines up with the collection's */
      binRanges: z
        .record(Key, z.tuple([z.number(), z.number()]))
        // one per key asked for at most: bounded before any work, as every argument is (issue 16, item 5)
        .refine((r) => Object.keys(r).length <= 100, 'binRanges: at most 100 keys')
        .optional(),
    }),
    z.object({
      /** molecules described */
      rows: z.number().int().nonnegative(),
      stats: z.array(ColumnStat),
    }),
    'Count, missing, mean, median, sd, min, max and a histogram of columns (of the molecules passing the filter when one is given).',
  ),
  'collections.count': call(
    z.object({ collectionId: Id, filter: MoleculeFilter }),
    z.object({
      /** molecules passing; null when the substructure query cannot be read */
      count: z.number().int().nonnegative().nullable(),
      /** why the query cannot be read (RDKit's reason), answered rather than refused: the UI counts as the chemist types */
      queryError: z.string().nullable(),
    }),
    'How many molecules pass a filter; a substructure query RDKit cannot read is an answer, not a 400.',
  ),
  'candidates.shortlist': call(
    z.object({
      collectionId: Id,
      /** how many to pick (fewer when fewer molecules are there to pick from) */
      count: z.number().int().positive().max(5000),
      /** seeds the first pick: the same seed, the same shortlist */
      randomSeed: z.number().int().nonnegative().default(0),
      /** pick among the molecules passing this filter ... */
      filter: MoleculeFilter.optional(),
      /** ... or among these molecule ids (a selection); both left out: the whole collection */
      ids: z.array(Id).min(1).max(500_000).optional(),
      /** lean toward the molecules best in this property ('user:<column>' allowed) while keeping the spread */
      weightBy: z.object({ key: Key, direction: z.enum(['max', 'min']) }).optional(),
      listName: z.string().min(1).max(200),
    }),
    z.object({
      list: Collection,
      picked: z.number().int().nonnegative(),
      /** molecules picked from */
      pool: z.number().int().nonnegative(),
      /** mean pairwise Tanimoto of the picks (lower: more diverse) */
      meanTanimoto: z.number(),
    }),
    'Pick N diverse molecules (MaxMin on Morgan fingerprints, seeded, optionally weighted by a property) into a new candidate list.',
  ),
} as const;
