// Hydrogen-bond acceptor counts defined by SMARTS in RDKit, evaluated directly on the molecule graph: two
// recursive SMARTS matched ~600 times per second per core cost more than the rest of the panel, and each
// one is a handful of local tests. acceptors.test.ts checks both against RDKit's matcher on ZINC molecules.
import { BondType, otherAtom } from './mol-graph.ts';
import type { AtomCounts, MolGraph } from './mol-graph.ts';

const O = 8;
const N = 7;
const S = 16;
const P = 15;
const C = 6;

/** SMARTS of hbaCount (RDKit NumHBA 2.0, Lipinski.HAcceptorSmarts up to RDKit 2023). */
export const HBA_SMARTS =
  '[$([O,S;H1;v2]-[!$(*=[O,N,P,S])]),$([O,S;H0;v2]),$([O,S;-]),$([N;v3;!$(N-*=!@[O,N,P,S])]),$([nH0,o,s;+0])]';

/** SMARTS of qedAcceptorCount, one count per pattern matched (QED.py's Acceptors). */
export const QED_ACCEPTOR_SMARTS = [
  '[oH0;X2]',
  '[OH1;X2;v2]',
  '[OH0;X2;v2]',
  '[OH0;X1;v2]',
  '[O-;X1]',
  '[SH0;X2;v2]',
  '[SH0;X1;v2]',
  '[S-;X1]',
  '[nH0;X2]',
  '[NH0;X1;v3]',
  '[$([N;+0;X3;v3]);!$(N[C,S]=O)]',
];

const aliphatic = (g: MolGraph, i: number, z: number) => g.z[i] === z && !g.aromatic[i];
const aromaticOf = (g: MolGraph, i: number, z: number) => g.z[i] === z && g.aromatic[i] === 1;

/** Does atom i have a double bond (in a ring or not, as asked) to an aliphatic atom of one of these elements? */
function hasDoubleTo(g: MolGraph, i: number, elements: readonly number[], nonRingOnly: boolean): boolean {
  for (const b of g.atomBonds[i]) {
    if (g.bondType[b] !== BondType.DOUBLE || (nonRingOnly && g.bondInRing[b])) continue;
    const o = otherAtom(g, b, i);
    if (!g.aromatic[o] && elements.includes(g.z[o])) return true;
  }
  return false;
}

const ONPS = [O, N, P, S];

export function hbaCount(g: MolGraph, c: AtomCounts): number {
  let count = 0;
  for (let i = 0; i < g.numAtoms; i++) {
    const os = aliphatic(g, i, O) || aliphatic(g, i, S);
    let hit = false;
    if (os && c.h[i] === 1 && c.v[i] === 2) {
      // -[!$(*=[O,N,P,S])]: a single-bonded neighbour without a double bond to O, N, P or S
      hit = g.atomBonds[i].some(
        (b) => g.bondType[b] === BondType.SINGLE && !hasDoubleTo(g, otherAtom(g, b, i), ONPS, false),
      );
    }
    if (!hit && os && c.h[i] === 0 && c.v[i] === 2) hit = true;
    if (!hit && os && g.charge[i] === -1) hit = true;
    if (!hit && aliphatic(g, i, N) && c.v[i] === 3) {
      // !$(N-*=!@[O,N,P,S]): not bonded (single) to an atom with an acyclic double bond to O, N, P or S
      hit = !g.atomBonds[i].some(
        (b) => g.bondType[b] === BondType.SINGLE && hasDoubleTo(g, otherAtom(g, b, i), ONPS, true),
      );
    }
    if (!hit && g.charge[i] === 0) {
      hit = (aromaticOf(g, i, N) && c.h[i] === 0) || aromaticOf(g, i, O) || aromaticOf(g, i, S);
    }
    if (hit) count++;
  }
  return count;
}

export function qedAcceptorCount(g: MolGraph, c: AtomCounts): number {
  let count = 0;
  for (let i = 0; i < g.numAtoms; i++) {
    const h = c.h[i];
    const x = c.x[i];
    const v = c.v[i];
    const q = g.charge[i];
    if (aromaticOf(g, i, O) && h === 0 && x === 2) count++;
    if (aliphatic(g, i, O)) {
      if (h === 1 && x === 2 && v === 2) count++;
      if (h === 0 && x === 2 && v === 2) count++;
      if (h === 0 && x === 1 && v === 2) count++;
      if (q === -1 && x === 1) count++;
    }
    if (aliphatic(g, i, S)) {
      if (h === 0 && x === 2 && v === 2) count++;
      if (h === 0 && x === 1 && v === 2) count++;
      if (q === -1 && x === 1) count++;
    }
    if (aromaticOf(g, i, N) && h === 0 && x === 2) count++;
    if (aliphatic(g, i, N)) {
      if (h === 0 && x === 1 && v === 3) count++;
      if (q === 0 && x === 3 && v === 3 && !amideLike(g, i)) count++;
    }
  }
  return count;
}

/** N[C,S]=O: bonded (single or aromatic bond) to an aliphatic C or S that has a double bond to an aliphatic O. */
function amideLike(g: MolGraph, n: number): boolean {
  return g.atomBonds[n].some((b) => {
    const t = g.bondType[b];
    if (t !== BondType.SINGLE && t !== BondType.AROMATIC) return false;
    const o = otherAtom(g, b, n);
    return (aliphatic(g, o, C) || aliphatic(g, o, S)) && hasDoubleTo(g, o, [O], false);
  });
}
