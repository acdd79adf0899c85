// Validity and identity of decoded SMILES as RDKit sees them: a decode is valid when RDKit parses it, and two
// SMILES are the same molecule when their canonical SMILES are equal.
import { withMol } from '../chem/rdkit.ts';

/** RDKit's canonical SMILES, or null when RDKit refuses the input (never throws for bad input). */
export function canonicalSmiles(smiles: string): string | null {
  if (!smiles) return null;
  return withMol(smiles, (m) => m.get_smiles()) ?? null;
}

/**
 * What a model is given for a molecule: RDKit's canonical SMILES, the form its training SMILES had (the same
 * molecule written another way is, to a SMILES model, another string: the ChEMBL series as written reconstructs
 * 0 of 1,017, canonicalized 41). The text as written when RDKit refuses it, so the tokenizer says what is wrong.
 */
export function modelInput(smiles: string): string {
  return canonicalSmiles(smiles) ?? smiles;
}
