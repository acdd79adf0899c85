// The SMARTS pre-screen may only skip searches that cannot match: checked against RDKit's matcher itself for
// every PAINS and QED alert pattern plus hand-picked tricky SMARTS, over ZINC and golden-set molecules.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadRDKit, parseMol } from './rdkit.ts';
import { molGraph } from './mol-graph.ts';
import { compileSmarts, hasMatch, matchTarget } from './queries.ts';
import { atomRequirements, bracketChargeSign, screenFor } from './smarts-screen.ts';
import { chemDataPath } from './resources.ts';
import { goldenRows, sharedPath, zincSmiles } from './test-data.ts';

beforeAll(async () => {
  await loadRDKit();
});

describe('reading requirements from SMARTS', () => {
  it('reads elements, aromaticity and alternatives, and leaves unknowns open', () => {
    expect(atomRequirements('c1ccccc1Cl')).toHaveLength(7);
    expect(atomRequirements('[#7;!H0]')[0]).toEqual([{ z: 7, aromatic: 2 }]);
    expect(atomRequirements('[c,n;R]')[0]).toEqual([
      { z: 6, aromatic: 1 },
      { z: 7, aromatic: 1 },
    ]);
    expect(atomRequirements('[Na,K]')[0]).toEqual([
      { z: 11, aromatic: 0 },
      { z: 19, aromatic: 0 },
    ]);
    expect(atomRequirements('[$([N;+0;X3]);!$(NC=O)]')[0]).toEqual([{ z: 7, aromatic: 0 }]);
    expect(atomRequirements('[!#6]')[0]).toBeNull();
    expect(atomRequirements('[H]')[0]).toBeNull();
    expect(atomRequirements('[CH2]')[0]).toEqual([{ z: 6, aromatic: 0, h: 2 }]);
    expect(atomRequirements('[C;H1]')[0]).toEqual([{ z: 6, aromatic: 0, h: 1 }]);
    expect(atomRequirements('[#6&H0]')[0]).toEqual([{ z: 6, aromatic: 2, h: 0 }]);
    expect(atomRequirements('[NH3+]')[0]).toEqual([{ z: 7, aromatic: 0, h: 3 }]);
    expect(atomRequirements('[#7;!H0]')[0]).toEqual([{ z: 7, aromatic: 2 }]);
    expect(atomRequirements('[CX4H2]')[0]).toEqual([{ z: 6, aromatic: 0 }]);
    expect(atomRequirements('[15N]')[0]).toEqual([{ z: 7, aromatic: 0, isotope: 15 }]);
    expect(atomRequirements('[R0;D2]')[0]).toBeNull();
    expect(atomRequirements('*')[0]).toBeNull();
  });

  it('reads the charge sign an atom must carry', () => {
    expect(bracketChargeSign('#7+')).toBe(1);
    expect(bracketChargeSign('O-;X1')).toBe(-1);
    expect(bracketChargeSign('n+,N+')).toBe(1);
    expect(bracketChargeSign('N+0')).toBe(0);
    expect(bracketChargeSign('N+,N')).toBe(0);
    expect(bracketChargeSign('$([N-]);N')).toBe(0);
    expect(bracketChargeSign('!+')).toBe(0);
    expect(screenFor('[#7+](=O)[O-]').charged).toHaveLength(2);
    expect(screenFor('c:1:c:c:c:2:c(:c:1):c:c:c:2').aromaticDegree).toBe(3);
    const local = screenFor('[S,C](=[O,S])[F,Br,Cl,I]').local[0];
    expect(local.degree).toBe(2);
    expect(local.neighbours).toHaveLength(2);
  });

  it('sees three-membered rings and typed bonds', () => {
    expect(screenFor('*1[O,S,N]*1').needsThreeRing).toBe(true);
    expect(screenFor('C1CCC1').needsThreeRing).toBe(false);
    expect(screenFor('[#6]=S').bondKeys).toHaveLength(1);
    expect(screenFor('C~S').bondKeys).toHaveLength(0);
    expect(screenFor('C=,:N').bondKeys[0]).toHaveLength(2);
    expect(screenFor('C=!@N').bondKeys[0]).toHaveLength(1);
    expect(screenFor('C!=N').bondKeys).toHaveLength(0);
  });
});

describe('the screen against RDKit', () => {
  it('never skips a search that RDKit says matches', () => {
    const qed = JSON.parse(readFileSync(chemDataPath('qed-parameters.json'), 'utf8')) as {
      structural_alert_smarts: string[];
      acceptor_smarts: string[];
    };
    const pains = (JSON.parse(readFileSync(chemDataPath('pains.json'), 'utf8')) as { filters: { smarts: string }[] })
      .filters.map((f) => f.smarts);
    const extra = [
      'c1ccccc1',
      'C(=O)[OH]',
      '[#6]:[#7]',
      '[Cl,Br,I]',
      'C1CC1',
      '[r3]',
      '[N+](=O)[O-]',
      'S(=O)(=O)N',
      'C#N',
      'c-c',
      '[#6]=,:[#7]',
      'C=C-C=O',
      '[n;H1]',
      'O=C-N-C=O',
    ];
    const queries = [...qed.structural_alert_smarts, ...qed.acceptor_smarts, ...pains, ...extra].map(compileSmarts);
    const rows = goldenRows();
    // BBBP brings salts, charges, metals and odd valences
    const bbbp = readFileSync(sharedPath('data/samples/bbbp.csv'), 'utf8')
      .split('\n')
      .slice(1, 151)
      .map((line) => line.split(',').at(-1) ?? '');
    const smiles = [
      ...zincSmiles(150),
      ...rows.filter((r) => r.pains.length > 0).map((r) => r.smiles),
      ...rows.slice(0, 150).map((r) => r.smiles),
      ...bbbp,
    ];
    const missed: string[] = [];
    let matches = 0;
    let skipped = 0;
    for (const s of smiles) {
      const mol = parseMol(s);
      if (!mol) continue;
      try {
        const target = matchTarget(mol, molGraph(mol));
        for (const q of queries) {
          const truth = mol.get_substruct_match(q.qmol) !== '{}';
          const screened = hasMatch(target, q);
          if (truth) matches++;
          if (!screened && !truth) skipped++;
          if (truth !== screened) missed.push(`${q.smarts} in ${s}`);
        }
      } finally {
        mol.delete();
      }
    }
    expect(missed).toEqual([]);
    expect(matches).toBeGreaterThan(1000);
    expect(skipped).toBeGreaterThan(0);
  });
});
