// Fingerprints, Tanimoto and the search index, against RDKit 2022.09 similarities and brute force.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRDKit, parseMol, rdkit } from './rdkit.ts';
import { morganFingerprintOf, tanimoto } from './fingerprint.ts';
import { MoleculeIndex, QueryError, similaritySearch, substructureSearch } from './search.ts';
import { goldenRows, zincSmiles } from './test-data.ts';

const ASPIRIN = 'CC(=O)Oc1ccccc1C(=O)O';
let smiles: string[] = [];
let index: MoleculeIndex;

beforeAll(async () => {
  await loadRDKit();
  smiles = [...zincSmiles(600), 'not a molecule', 'C1CC', ASPIRIN];
  index = MoleculeIndex.build(smiles);
});

afterAll(() => index?.dispose());

describe('Tanimoto on Morgan radius 2, 2048 bits', () => {
  it('equals RDKit 2022.09 similarity to aspirin for the golden molecules', () => {
    const aspirin = morganFingerprintOf(ASPIRIN)!;
    const bad = goldenRows()
      .filter((r) => {
        const fp = morganFingerprintOf(r.smiles);
        return fp === null || Math.abs(tanimoto(fp, aspirin) - r.tanimoto_to_aspirin_morgan2_2048) > 1e-9;
      })
      .map((r) => r.smiles);
    expect(bad).toEqual([]);
  });

  it('is 1 for itself and 0 for two empty fingerprints', () => {
    const fp = morganFingerprintOf('c1ccccc1O')!;
    expect(tanimoto(fp, fp)).toBe(1);
    expect(tanimoto(new Uint32Array(64), new Uint32Array(64))).toBe(0);
    expect(morganFingerprintOf('no')).toBeNull();
  });
});

describe('top-k similarity', () => {
  it('returns what brute force over all molecules returns, best first', () => {
    const query = smiles[17];
    const q = morganFingerprintOf(query)!;
    const brute = smiles
      .map((s, i) => ({ i, fp: morganFingerprintOf(s) }))
      .filter((x) => x.fp !== null)
      .map((x) => ({ index: x.i, similarity: tanimoto(q, x.fp!) }))
      .sort((a, b) => b.similarity - a.similarity || a.index - b.index)
      .slice(0, 10);
    const hits = index.similar(query, 10);
    expect(hits).toEqual(brute);
    expect(hits[0]).toEqual({ index: 17, similarity: 1 });
  });

  it('honours a similarity floor and k', () => {
    const hits = index.similar(ASPIRIN, 50, 0.3);
    expect(hits.every((h) => h.similarity >= 0.3)).toBe(true);
    expect(hits[0].index).toBe(smiles.length - 1);
    expect(index.similar(ASPIRIN, 0)).toEqual([]);
    expect(similaritySearch(smiles.slice(0, 50), smiles[3], 1)).toEqual([{ index: 3, similarity: 1 }]);
  });

  it('reports the SMILES it could not parse', () => {
    expect(index.invalid).toEqual([600, 601]);
  });
});

/** Input positions RDKit's own matcher (get_substruct_matches, one molecule at a time) finds, and its match counts. */
function rdkitMatches(all: readonly string[], query: string, mode: 'smarts' | 'smiles'): { positions: number[]; matchCount: number } {
  const q = mode === 'smarts' ? rdkit().get_qmol(query) : rdkit().get_mol(query);
  const positions: number[] = [];
  let matchCount = 0;
  try {
    all.forEach((s, i) => {
      const m = parseMol(s);
      if (!m) return;
      const json = m.get_substruct_matches(q!);
      m.delete();
      const n = json === '{}' ? 0 : (JSON.parse(json) as unknown[]).length;
      matchCount += n;
      if (n > 0) positions.push(i);
    });
  } finally {
    q?.delete();
  }
  return { positions, matchCount };
}

