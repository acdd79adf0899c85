// The batches a chem thread works on, and what it answers.
export type ChemTask = { op: 'canonicalize'; seq: number; structures: string[] } | { op: 'properties'; seq: number; smiles: string[] };

export type ChemTaskResult =
  | { op: 'canonicalize'; seq: number; canonical: (string | null)[]; errors: (string | null)[] }
  | { op: 'properties'; seq: number; props: (Record<string, number | string | boolean | null> | null)[] }
  | { op: 'error'; seq: number; message: string };
