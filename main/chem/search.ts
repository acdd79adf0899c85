// Searching a set of molecules given as SMILES: top-k Tanimoto similarity on precomputed Morgan fingerprints
// (radius 2, 2048 bits), and substructure search with a SMARTS or SMILES query through RDKit's
// SubstructLibrary, which screens with pattern fingerprints before matching. Build a MoleculeIndex once per
// set and query it many times; dispose() frees the RDKit side.
import { parseMol, parseMolFast, rdkit, rdkitGeneration } from './rdkit.ts';
import type { JSMol } from './rdkit.ts';
import { FP_WORDS, morganFingerprint, popcount, popcount32 } from './fingerprint.ts';

type SubstructLibrary = InstanceType<ReturnType<typeof rdkit>['SubstructLibrary']>;

export interface SimilarityHit {
  /** position in the SMILES array the index was built from */
  index: number;
  similarity: number;
}

export interface IndexOptions {
  /** build the substructure library (pattern fingerprints); default true */
  substructure?: boolean;
}

export class QueryError extends Error {}

/**
 * Parse a search query: SMILES first (a molecule is matched by element, charge, aromaticity and bonds),
 * then SMARTS. Throws a QueryError naming the query when neither parses.
 */
export type QueryKind = 'auto' | 'smiles' | 'smarts';

export function parseQuery(query: string, kind: QueryKind = 'auto'): JSMol {
  const text = query.trim();
  if (text === '') throw new QueryError('Empty query: give a SMILES or SMARTS.');
  if (kind !== 'smarts') {
    const asSmiles = parseMol(text);
    if (asSmiles) return asSmiles;
    if (kind === 'smiles') throw new QueryError(`Not a valid SMILES: ${text.slice(0, 200)}`);
  }
  let q: JSMol | null = null;
  try {
    q = rdkit().get_qmol(text);
  } catch {
    q = null;
  }
  if (q && q.is_valid()) return q;
  q?.delete();
  throw new QueryError(`Not a valid ${kind === 'smarts' ? 'SMARTS' : 'SMILES or SMARTS'}: ${text.slice(0, 200)}`);
}

export class MoleculeIndex {
  /** input positions RDKit could not parse */
  readonly invalid: number[] = [];
  readonly size: number;
  private readonly fps: Uint32Array;
  private readonly bitCounts: Uint16Array;
  private readonly valid: Uint8Array;
  private lib: SubstructLibrary | null = null;
  /** the RDKit instance the library lives in */
  private readonly generation = rdkitGeneration();
  /** library position -> input position */
  private readonly libToInput: number[] = [];

  private constructor(private readonly smiles: readonly string[]) {
    const size = smiles.length;
    this.size = size;
    this.fps = new Uint32Array(size * FP_WORDS);
    this.bitCounts = new Uint16Array(size);
    this.valid = new Uint8Array(size);
  }

  static build(smiles: readonly string[], options: IndexOptions = {}): MoleculeIndex {
    const index = new MoleculeIndex([...smiles]);
    if (options.substructure !== false) index.lib = new (rdkit().SubstructLibrary)();
    for (let i = 0; i < smiles.length; i++) {
      const mol = parseMolFast(smiles[i]);
      if (!mol) {
        index.invalid.push(i);
        continue;
      }
      try {
        index.fps.set(morganFingerprint(mol), i * FP_WORDS);
        index.bitCounts[i] = popcount(index.fps, i * FP_WORDS);
        index.valid[i] = 1;
        if (index.lib) {
          index.lib.add_mol(mol);
          index.libToInput.push(i);
        }
      } finally {
        mol.delete();
      }
    }
    return index;
  }