describe('substructure search', () => {
  it('reads a query as SMARTS by default and finds exactly what RDKit matches one by one', () => {
    for (const query of ['c1ccccc1', 'C(=O)N', '[#7;R]', 'S(=O)(=O)N', 'C1CCNCC1', '[Cl,Br,I]', '[$([N+R]),$([n+R]),$([N+]=C)][O-]', '[OH]c1ccccc1', 'O=C[OH]', '[NH2]c']) {
      const expected = rdkitMatches(smiles, query, 'smarts').positions;
      expect(index.substructure(query), query).toEqual(expected);
      expect(index.substructure(query, { mode: 'smarts' }), query).toEqual(expected);
    }
  });

  it('reads a query as SMILES when asked: the molecule as drawn, implicit Hs free', () => {
    for (const query of ['c1ccccc1', 'C(=O)N', 'C1CCNCC1', 'Oc1ccccc1', '[OH]c1ccccc1', 'Nc1ccccc1']) {
      expect(index.substructure(query, { mode: 'smiles' }), query).toEqual(rdkitMatches(smiles, query, 'smiles').positions);
    }
    // SMARTS-only syntax is not a SMILES
    expect(() => index.substructure('[#7;R]', { mode: 'smiles' })).toThrow(/Not a valid SMILES query/);
  });

  it('[OH]c1ccccc1 finds phenols only as SMARTS, and ethers and esters too as SMILES', () => {
    const set = ['Oc1ccccc1', 'COc1ccccc1', 'CC(=O)Oc1ccccc1', 'Oc1ccccc1O', 'COc1ccc(O)cc1', 'Oc1ccccc1OC(C)=O', 'OC1CCCCC1', 'c1ccccc1'];
    const asSmarts = substructureSearch(set, '[OH]c1ccccc1');
    // the SMARTS count is RDKit's: catechol matches twice, but is one molecule found
    const rd = rdkitMatches(set, '[OH]c1ccccc1', 'smarts');
    expect(asSmarts).toEqual(rd.positions);
    expect(rd.matchCount).toBe(5);
    expect(asSmarts.map((i) => set[i])).toEqual(['Oc1ccccc1', 'Oc1ccccc1O', 'COc1ccc(O)cc1', 'Oc1ccccc1OC(C)=O']);
    const asSmiles = substructureSearch(set, '[OH]c1ccccc1', undefined, 'smiles');
    expect(asSmiles).toEqual(rdkitMatches(set, '[OH]c1ccccc1', 'smiles').positions);
    expect(asSmiles.map((i) => set[i])).toEqual(['Oc1ccccc1', 'COc1ccccc1', 'CC(=O)Oc1ccccc1', 'Oc1ccccc1O', 'COc1ccc(O)cc1', 'Oc1ccccc1OC(C)=O']);
    // over real ZINC molecules the two readings really differ, each as RDKit counts it
    const zincSmarts = index.substructure('[OH]c1ccccc1');
    const zincSmiles = index.substructure('[OH]c1ccccc1', { mode: 'smiles' });
    expect(zincSmarts.length).toBeGreaterThan(0);
    expect(zincSmiles.length).toBeGreaterThan(zincSmarts.length);
    expect(zincSmarts.every((i) => zincSmiles.includes(i))).toBe(true);
  });

  it('stops at maxResults and works one-shot', () => {
    expect(index.substructure('c1ccccc1', { maxResults: 5 })).toHaveLength(5);
    // as SMARTS 'O' is any aliphatic oxygen, which both have
    expect(substructureSearch(['CCO', 'c1ccccc1O', 'nope'], 'O')).toEqual([0, 1]);
  });

  it('says which mode failed and why instead of crashing', () => {
    expect(() => index.substructure('C(((')).toThrow(QueryError);
    expect(() => index.substructure('C(((')).toThrow(/^Not a valid SMARTS query: C\(\(\(: syntax error while parsing: C\(\(\( \(check for mistakes around position 3\) \(read as SMARTS; choose SMILES if it is one\)\.$/);
    expect(() => index.substructure('C1CC', { mode: 'smiles' })).toThrow(/^Not a valid SMILES query: C1CC: unclosed ring/);
    expect(() => index.substructure('c1cccc1', { mode: 'smiles' })).toThrow(/Can't kekulize mol/);
    expect(() => index.substructure('  ')).toThrow(/Empty SMARTS query/);
    expect(() => index.similar('  ', 3)).toThrow(QueryError);
    expect(() => index.similar('[C;R]', 3)).toThrow(/Not a valid SMILES/);
  });
});
