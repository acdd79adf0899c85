// The report card's metric code against small hand-checked sets, with the real RDKit: scaffolds as RDKit's
// MurckoScaffold gives them (values from RDKit 2022.09's MurckoScaffold.GetScaffoldForMol), stereo removed,
// MOSES's filters, uniqueness at k, IntDiv, SNN and the cosine of counts.
import { beforeAll, describe, expect, it } from 'vitest';
import { morganFingerprintOf, tanimoto } from '../chem/fingerprint.ts';
import { molGraph } from '../chem/mol-graph.ts';
import { loadRDKit, withMol } from '../chem/rdkit.ts';
import { canonicalSmiles } from './canonical.ts';
import { internalDiversity } from './metrics.ts';
import { cosineOfCounts, murckoScaffold, nearestNeighbourSimilarity, passesMosesFilters, scaffoldCounts, uniqueAt, withoutStereo } from './report-card.ts';

beforeAll(async () => {
  await loadRDKit();
});

const scaffold = (s: string) => withMol(s, (m) => murckoScaffold(molGraph(m)));
const canon = (s: string) => canonicalSmiles(s)!;

describe('report card metrics', () => {
  it('Bemis–Murcko scaffolds: side chains gone, linkers and ring C=O kept, acyclic empty', () => {
    expect(scaffold('CC(=O)Nc1ccc(O)cc1')).toBe(canon('c1ccccc1'));
    expect(scaffold('O=C(O)c1ccccc1')).toBe(canon('c1ccccc1'));
    expect(scaffold('CCCCO')).toBe('');
    expect(scaffold('O=C1CCCCC1C')).toBe(canon('O=C1CCCCC1'));
    // a linker between two rings, its C=O kept
    expect(scaffold('O=C(c1ccc(C)cc1)c1ccccn1')).toBe(canon('O=C(c1ccccc1)c1ccccn1'));
    expect(scaffold('Cc1ccc(OCCN2CCCC2)cc1')).toBe(canon('c1ccc(OCCN2CCCC2)cc1'));
    // aromatic N-H kept as it was; a substituted ring N gets its H back
    expect(scaffold('Cn1ccc2ccccc21')).toBe(canon('c1cc2ccccc2[nH]1'));
    expect(scaffold('O=C(N)C1CCN(C)CC1')).toBe(canon('C1CCNCC1'));
  });

  it('stereo removed, then canonical', () => {
    expect(withoutStereo('C[C@H](N)C(=O)O')).toBe(canon('CC(N)C(=O)O'));
    expect(withoutStereo('C/C=C/C')).toBe(canon('CC=CC'));
    expect(withoutStereo('C[C@@H](O)c1ccccc1')).toBe(withoutStereo('C[C@H](O)c1ccccc1'));
  });

  it("MOSES's filters: allowed atoms, no charge, no large ring, no MCF or PAINS", () => {
    expect(passesMosesFilters('CC(=O)Nc1ccc(O)cc1')).toBe(true);
    expect(passesMosesFilters('CC(=O)Nc1ccc(I)cc1')).toBe(false); // iodine is not allowed
    expect(passesMosesFilters('C[N+](C)(C)C')).toBe(false); // charged
    expect(passesMosesFilters('C1CCCCCCC1')).toBe(false); // an 8-ring
    expect(passesMosesFilters('CC=O')).toBe(false); // MCF7: an aldehyde
    expect(passesMosesFilters('ClCc1ccccc1')).toBe(false); // MCF4: a primary alkyl halide, matched through its Hs
    expect(passesMosesFilters('C1CO1')).toBe(false); // MCF5: an epoxide
    expect(passesMosesFilters('O=C(C=Cc1ccccc1)c1ccccc1O')).toBe(true);
  });

  it('uniqueness at k, IntDiv1/2, SNN, cosine of counts', () => {
    expect(uniqueAt(['a', 'b', 'a', 'c'], 3)).toBeCloseTo(2 / 3);
    expect(uniqueAt(['a'], 3)).toBeNull();
    const fps = ['CCO', 'CCN', 'c1ccccc1'].map((s) => morganFingerprintOf(s)!);
    const pairs = [tanimoto(fps[0], fps[1]), tanimoto(fps[0], fps[2]), tanimoto(fps[1], fps[2])];
    const intDiv = (f: Uint32Array[], p: 1 | 2) => internalDiversity(f.length, (i, j) => tanimoto(f[i], f[j]), () => 0, 500_000, p);
    expect(intDiv(fps, 1)).toBeCloseTo(1 - pairs.reduce((a, b) => a + b) / 3, 12);
    expect(intDiv(fps, 2)).toBeCloseTo(1 - Math.sqrt(pairs.reduce((a, b) => a + b * b, 0) / 3), 12);
    expect(intDiv([fps[0], fps[0]], 1)).toBe(0);
    expect(nearestNeighbourSimilarity([fps[0]], [fps[0], fps[2]])).toBe(1);
    expect(nearestNeighbourSimilarity([fps[0], fps[2]], [fps[1]])).toBeCloseTo((pairs[0] + pairs[2]) / 2, 12);
    expect(cosineOfCounts(new Map([['a', 1], ['b', 1]]), new Map([['a', 2], ['b', 2]]))).toBeCloseTo(1, 12);
    expect(cosineOfCounts(new Map([['a', 1]]), new Map([['b', 1]]))).toBe(0);
    expect(scaffoldCounts(['Cc1ccccc1', 'c1ccccc1O', 'CCO'])).toEqual(new Map([[canon('c1ccccc1'), 2], ['', 1]]));
  });
});
