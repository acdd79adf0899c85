// Changed atoms against a seed, on real RDKit molecules: a swapped substituent marks itself and the atom
// carrying it, and nothing far from the change; a molecule against itself changes nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { molGraph } from '../chem/mol-graph.ts';
import { loadRDKit, withMol } from '../chem/rdkit.ts';
import { atomEnvironments, bondsWithin, changedAtoms } from './changed-atoms.ts';

const graph = (smiles: string) => withMol(smiles, molGraph)!;
const envs = (smiles: string) => new Set(atomEnvironments(graph(smiles)));

beforeAll(async () => {
  await loadRDKit();
});

describe('changed atoms', () => {
  it('a molecule against itself changes nothing', () => {
    for (const s of ['CC(=O)Nc1ccc(O)cc1', 'c1ccc2ccccc2c1', '[Na+].[Cl-]']) expect(changedAtoms(graph(s), envs(s))).toEqual([]);
  });

  it('phenol -> aniline marks the N and the ring carbon that holds it, not the rest of the ring', () => {
    // atoms of Nc1ccccc1: 0 N, 1 ipso C, 2..6 the other ring carbons
    const changed = changedAtoms(graph('Nc1ccccc1'), envs('Oc1ccccc1'));
    expect(changed).toEqual([0, 1]);
  });

  it('a new methyl on a ring marks the methyl and the ring carbon; its ring neighbours see a new neighbour only at radius 2', () => {
    const changed = changedAtoms(graph('Cc1ccccc1O'), envs('Oc1ccccc1'));
    expect(changed).toContain(0);
    expect(changed).toContain(1);
    // the far side of the ring (para/meta carbons) keeps its surroundings
    expect(changed).not.toContain(4);
  });

  it('a ring shrunk or grown marks its atoms, though each keeps its neighbours (cyclohexyl -> cyclopentyl)', () => {
    // atoms of c1ccccc1C1CCCC1: 0-5 the benzene ring, 6-10 the cyclopentyl ring
    const changed = changedAtoms(graph('c1ccccc1C1CCCC1'), envs('c1ccccc1C1CCCCC1'));
    for (const a of [6, 7, 8, 9, 10]) expect(changed).toContain(a);
    expect(changed).not.toContain(2);
    // indane against tetralin: the five-membered ring's atoms change, the benzene ring's far side does not
    const fused = changedAtoms(graph('c1ccc2c(c1)CCC2'), envs('c1ccc2c(c1)CCCC2'));
    expect(fused).toEqual(expect.arrayContaining([6, 7, 8]));
    expect(fused).not.toContain(1);
  });

  it('bondsWithin keeps only bonds between highlighted atoms', () => {
    const g = graph('CCO');
    expect(bondsWithin(g, [0, 1])).toEqual([0]);
    expect(bondsWithin(g, [0, 2])).toEqual([]);
    expect(bondsWithin(g, [0, 1, 2])).toEqual([0, 1]);
  });
});
