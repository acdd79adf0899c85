// Searching a set of molecules given as SMILES: top-k Tanimoto similarity on precomputed Morgan fingerprints
// (radius 2, 2048 bits), and substructure search with a SMARTS (default) or SMILES query through RDKit's
// SubstructLibrary, which screens with pattern fingerprints before matching. Build a MoleculeIndex once per
// set and query it many times; dispose() frees the RDKit side.
import { inputProblem, noteRDKitFault, parseMol, parseMolFast, rdkit, rdkitGeneration } from './rdkit.ts';
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
 * How a substructure query is read. SMARTS (the default): atoms as written, so [OH] requires the H and finds
 * phenols, not ethers or esters. SMILES: the molecule as drawn, its implicit Hs free, so Oc1ccccc1 also finds
 * anisole and phenyl esters.
 */
export type QueryMode = 'smarts' | 'smiles';
export const QUERY_MODES: readonly QueryMode[] = ['smarts', 'smiles'];

/** The one-line difference, for help texts and messages. */
export const QUERY_MODE_HINT =
  'SMARTS (default) matches atoms as written ([OH] requires the H: phenols, not ethers); SMILES matches the molecule as drawn, implicit Hs free (Oc1ccccc1 also finds anisole).';

/** Parse a substructure query in the chosen mode; a QueryError says which mode failed and RDKit's reason. */
export function parseQuery(query: string, mode: QueryMode = 'smarts'): JSMol {
  const text = query.trim();
  const label = mode === 'smarts' ? 'SMARTS' : 'SMILES';
  if (text === '') throw new QueryError(`Empty ${label} query: give a ${label} substructure.`);
  const parse = (): JSMol | null => {
    if (mode === 'smiles') return parseMol(text);
    let q: JSMol | null = null;
    try {
      q = rdkit().get_qmol(text);
    } catch (error) {
      noteRDKitFault(error);
      q = null;
    }
    if (q && q.is_valid()) return q;
    q?.delete();
    return null;
  };
  const q = parse();
  if (q) return q;
  const other = mode === 'smarts' ? 'SMILES' : 'SMARTS';
  throw new QueryError(`Not a valid ${label} query: ${text.slice(0, 200)}: ${parseFailure(text, mode)} (read as ${label}; choose ${other} if it is one).`);
}

/** RDKit's reason for refusing a query: it says so only in its error log, so parse once more, capturing it. */
function parseFailure(text: string, mode: QueryMode): string {
  const problem = mode === 'smiles' ? inputProblem(text) : null;
  if (problem) return problem;
  const R = rdkit();
  let buffer = '';
  const log = R.set_log_capture('rdApp.error');
  try {
    let m: JSMol | null = null;
    try {
      m = mode === 'smarts' ? R.get_qmol(text) : R.get_mol(text);
    } catch (error) {
      noteRDKitFault(error);
    }
    m?.delete();
    buffer = log?.get_buffer() ?? '';
  } finally {
    log?.delete();
    // deleting the capture leaves RDKit's error log on, printing to stderr: switch it off again
    R.disable_logging();
  }
  const lines = [...new Set(buffer.split('\n').map((l) => l.replace(/^\[\d\d:\d\d:\d\d\]\s*/, '').replace(/^(SMARTS|SMILES) Parse Error:\s*/, '').trim()))].filter(
    (l) => l && !/^Failed parsing/.test(l),
  );
  if (!lines.length) return 'RDKit could not read it';
  const position = lines.find((l) => /check for mistakes around position/.test(l));
  const first = lines[0];
  const reason = position && position !== first ? `${first} (${position.replace(/:$/, '')})` : first;
  return reason.length > 300 ? `${reason.slice(0, 297)}...` : reason;
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

  /** Positions of the molecules containing the query (SMARTS unless mode is 'smiles'), in input order. */
  substructure(query: string, options: { maxResults?: number; useChirality?: boolean; mode?: QueryMode } = {}): number[] {
    if (!this.lib) throw new Error('This index was built without substructure search.');
    if (this.generation !== rdkitGeneration()) throw new Error('RDKit was reloaded since this index was built: build it again.');
    const maxResults = options.maxResults ?? this.size;
    if (maxResults <= 0 || this.libToInput.length === 0) return [];
    const q = parseQuery(query, options.mode);
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

  /** The fingerprint at input position i (a view of FP_WORDS words), or null where RDKit could not parse it. */
  fingerprintAt(i: number): Uint32Array | null {
    return this.valid[i] ? this.fps.subarray(i * FP_WORDS, (i + 1) * FP_WORDS) : null;
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

/** One-shot substructure search over SMILES (the query is SMARTS unless mode is 'smiles'). */
export function substructureSearch(smiles: readonly string[], query: string, maxResults?: number, mode: QueryMode = 'smarts'): number[] {
  const index = MoleculeIndex.build(smiles);
  try {
    return index.substructure(query, { maxResults, mode });
  } finally {
    index.dispose();
  }
}
