// The atom graph of an RDKit molecule, read from its JSON (get_json): element, total H count, charge, isotope,
// aromaticity and ring membership per atom, bond types as RDKit's Bond::BondType numbers. The WASM build
// exposes no per-atom API, and the JSON is the one output that carries implicit H counts, aromatic flags and
// the ring list together (a molblock is kekulized and drops implicit Hs).
import type { JSMol } from './rdkit.ts';

/** RDKit's Bond::BondType values that can appear in a molecule read from SMILES, SMARTS-free. */
export const BondType = { ZERO: 21, SINGLE: 1, DOUBLE: 2, TRIPLE: 3, QUADRUPLE: 4, AROMATIC: 12 } as const;

export interface MolGraph {
  numAtoms: number;
  numBonds: number;
  /** atomic number per atom */
  z: Int32Array;
  /** total H count per atom (implicit + explicit H count, not counting H atoms present as graph nodes) */
  hs: Int32Array;
  charge: Int32Array;
  /** 0 when no isotope is set */
  isotope: Int32Array;
  aromatic: Uint8Array;
  /** number of SSSR rings the atom is in */
  ringCount: Int32Array;
  bondBegin: Int32Array;
  bondEnd: Int32Array;
  /** RDKit Bond::BondType per bond */
  bondType: Int32Array;
  /** bond indices per atom, in the order RDKit stores them (bond index order) */
  atomBonds: number[][];
  /** 1 when the bond is in a ring */
  bondInRing: Uint8Array;
  /** SSSR rings as atom index lists, each in ring order */
  rings: number[][];
  /** atoms with a CIP label assigned (specified stereocentres) */
  cipAtoms: number[];
}

interface JsonAtom {
  z?: number;
  impHs?: number;
  chg?: number;
  isotope?: number;
}
interface JsonBond {
  bo?: number;
  atoms: [number, number];
}
interface JsonExtension {
  name: string;
  aromaticAtoms?: number[];
  aromaticBonds?: number[];
  atomRings?: number[][];
  cipCodes?: [number, string][];
}
interface RDKitJson {
  defaults: { atom: Required<JsonAtom>; bond: { bo: number } };
  molecules: { atoms: JsonAtom[]; bonds?: JsonBond[]; extensions?: JsonExtension[] }[];
}

function bondTypeOf(bo: number, aromatic: boolean): number {
  if (aromatic) return BondType.AROMATIC;
  switch (bo) {
    case 0:
      return BondType.ZERO;
    case 1:
    case 2:
    case 3:
    case 4:
      return bo;
    default:
      return bo;
  }
}

export function molGraphFromJson(json: string): MolGraph {
  const doc = JSON.parse(json) as RDKitJson;
  const m = doc.molecules[0];
  const da = doc.defaults.atom;
  const db = doc.defaults.bond;
  const atoms = m.atoms;
  const bonds = m.bonds ?? [];
  const ext = m.extensions?.find((e) => e.name === 'rdkitRepresentation');
  const n = atoms.length;
  const g: MolGraph = {
    numAtoms: n,
    numBonds: bonds.length,
    z: new Int32Array(n),
    hs: new Int32Array(n),
    charge: new Int32Array(n),
    isotope: new Int32Array(n),
    aromatic: new Uint8Array(n),
    ringCount: new Int32Array(n),
    bondBegin: new Int32Array(bonds.length),
    bondEnd: new Int32Array(bonds.length),
    bondType: new Int32Array(bonds.length),
    bondInRing: new Uint8Array(bonds.length),
    atomBonds: Array.from({ length: n }, () => []),
    rings: ext?.atomRings ?? [],
    cipAtoms: (ext?.cipCodes ?? []).map(([i]) => i),
  };
  for (let i = 0; i < n; i++) {
    const a = atoms[i];
    g.z[i] = a.z ?? da.z;
    g.hs[i] = a.impHs ?? da.impHs;
    g.charge[i] = a.chg ?? da.chg;
    g.isotope[i] = a.isotope ?? da.isotope;
  }
  for (const i of ext?.aromaticAtoms ?? []) g.aromatic[i] = 1;
  const aromaticBond = new Uint8Array(bonds.length);
  for (const i of ext?.aromaticBonds ?? []) aromaticBond[i] = 1;
  for (let b = 0; b < bonds.length; b++) {
    const [x, y] = bonds[b].atoms;
    g.bondBegin[b] = x;
    g.bondEnd[b] = y;
    g.bondType[b] = bondTypeOf(bonds[b].bo ?? db.bo, aromaticBond[b] === 1);
    g.atomBonds[x].push(b);
    g.atomBonds[y].push(b);
  }
  for (const ring of g.rings) {
    for (let k = 0; k < ring.length; k++) {
      const a = ring[k];
      const b = ring[(k + 1) % ring.length];
      g.ringCount[a]++;
      for (const bond of g.atomBonds[a]) if (otherAtom(g, bond, a) === b) g.bondInRing[bond] = 1;
    }
  }
  return g;
}

