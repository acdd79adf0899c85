// A SMILES written from an atom graph (main/chem/mol-graph.ts) for part of a molecule, for the report card's
// Bemis–Murcko scaffolds and BRICS fragments: MinimalLib cannot edit a molecule, so the part is written as text
// (every atom in brackets with its H count, bonds explicit) and RDKit canonicalizes it. Stereo marks are not
// written (the graph does not carry them).
import { elementSymbol } from '../chem/elements.ts';
import type { MolGraph } from '../chem/mol-graph.ts';
import { BondType, bondValence } from '../chem/mol-graph.ts';

/** A bond cut into two attachment points: dummy atoms [label*] on each end, bonded as the bond was. */
export interface CutBond {
  /** isotope label of the dummy atom attached to the bond's begin atom */
  beginLabel: number;
  /** isotope label of the dummy atom attached to the bond's end atom */
  endLabel: number;
}

/**
 * A SMILES of the kept atoms ('.' between disconnected parts). A bond to an atom not kept becomes hydrogens on
 * the kept end (a scaffold's lost side chain); a bond in `cuts` becomes a dummy atom on each end instead (a BRICS
 * fragment's attachment point), so the parts are the fragments.
 */
export function writeSubgraph(g: MolGraph, keep: Uint8Array, cuts: ReadonlyMap<number, CutBond> = new Map()): string {
  const hs = Array.from(g.hs);
  for (let b = 0; b < g.numBonds; b++) {
    const [x, y] = [g.bondBegin[b], g.bondEnd[b]];
    if (keep[x] && !keep[y]) hs[x] += Math.round(bondValence(g.bondType[b]));
    if (keep[y] && !keep[x]) hs[y] += Math.round(bondValence(g.bondType[b]));
  }
  const atom = (a: number) => {
    const sym = elementSymbol(g.z[a]);
    const c = g.charge[a];
    const iso = g.isotope[a] ? String(g.isotope[a]) : '';
    return `[${iso}${g.aromatic[a] ? sym.toLowerCase() : sym}${hs[a] ? `H${hs[a] > 1 ? hs[a] : ''}` : ''}${c ? (c > 0 ? '+' : '-') + (Math.abs(c) > 1 ? Math.abs(c) : '') : ''}]`;
  };
  const bondSymbol = (b: number) => ({ [BondType.DOUBLE]: '=', [BondType.TRIPLE]: '#', [BondType.AROMATIC]: ':' })[g.bondType[b]] ?? '-';
  // a bond the writer follows: both ends kept, not cut
  const follows = (b: number, n: number) => keep[n] && !cuts.has(b);
  const seen = new Uint8Array(g.numAtoms);
  const usedBond = new Uint8Array(g.numBonds);
  const closures = new Map<number, number>(); // bond → ring-closure number
  let nextClosure = 1;
  // first pass: a DFS tree; bonds not in it are ring closures
  const order: number[] = [];
  const visit = (a: number) => {
    seen[a] = 1;
    order.push(a);
    for (const b of g.atomBonds[a]) {
      const n = g.bondBegin[b] === a ? g.bondEnd[b] : g.bondBegin[b];
      if (!follows(b, n) || usedBond[b]) continue;
      usedBond[b] = 1;
      if (seen[n]) closures.set(b, nextClosure++);
      else visit(n);
    }
  };
  const parts: string[] = [];
  for (let s = 0; s < g.numAtoms; s++) {
    if (!keep[s] || seen[s]) continue;
    const start = order.length;
    visit(s);
    // second pass: write the tree from s, children in bond order, closures as digits on both ends, cut bonds as
    // dummy-atom branches
    const inTree = new Set(order.slice(start));
    const written = new Uint8Array(g.numAtoms);
    const write = (a: number, from: number): string => {
      written[a] = 1;
      let out = atom(a);
      const kids: string[] = [];
      const treeKids: [number, number][] = [];
      for (const b of g.atomBonds[a]) {
        if (b === from) continue;
        const cut = cuts.get(b);
        if (cut) {
          kids.push(`${bondSymbol(b)}[${g.bondBegin[b] === a ? cut.beginLabel : cut.endLabel}*]`);
          continue;
        }
        const n = g.bondBegin[b] === a ? g.bondEnd[b] : g.bondBegin[b];
        if (!keep[n] || !inTree.has(n)) continue;
        const ring = closures.get(b);
        if (ring !== undefined) out += bondSymbol(b) + (ring < 10 ? String(ring) : `%${ring}`);
        else if (!written[n]) treeKids.push([b, n]);
      }
      for (const [b, n] of treeKids) kids.push(bondSymbol(b) + write(n, b));
      kids.forEach((k, i) => (out += i < kids.length - 1 ? `(${k})` : k));
      return out;
    };
    parts.push(write(s, -1));
  }
  return parts.join('.');
}
