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

describe('substructure search', () => {
  it('finds exactly the molecules RDKit matches one by one (SMARTS and SMILES queries)', () => {
    for (const query of ['c1ccccc1', 'C(=O)N', '[#7;R]', 'S(=O)(=O)N', 'C1CCNCC1', '[Cl,Br,I]', '[$([N+R]),$([n+R]),$([N+]=C)][O-]']) {
      const q = rdkit().get_mol(query) ?? rdkit().get_qmol(query)!;
      const expected: number[] = [];
      smiles.forEach((s, i) => {
        const m = parseMol(s);
        if (!m) return;
        if (m.get_substruct_match(q) !== '{}') expected.push(i);
        m.delete();
      });
      q.delete();
      expect(index.substructure(query), query).toEqual(expected);
    }
  });

  it('stops at maxResults and works one-shot', () => {
    expect(index.substructure('c1ccccc1', { maxResults: 5 })).toHaveLength(5);
    expect(substructureSearch(['CCO', 'c1ccccc1O', 'nope'], 'O')).toEqual([0, 1]);
    // as SMARTS 'O' is an aliphatic oxygen only... which both have; '[OH]c' tells them apart
    expect(index.substructure('[OH]c', { kind: 'smarts' }).length).toBeGreaterThan(0);
    expect(() => index.substructure('[OH]c', { kind: 'smiles' })).toThrow(QueryError);
  });

  it('says which query is bad instead of crashing', () => {
    expect(() => index.substructure('C(((')).toThrow(QueryError);
    expect(() => index.substructure('C(((')).toThrow(/C\(\(\(/);
    expect(() => index.similar('  ', 3)).toThrow(QueryError);
    expect(() => index.similar('[C;R]', 3)).toThrow(/Not a valid SMILES/);
  });
});