export function molGraph(mol: JSMol): MolGraph {
  return molGraphFromJson(mol.get_json());
}

export function otherAtom(g: MolGraph, bond: number, atom: number): number {
  return g.bondBegin[bond] === atom ? g.bondEnd[bond] : g.bondBegin[bond];
}

/** Size of the largest SSSR ring, 0 for an acyclic molecule. */
export function largestRingSize(g: MolGraph): number {
  let max = 0;
  for (const r of g.rings) if (r.length > max) max = r.length;
  return max;
}

/**
 * The number of rings in the smallest set of smallest rings (SSSR): the graph's cycle rank, bonds - atoms +
 * connected fragments, which is what RDKit's GetSSSR finds (cubane 5, adamantane 3, gamma-cyclodextrin 9).
 * RDKit's ring list after sanitization (`rings` here, and get_descriptors' NumRings) is the *symmetrized*
 * SSSR, which adds rings equivalent by symmetry: cubane 6, adamantane 4, gamma-cyclodextrin 264.
 */
export function sssrRingCount(g: MolGraph): number {
  const parent = Int32Array.from({ length: g.numAtoms }, (_, i) => i);
  const root = (a: number): number => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]];
      a = parent[a];
    }
    return a;
  };
  let fragments = g.numAtoms;
  for (let b = 0; b < g.numBonds; b++) {
    const x = root(g.bondBegin[b]);
    const y = root(g.bondEnd[b]);
    if (x !== y) {
      parent[x] = y;
      fragments--;
    }
  }
  return g.numBonds - g.numAtoms + fragments;
}

/** Bond order as valence contribution (aromatic 1.5, zero-order 0). */
export function bondValence(type: number): number {
  if (type === BondType.AROMATIC) return 1.5;
  if (type === BondType.ZERO) return 0;
  return type <= 6 ? type : 0;
}

/**
 * Per-atom numbers SMARTS primitives test: H (total H count, H-atom neighbours included), X (total
 * connections) and v (total valence, sum of bond orders plus Hs, rounded as RDKit does).
 */
export interface AtomCounts {
  h: Int32Array;
  x: Int32Array;
  v: Int32Array;
}

export function atomCounts(g: MolGraph): AtomCounts {
  const n = g.numAtoms;
  const h = new Int32Array(n);
  const x = new Int32Array(n);
  const v = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let hNeighbours = 0;
    let valence = g.hs[i];
    for (const b of g.atomBonds[i]) {
      if (g.z[otherAtom(g, b, i)] === 1) hNeighbours++;
      valence += bondValence(g.bondType[b]);
    }
    h[i] = g.hs[i] + hNeighbours;
    x[i] = g.atomBonds[i].length + g.hs[i];
    v[i] = Math.round(valence);
  }
  return { h, x, v };
}
