// Reference data for the chem tests, read from ../shared (tests only; the app never reads it).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const shared = (path: string) => fileURLToPath(new URL(`../../../shared/${path}`, import.meta.url));

export interface GoldenRow {
  smiles: string;
  mol_wt: number;
  exact_mw: number;
  clogp: number;
  mr: number;
  tpsa: number;
  hbd: number;
  hba: number;
  lipinski_hbd: number;
  lipinski_hba: number;
  rotatable_bonds: number;
  heavy_atoms: number;
  rings: number;
  aromatic_rings: number;
  fraction_csp3: number;
  qed: number;
  qed_properties: Record<'MW' | 'ALOGP' | 'HBA' | 'HBD' | 'PSA' | 'ROTB' | 'AROM' | 'ALERTS', number>;
  sa: number;
  largest_ring_penalty: number;
  penalized_logp_raw: number;
  pains: string[];
  morgan2_counts: Record<string, number>;
  tanimoto_to_aspirin_morgan2_2048: number;
}

/** ../shared/fixtures/chem-golden.jsonl: RDKit 2022.09 (Python) values for 3,000 molecules. */
export function goldenRows(): GoldenRow[] {
  return readFileSync(shared('fixtures/chem-golden.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as GoldenRow);
}

/** The first n SMILES of the ZINC-250k training split. */
export function zincSmiles(n: number): string[] {
  const text = gunzipSync(readFileSync(shared('data/zinc250k/train.smi.gz'))).toString('utf8');
  const out: string[] = [];
  let start = 0;
  while (out.length < n && start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).trim();
    if (line) out.push(line.split(/\s+/)[0]);
    start = end + 1;
  }
  return out;
}

export function sharedPath(path: string): string {
  return shared(path);
}