  /** The k most similar molecules to the query SMILES, best first (ties by position). */
  similar(query: string, k: number, minSimilarity = 0): SimilarityHit[] {
    // a fingerprint needs a molecule: SMARTS makes no sense here
    const mol = query.trim() === '' ? null : parseMol(query.trim());
    if (!mol) throw new QueryError(`Not a valid SMILES: ${query.trim().slice(0, 200) || '(empty)'}`);
    let q: Uint32Array;
    try {
      q = morganFingerprint(mol);
    } finally {
      mol.delete();
    }
    return this.similarToFingerprint(q, k, minSimilarity);
  }

  similarToFingerprint(q: Uint32Array, k: number, minSimilarity = 0): SimilarityHit[] {
    if (k <= 0) return [];
    const qCount = popcount(q);
    // a sorted list of the best k: cheap for the small k a UI asks for
    const best: SimilarityHit[] = [];
    let floor = minSimilarity;
    for (let i = 0; i < this.size; i++) {
      if (!this.valid[i]) continue;
      const n = this.bitCounts[i];
      // Tanimoto can be at most min/max of the two bit counts: skip without touching the bits
      const bound = qCount === 0 && n === 0 ? 0 : Math.min(qCount, n) / Math.max(qCount, n);
      if (bound < floor || (best.length === k && bound <= floor)) continue;
      let both = 0;
      const off = i * FP_WORDS;
      for (let w = 0; w < FP_WORDS; w++) both += popcount32(q[w] & this.fps[off + w]);
      const either = qCount + n - both;
      const s = either === 0 ? 0 : both / either;
      if (s < minSimilarity || (best.length === k && s <= best[k - 1].similarity)) continue;
      let at = best.length;
      while (at > 0 && best[at - 1].similarity < s) at--;
      best.splice(at, 0, { index: i, similarity: s });
      if (best.length > k) best.pop();
      if (best.length === k) floor = Math.max(minSimilarity, best[k - 1].similarity);
    }
    return best;
  }

  /** Positions of the molecules containing the query (SMILES or SMARTS), in input order. */
  substructure(query: string, options: { maxResults?: number; useChirality?: boolean; kind?: QueryKind } = {}): number[] {
    if (!this.lib) throw new Error('This index was built without substructure search.');
    if (this.generation !== rdkitGeneration()) throw new Error('RDKit was reloaded since this index was built: build it again.');
    const maxResults = options.maxResults ?? this.size;
    if (maxResults <= 0 || this.libToInput.length === 0) return [];
    const q = parseQuery(query, options.kind);
    try {
      let found: number[];
      try {
        found = JSON.parse(this.lib.get_matches(q, options.useChirality ?? false, 1, maxResults)) as number[];
      } catch {
        // the library's screen refuses a few complex queries: match one molecule at a time instead
        found = this.matchOneByOne(q, maxResults);
      }
      return found.map((i) => this.libToInput[i]).sort((a, b) => a - b);
    } finally {
      q.delete();
    }
  }

  /** Library positions of the matches, parsing each molecule afresh (fully sanitized, ring info and all). */
  private matchOneByOne(q: JSMol, maxResults: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.libToInput.length && out.length < maxResults; i++) {
      const mol = parseMol(this.smiles[this.libToInput[i]]);
      if (!mol) continue;
      try {
        if (mol.get_substruct_match(q) !== '{}') out.push(i);
      } catch {
        // a molecule the matcher cannot handle simply does not match
      } finally {
        mol.delete();
      }
    }
    return out;
  }

  dispose(): void {
    if (this.generation === rdkitGeneration()) this.lib?.delete();
    this.lib = null;
  }
}

/** One-shot top-k similarity over SMILES (builds fingerprints only). */
export function similaritySearch(smiles: readonly string[], query: string, k: number, minSimilarity = 0): SimilarityHit[] {
  const index = MoleculeIndex.build(smiles, { substructure: false });
  return index.similar(query, k, minSimilarity);
}

/** One-shot substructure search over SMILES. */
export function substructureSearch(smiles: readonly string[], query: string, maxResults?: number): number[] {
  const index = MoleculeIndex.build(smiles);
  try {
    return index.substructure(query, { maxResults });
  } finally {
    index.dispose();
  }
}
