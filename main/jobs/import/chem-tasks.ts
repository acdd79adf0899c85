// The batches a chem thread works on, and what it answers.
/** How structures are standardized before they are canonicalized (see main/files/standardize.ts). */
export interface StandardizeFlags {
  largestFragment: boolean;
  neutralize: boolean;
}

export type ChemTask =
  | { op: 'canonicalize'; seq: number; structures: string[]; standardize?: StandardizeFlags }
  | { op: 'properties'; seq: number; smiles: string[] };

export type ChemTaskResult =
  | {
      op: 'canonicalize';
      seq: number;
      canonical: (string | null)[];
      errors: (string | null)[];
      /** per structure: fragments (salts, solvents) were stripped */
      stripped: boolean[];
      /** per structure: the canonical SMILES of the fragments stripped, joined with '.' (null when none) */
      removed: (string | null)[];
      /** per structure: charges were neutralized */
      neutralized: boolean[];
    }
  | { op: 'properties'; seq: number; props: (Record<string, number | string | boolean | null> | null)[] }
  | { op: 'error'; seq: number; message: string };
