// Arguments of an import job, as the host stores them in the jobs row.
import { z } from 'zod';

export const ImportJobArgs = z.object({
  /** The file to read (for an upload: the temporary copy beside the workspace). */
  path: z.string().min(1),
  /** The name the user knows the file by (messages, problems); defaults to the path's base name. */
  fileName: z.string().optional(),
  /** Name of the new collection. */
  name: z.string().min(1),
  /** What to record as the collection's source (null for an upload). */
  sourcePath: z.string().nullable(),
  /** Whether the host follows the import with the properties job. */
  properties: z.boolean().default(true),
  /** A temporary copy (an upload) the host deletes when the job has ended. */
  temporary: z.boolean().default(false),
  /** Keep only the largest fragment of each structure (strip salts and solvents). */
  largestFragment: z.boolean().default(true),
  /** Neutralize charges where hydrogens can be added or removed. */
  neutralize: z.boolean().default(false),
  /**
   * A molecule whose canonical SMILES is already in the collection: 'merge' folds it into the first (its values
   * fill the first's empty columns; conflicts are listed), 'keep' stores it as its own row. Listed either way.
   */
  duplicates: z.enum(['merge', 'keep']).default('merge'),
  /** Chemistry threads (default: one per core, at most 4). */
  threads: z.number().int().positive().max(16).optional(),
});
export type ImportJobArgs = z.infer<typeof ImportJobArgs>;

export interface ImportResult {
  collectionId: number;
  /** Records read from the file (good, duplicate and failed). */
  records: number;
  imported: number;
  /** Molecules whose canonical SMILES came before (merged into the first, or kept as rows with 'keep'). */
  duplicates: number;
  /** How duplicates were handled. */
  duplicateMode: 'merge' | 'keep';
  /** Merged duplicates whose values differed from the kept row's (the kept row's values stay; listed). */
  valueConflicts: number;
  /** Records not imported (reader and RDKit errors). */
  problems: number;
  /** Imported, with something to check (another encoding, a gzip checksum, conflicting duplicate values). */
  warnings: number;
  /** Changes listed so nothing is silent: salts stripped, duplicates merged or kept, charges neutralized. */
  notes: number;
  /** Molecules that had fragments (salts, solvents) stripped. */
  fragmentsStripped: number;
  /** Molecules whose charges were neutralized. */
  neutralized: number;
  seconds: number;
  /** CPU time the job process used (all its threads): what the import costs, however busy the machine. */
  cpuSeconds: number;
}

/** A collection name from a file name: 'train.smi.gz' -> 'train'. */
export function collectionNameFor(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, '');
  const stripped = base.replace(/\.gz$/i, '').replace(/\.(smi|smiles|csv|tsv|txt|sdf|sd|mol)$/i, '');
  return stripped || base || 'import';
}
