// RDKit's unfolded Morgan (circular) environment ids with counts, as GetMorganFingerprint(mol, radius) gives
// them and the SA score needs them. The WASM build only exposes folded bit vectors, so this is the algorithm
// rebuilt on the molecule graph:
//   - round 0: per atom, a boost-style hash of its connectivity invariants (atomic number, total degree,
//     total H count including H atoms in the graph, formal charge, isotope mass delta, and 1 when the atom is in a ring);
//   - each further round: hash(layer, own invariant, sorted (bond type, neighbour invariant) pairs);
//   - an environment (the set of bonds it covers) already seen, in this or an earlier round, is not counted
//     again and its atom stops growing; among equal new environments the one with the smallest id counts.
// All arithmetic is on 32-bit unsigned ints, as RDKit's gboost hash (hash_return_type = uint32).
import { atomMass, atomicWeight } from './elements.ts';
import type { MolGraph } from './mol-graph.ts';

const GOLDEN = 0x9e3779b9;

/** gboost::hash_combine(seed, v) for a uint32 value v. */
export function hashCombine(seed: number, v: number): number {
  return (seed ^ ((v >>> 0) + GOLDEN + ((seed << 6) >>> 0) + (seed >>> 2))) >>> 0;
}

/** gboost::hash_range over uint32 values (the hash of a std::vector<uint32_t>). */
export function hashRange(values: readonly number[]): number {
  let seed = 0;
  for (const v of values) seed = hashCombine(seed, v);
  return seed;
}

/** getConnectivityInvariants(mol, invars, includeRingMembership = true) */
export function connectivityInvariants(g: MolGraph): Uint32Array {
  const out = new Uint32Array(g.numAtoms);
  for (let i = 0; i < g.numAtoms; i++) {
    const z = g.z[i];
    const totalDegree = g.atomBonds[i].length + g.hs[i];
    // getTotalNumHs(includeNeighbors = true): H atoms kept in the graph ([2H]) count too
    let totalHs = g.hs[i];
    for (const b of g.atomBonds[i]) if (g.z[g.bondBegin[b] === i ? g.bondEnd[b] : g.bondBegin[b]] === 1) totalHs++;
    // int(mass - atomic weight): truncated toward zero, so [13C] gives 0 and [2H] gives 1, as in RDKit
    const deltaMass = g.isotope[i] > 0 ? Math.trunc(atomMass(z, g.isotope[i]) - atomicWeight(z)) : 0;
    const components = [z, totalDegree, totalHs, g.charge[i] >>> 0, deltaMass >>> 0];
    if (g.ringCount[i] > 0) components.push(1);
    out[i] = hashRange(components);
  }
  return out;
}

/** Unfolded Morgan environment ids (uint32) with their counts. */
export function morganEnvironmentCounts(g: MolGraph, radius = 2): Map<number, number> {
  const n = g.numAtoms;
  const counts = new Map<number, number>();
  const add = (id: number) => counts.set(id, (counts.get(id) ?? 0) + 1);
  let invariants = connectivityInvariants(g);
  for (let i = 0; i < n; i++) add(invariants[i]);

  const words = Math.max(1, Math.ceil(g.numBonds / 32));
  // bond sets covered by each atom's environment, one bitset of `words` uint32 per atom
  let neighborhoods = new Uint32Array(n * words);
  const seen = new Set<string>();
  const dead = new Uint8Array(n);

  for (let layer = 0; layer < radius; layer++) {
    const next = new Uint32Array(n); // dead atoms read as 0 next round, as in RDKit
    const roundNeighborhoods = neighborhoods.slice();
    const candidates: { key: string; id: number; atom: number }[] = [];
    for (let atom = 0; atom < n; atom++) {
      if (dead[atom]) continue;
      const bonds = g.atomBonds[atom];
      if (bonds.length === 0) {
        dead[atom] = 1;
        continue;
      }
      const base = atom * words;
      const pairs: [number, number][] = [];
      for (const b of bonds) {
        roundNeighborhoods[base + (b >>> 5)] |= 1 << (b & 31);
        const other = g.bondBegin[b] === atom ? g.bondEnd[b] : g.bondBegin[b];
        const ob = other * words;
        for (let w = 0; w < words; w++) roundNeighborhoods[base + w] |= neighborhoods[ob + w];
        pairs.push([g.bondType[b], invariants[other]]);
      }
      pairs.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
      let id = hashCombine(layer, invariants[atom]);
      for (const [bt, inv] of pairs) id = hashCombine(id, hashCombine(hashCombine(0, bt), inv));
      next[atom] = id;
      candidates.push({ key: roundNeighborhoods.subarray(base, base + words).join(','), id, atom });
    }
    // RDKit sorts by (bond set, id, atom): within one bond set the smallest id comes first and is the one kept
    candidates.sort((p, q) => (p.key < q.key ? -1 : p.key > q.key ? 1 : p.id - q.id || p.atom - q.atom));
    for (const c of candidates) {
      if (seen.has(c.key)) {
        dead[c.atom] = 1;
      } else {
        add(c.id);
        seen.add(c.key);
      }
    }
    invariants = next;
    neighborhoods = roundNeighborhoods;
  }
  return counts;
}
