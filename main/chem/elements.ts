// Element symbols by atomic number, and the masses RDKit's periodic table uses, asked of RDKit itself (so
// they agree with it by construction) and cached: only isotope-labelled atoms need them.
import { withMol } from './rdkit.ts';

// prettier-ignore
const SYMBOLS = ['*', 'H', 'He', 'Li', 'Be', 'B', 'C', 'N', 'O', 'F', 'Ne', 'Na', 'Mg', 'Al', 'Si', 'P', 'S', 'Cl', 'Ar',
  'K', 'Ca', 'Sc', 'Ti', 'V', 'Cr', 'Mn', 'Fe', 'Co', 'Ni', 'Cu', 'Zn', 'Ga', 'Ge', 'As', 'Se', 'Br', 'Kr', 'Rb', 'Sr', 'Y',
  'Zr', 'Nb', 'Mo', 'Tc', 'Ru', 'Rh', 'Pd', 'Ag', 'Cd', 'In', 'Sn', 'Sb', 'Te', 'I', 'Xe', 'Cs', 'Ba', 'La', 'Ce', 'Pr',
  'Nd', 'Pm', 'Sm', 'Eu', 'Gd', 'Tb', 'Dy', 'Ho', 'Er', 'Tm', 'Yb', 'Lu', 'Hf', 'Ta', 'W', 'Re', 'Os', 'Ir', 'Pt', 'Au',
  'Hg', 'Tl', 'Pb', 'Bi', 'Po', 'At', 'Rn', 'Fr', 'Ra', 'Ac', 'Th', 'Pa', 'U', 'Np', 'Pu', 'Am', 'Cm', 'Bk', 'Cf', 'Es',
  'Fm', 'Md', 'No', 'Lr', 'Rf', 'Db', 'Sg', 'Bh', 'Hs', 'Mt', 'Ds', 'Rg', 'Cn', 'Nh', 'Fl', 'Mc', 'Lv', 'Ts', 'Og'];

const BY_SYMBOL = new Map(SYMBOLS.map((s, z) => [s, z]));

/** Atomic number of an element symbol ('Cl', 'Fe'); undefined when it is not one. */
export function atomicNumber(symbol: string): number | undefined {
  return symbol === '*' ? undefined : BY_SYMBOL.get(symbol);
}

export function elementSymbol(z: number): string {
  return SYMBOLS[z] ?? '*';
}

const massCache = new Map<string, number>();

function descriptorMass(smiles: string, key: 'amw' | 'exactmw'): number {
  const hit = massCache.get(smiles + key);
  if (hit !== undefined) return hit;
  const value = withMol(smiles, (m) => (JSON.parse(m.get_descriptors()) as Record<string, number>)[key]) ?? 0;
  massCache.set(smiles + key, value);
  return value;
}

/** RDKit's Atom::getMass(): the isotope's mass when one is set, else the element's average atomic weight. */
export function atomMass(z: number, isotope: number): number {
  if (z === 0) return 0;
  return isotope > 0 ? descriptorMass(`[${isotope}${elementSymbol(z)}]`, 'exactmw') : atomicWeight(z);
}

export function atomicWeight(z: number): number {
  if (z === 0) return 0;
  return descriptorMass(`[${elementSymbol(z)}]`, 'amw');
}
