// Which atoms of a designed molecule changed against the seed, cheaply and without a maximum common
// substructure: an atom is unchanged when its radius-1 Morgan environment (its own invariants, its bonds and
// its neighbours' invariants, hashed as RDKit's Morgan algorithm does at layer 1) occurs anywhere in the seed.
// A substituent swapped on a ring thus marks the new substituent and the ring atom carrying it. The sizes of
// the rings an atom is in are part of its environment: Morgan's invariants only say "in a ring", so a ring grown
// or shrunk (cyclohexyl -> cyclopentyl, a fused ring opened) would otherwise leave every ring atom unmarked.
import { connectivityInvariants, hashCombine } from '../chem/morgan-env.ts';
import type { MolGraph } from '../chem/mol-graph.ts';
import { otherAtom } from '../chem/mol-graph.ts';

/** The radius-1 environment id of every atom (an atom without bonds: its radius-0 invariant). */
export function atomEnvironments(g: MolGraph): Uint32Array {
  const inv = connectivityInvariants(g);
  const sizes = ringSizesHash(g);
  const out = new Uint32Array(g.numAtoms);
  for (let atom = 0; atom < g.numAtoms; atom++) {
    const bonds = g.atomBonds[atom];
    if (bonds.length === 0) {
      out[atom] = inv[atom];
      continue;
    }
    const pairs = bonds.map((b) => [g.bondType[b], inv[otherAtom(g, b, atom)]] as const);
    pairs.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
    let id = hashCombine(0, inv[atom]);
    for (const [bt, ni] of pairs) id = hashCombine(id, hashCombine(hashCombine(0, bt), ni));
    out[atom] = sizes[atom] ? hashCombine(id, sizes[atom]) : id;
  }
  return out;
}

/** Per atom, a hash of the sorted sizes of the SSSR rings it is in (0 for an atom in no ring). */
function ringSizesHash(g: MolGraph): Uint32Array {
  const perAtom: number[][] = Array.from({ length: g.numAtoms }, () => []);
  for (const ring of g.rings) for (const a of ring) perAtom[a].push(ring.length);
  return Uint32Array.from(perAtom, (sizes) => (sizes.length ? sizes.sort((a, b) => a - b).reduce((h, n) => hashCombine(h, n), 7) : 0));
}

/** Atom indices of g whose radius-1 environment is not among the seed's. */
export function changedAtoms(g: MolGraph, seedEnvironments: ReadonlySet<number>): number[] {
  const envs = atomEnvironments(g);
  const out: number[] = [];
  envs.forEach((e, atom) => {
    if (!seedEnvironments.has(e)) out.push(atom);
  });
  return out;
}

/** Bonds whose two atoms are both in `atoms` (to highlight the changed part as one piece). */
export function bondsWithin(g: MolGraph, atoms: readonly number[]): number[] {
  const set = new Set(atoms);
  const out: number[] = [];
  for (let b = 0; b < g.numBonds; b++) if (set.has(g.bondBegin[b]) && set.has(g.bondEnd[b])) out.push(b);
  return out;
}
