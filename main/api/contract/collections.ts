// Collections: listing, import, the table's windows, filters, exports, values joined in, problems, grids.
import { z } from 'zod';
import { call } from './call.ts';
import { Collection, ExportFormat, Id, ImportSource, MoleculeFilter, MoleculeRow, Problem, PropertyStat, SortSpec } from './shapes.ts';

/** A user column as its values read: every value judged, so a sort that brings a text to the top changes nothing. */
export const ColumnType = z.object({
  /** 'user:<column>' */
  key: z.string(),
  /** integer / number: every value a number (0/1 only: boolean); category: a few distinct texts; text otherwise */
  type: z.enum(['integer', 'number', 'boolean', 'category', 'text']),
  /** rows with a value, rows without one */
  count: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
  /** distinct texts (numbers are not counted) */
  distinct: z.number().int().nonnegative(),
  /** decimals the file's numbers carry (most of them; float noise such as 276.42400000000004 ignored), at most 6 */
  decimals: z.number().int().min(0).max(6),
});
export type ColumnType = z.infer<typeof ColumnType>;

export const collectionCalls = {
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
      /**
       * A molecule whose canonical SMILES came before: 'merge' (default) folds it into the first one, whose empty
       * columns take its values (first non-empty value wins; conflicting values are listed as a warning); 'keep'
       * keeps it as its own row. Either way it is listed among the collection's problems (as info).
       */
      duplicates: z.enum(['merge', 'keep']).optional(),
      /** Older spelling: false is duplicates 'keep', true is 'merge'. */
      dropDuplicates: z.boolean().optional(),
    }),
    z.object({ jobId: Id }),
    'Start an import job: parse, canonicalize and store a collection; its properties follow in a second job.',
  ),
  'collections.rename': call(z.object({ id: Id, name: z.string().min(1).max(200) }), Collection, 'Rename a collection.'),
  'collections.delete': call(
    z.object({
      id: Id,
      /** keep it restorable (collections.restore) for a while instead of deleting it at once: the UI's undo */
      undoable: z.boolean().optional(),
    }),
    z.object({ deleted: z.boolean() }),
    'Delete a collection and its molecules (undoable: hidden at once, restorable for an hour, then gone).',
  ),
  'collections.restore': call(z.object({ id: Id }), Collection, 'Bring back a collection deleted as undoable (the undo of a delete).'),
  'collections.duplicate': call(
    z.object({ id: Id, name: z.string().min(1).max(200).optional() }),
    Collection,
    "A copy of a collection (same kind, its molecules with their properties and columns), named '<name> (copy)' unless a name is given.",
  ),
  'collections.ids': call(
    z.object({
      collectionId: Id,
      sort: SortSpec.optional(),
      filter: MoleculeFilter.optional(),
      offset: z.number().int().nonnegative().default(0),
      limit: z.number().int().positive().max(1_000_000).default(1_000_000),
    }),
    z.object({ ids: z.array(Id), total: z.number().int().nonnegative() }),
    "The molecule ids of a collection in the table's order (sorted and filtered as the table is): select all of a filter, a shift-click's range.",
  ),
  'collections.moleculesByIds': call(
    z.object({ ids: z.array(Id).max(5000) }),
    z.object({ rows: z.array(MoleculeRow) }),
    'Molecules by id, in the order given (ids that do not exist are left out): a selection copied, opened or sent to Design.',
  ),
  'collections.createFromIds': call(
    z.object({
      collectionId: Id,
      ids: z.array(Id).min(1).max(1_000_000),
      name: z.string().min(1).max(200),
      /** 'filtered': a plain collection; 'candidates': a candidate list (rating, note and provenance 'manual' added) */
      kind: z.enum(['filtered', 'candidates']).default('filtered'),
    }),
    Collection,
    'A new collection or candidate list of the given molecules of a collection (a selection), in file order, copied with their properties and columns.',
  ),
  'collections.columns': call(
    z.object({ collectionId: Id }),
    z.object({ columns: z.array(ColumnType) }),
    "The type of each of a collection's user columns, judged from every value in it (not the first row's): how the table aligns and writes it.",
  ),
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
    "A window of a collection, for the virtualized table (optionally filtered), each row with the active model's confidence where that model encoded it; 'model:fit' and 'model:held' sort and filter by it.",
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
      /** only these molecules (a selection), in file order; the filter is then not used */
      ids: z.array(Id).max(1_000_000).optional(),
      /** numbers as stored, not rounded to their column's precision (SD fields as another program's input) */
      raw: z.boolean().optional(),
      /** also the active model's confidence (model-columns.ts): 'model:fit' / 'model:held', as the table shows them */
      modelColumns: z.array(z.enum(['model:fit', 'model:held'])).max(2).optional(),
    }),
    z.object({
      /** the file written, or null when the content is returned */
      path: z.string().nullable(),
      fileName: z.string(),
      /** base64 of the file, when no path was given */
      base64: z.string().nullable(),
      count: z.number().int().nonnegative(),
    }),
    "Write a collection as CSV (SMILES, name, every property), SD file (2D coordinates, data fields) or SMILES; numbers rounded to their column's precision unless raw, the file's column names kept.",
  ),
  'collections.joinValues': call(
    z.object({ collectionId: Id, source: ImportSource }),
    z.object({ matched: z.number().int().nonnegative(), unmatched: z.number().int().nonnegative(), columns: z.array(z.string()) }),
    'Add the columns of a values file (CSV/TSV) to a collection as user columns, joined by name or id.',
  ),
  'collections.problems': call(
    z.object({ collectionId: Id, offset: z.number().int().nonnegative(), limit: z.number().int().positive().max(5000) }),
    z.object({ total: z.number().int().nonnegative(), rows: z.array(Problem) }),
    "What the import says about the source file, in file order: lines not imported (severity 'error'), records imported with something to check ('warning'), and what was changed on the way in ('info': a salt stripped, a duplicate merged or kept), each with its reason.",
  ),
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
} as const;

export const collectionEvents = {
  /** a collection was added, changed or removed (null: several, or unknown) */
  'collections.changed': z.object({ collectionId: Id.nullable() }),
} as const;
