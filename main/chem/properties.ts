// The property panel computed for every molecule: RDKit's own descriptors (get_descriptors), read once per
// molecule. The import job calls computeProperties on an already parsed molecule; the caller owns (and
// deletes) the molecule.
import type { JSMol } from './rdkit.ts';

export type PropertyValue = number | string | boolean | null;

interface RDKitDescriptors {
  amw: number;
  exactmw: number;
  CrippenClogP: number;
  CrippenMR: number;
  tpsa: number;
  NumHBD: number;
  NumHBA: number;
  NumRotatableBonds: number;
  NumHeavyAtoms: number;
  NumRings: number;
  NumAromaticRings: number;
  FractionCSP3: number;
}

export function computeProperties(mol: JSMol): Record<string, PropertyValue> {
  const d = JSON.parse(mol.get_descriptors()) as RDKitDescriptors;
  return {
    mol_wt: d.amw,
    exact_mw: d.exactmw,
    clogp: d.CrippenClogP,
    mr: d.CrippenMR,
    tpsa: d.tpsa,
    hbd: d.NumHBD,
    hba: d.NumHBA,
    rotatable_bonds: d.NumRotatableBonds,
    heavy_atoms: d.NumHeavyAtoms,
    rings: d.NumRings,
    aromatic_rings: d.NumAromaticRings,
    fraction_csp3: d.FractionCSP3,
  };
}
