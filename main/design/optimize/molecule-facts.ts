// What the objectives and constraints are judged on: a decoded molecule's RDKit chemistry (the property panel,
// its Morgan fingerprint's Tanimoto to the seed, which locked SMARTS it still matches), from one parse. Never a
// proxy such as the property head: every result is checked on the molecule itself.
import { morganFingerprint, tanimoto } from '../../chem/fingerprint.ts';
import { molGraph } from '../../chem/mol-graph.ts';
import { computeProperties } from '../../chem/properties.ts';
import type { Properties } from '../../chem/properties.ts';
import { compileSmarts, hasMatch, matchTarget } from '../../chem/queries.ts';
import { withMol } from '../../chem/rdkit.ts';

export interface MoleculeFacts {
  /** RDKit's canonical SMILES */
  smiles: string;
  props: Properties;
  fingerprint: Uint32Array;
  /** Tanimoto (Morgan radius 2, 2048 bits) to the seed */
  similarity: number;
  /** per locked SMARTS, in order: does it still match */
  keeps: boolean[];
  /** the model's encoding of the molecule (mean of q(z|x)), made only when a latent surrogate needs it */
  latent?: Float32Array;
}

/** The facts of a canonical SMILES against a seed's fingerprint; null when RDKit cannot read it. */
export function moleculeFacts(smiles: string, seedFingerprint: Uint32Array | null, keep: readonly string[]): MoleculeFacts | null {
  return withMol(smiles, (mol) => {
    const fingerprint = morganFingerprint(mol);
    const target = keep.length ? matchTarget(mol, molGraph(mol)) : null;
    return {
      smiles,
      props: computeProperties(mol),
      fingerprint,
      similarity: seedFingerprint ? tanimoto(fingerprint, seedFingerprint) : 1,
      keeps: keep.map((s) => hasMatch(target!, compileSmarts(s))),
    };
  }) ?? null;
}
