// Validity and identity of decoded SMILES as RDKit sees them: a decode is valid when RDKit parses it, and two
// SMILES are the same molecule when their canonical SMILES are equal.
import { withMol } from '../chem/rdkit.ts';

/** RDKit's canonical SMILES, or null when RDKit refuses the input (never throws for bad input). */
export function canonicalSmiles(smiles: string): string | null {
  if (!smiles) return null;
  return withMol(smiles, (m) => m.get_smiles()) ?? null;
}
