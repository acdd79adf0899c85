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

  it('bondsWithin keeps only bonds between highlighted atoms', () => {
    const g = graph('CCO');
    expect(bondsWithin(g, [0, 1])).toEqual([0]);
    expect(bondsWithin(g, [0, 2])).toEqual([]);
    expect(bondsWithin(g, [0, 1, 2])).toEqual([0, 1]);
  });
});
