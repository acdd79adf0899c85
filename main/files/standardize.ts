// Standardizing a structure before it is stored: keep the largest fragment (strip counter-ions, salts and
// solvents) and, optionally, neutralize charges. RDKit MinimalLib has get_frags but no uncharger, so
// neutralization follows the RDKit Cookbook recipe ("Neutralizing Molecules"), done on the molecule's JSON:
// a positive atom with hydrogens, or a negative atom, not next to an opposite charge, loses its charge
// and gains or loses hydrogens. Negative charges that balance a permanent positive one (a quaternary
// ammonium in a betaine) are kept, so no molecule is left with a net charge it did not need.
import { parseMol, rdkit } from '../chem/rdkit.ts';
import type { JSMol } from '../chem/rdkit.ts';

export interface StandardizeOptions {
  /** Keep only the largest fragment (default true). */
  largestFragment?: boolean;
  /** Neutralize charges where hydrogens can be added or removed (default false). */
  neutralize?: boolean;
}

export interface Standardized {
  /** Canonical SMILES of the result. */
  smiles: string;
  /** Canonical SMILES of the fragments removed (empty when none). */
  removedFragments: string[];
  /** How many atoms had their charge removed. */
  neutralizedAtoms: number;
  /** True when the result differs from the input's canonical SMILES. */
  changed: boolean;
}

const NEUTRALIZABLE = '[+1!h0!$([*]~[-1,-2,-3,-4]),-1!$([*]~[+1,+2,+3,+4])]';
let query: JSMol | null = null;

/** Standardize a SMILES or molblock; null when RDKit cannot parse it. RDKit must be loaded (loadRDKit). */
export function standardize(structure: string, options: StandardizeOptions = {}): Standardized | null {
  const { largestFragment = true, neutralize = false } = options;
  const mol = parseMol(structure);
  if (!mol) return null;
  let original: string;
  let smiles: string;
  let removedFragments: string[] = [];
  try {
    original = mol.get_smiles();
    smiles = original;
    if (largestFragment && original.includes('.')) ({ keep: smiles, removed: removedFragments } = keepLargestFragment(mol));
  } finally {
    mol.delete();
  }
  let neutralizedAtoms = 0;
  if (neutralize) ({ smiles, count: neutralizedAtoms } = neutralizeSmiles(smiles));
  return { smiles, removedFragments, neutralizedAtoms, changed: smiles !== original };
}

interface Fragment {
  smiles: string;
  heavyAtoms: number;
}

function keepLargestFragment(mol: JSMol): { keep: string; removed: string[] } {
  const { molList } = mol.get_frags() as { molList: { size(): number; at(i: number): JSMol | null; delete(): void } };
  const fragments: Fragment[] = [];
  try {
    for (let i = 0; i < molList.size(); i++) {
      const frag = molList.at(i);
      if (!frag) continue;
      fragments.push({ smiles: frag.get_smiles(), heavyAtoms: frag.get_num_atoms(true) });
      frag.delete();
    }
  } finally {
    molList.delete();
  }
  // Most heavy atoms; ties broken by the longer, then the alphabetically first SMILES, so the choice is stable.
  fragments.sort((a, b) => b.heavyAtoms - a.heavyAtoms || b.smiles.length - a.smiles.length || (a.smiles < b.smiles ? -1 : a.smiles > b.smiles ? 1 : 0));
  const [keep, ...removed] = fragments;
  return { keep: keep.smiles, removed: removed.map((f) => f.smiles) };
}

interface JsonAtom {
  chg?: number;
  impHs?: number;
}

/** Neutralize a SMILES (see the file comment); returns the canonical SMILES and how many atoms changed. */
export function neutralizeSmiles(smiles: string): { smiles: string; count: number } {
  query ??= rdkit().get_qmol(NEUTRALIZABLE);
  const mol = parseMol(smiles);
  if (!mol) return { smiles, count: 0 };
  let json: { defaults: { atom: Required<JsonAtom> }; molecules: { atoms: JsonAtom[] }[] };
  let matched: number[];
  try {
    const raw = JSON.parse(mol.get_substruct_matches(query!)) as unknown;
    matched = Array.isArray(raw) ? (raw as { atoms: number[] }[]).map((m) => m.atoms[0]) : [];
    if (matched.length === 0) return { smiles: mol.get_smiles(), count: 0 };
    json = JSON.parse(mol.get_json());
  } finally {
    mol.delete();
  }
  const defaults = json.defaults.atom;
  const atoms = json.molecules[0].atoms;
  const charge = (a: JsonAtom) => a.chg ?? defaults.chg;
  let net = atoms.reduce((sum, a) => sum + charge(a), 0);
  let count = 0;
  const uncharge = (a: JsonAtom) => {
    const c = charge(a);
    a.impHs = (a.impHs ?? defaults.impHs) - c;
    a.chg = 0;
    net -= c;
    count++;
  };
  for (const i of matched) if (charge(atoms[i]) > 0) uncharge(atoms[i]);
  for (const i of matched) if (charge(atoms[i]) < 0 && net < 0) uncharge(atoms[i]);
  if (count === 0) return { smiles: canonical(smiles), count: 0 };
  const result = parseMol(JSON.stringify(json));
  if (!result) return { smiles: canonical(smiles), count: 0 };
  try {
    return { smiles: result.get_smiles(), count };
  } finally {
    result.delete();
  }
}

function canonical(smiles: string): string {
  const mol = parseMol(smiles);
  if (!mol) return smiles;
  try {
    return mol.get_smiles();
  } finally {
    mol.delete();
  }
}
