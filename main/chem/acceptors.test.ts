// The acceptor counts computed on the graph must equal what RDKit's matcher gives for the same SMARTS.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadRDKit, parseMol, rdkit } from './rdkit.ts';
import { atomCounts, molGraph } from './mol-graph.ts';
import { HBA_SMARTS, QED_ACCEPTOR_SMARTS, hbaCount, qedAcceptorCount } from './acceptors.ts';
import { chemDataPath } from './resources.ts';
import { sharedPath, zincSmiles } from './test-data.ts';

beforeAll(async () => {
  await loadRDKit();
});

function matchCount(mol: ReturnType<typeof parseMol>, smarts: string): number {
  const q = rdkit().get_qmol(smarts)!;
  try {
    const json = mol!.get_substruct_matches(q);
    return json === '{}' ? 0 : (JSON.parse(json) as unknown[]).length;
  } finally {
    q.delete();
  }
}

describe('acceptor counts', () => {
  it('QED acceptor SMARTS in code are the ones in qed-parameters.json', () => {
    const params = JSON.parse(readFileSync(chemDataPath('qed-parameters.json'), 'utf8')) as { acceptor_smarts: string[] };
    expect(QED_ACCEPTOR_SMARTS).toEqual(params.acceptor_smarts);
  });

  it('equal RDKit substructure counts on ZINC and on the (messy) BBBP set', () => {
    const bbbp = readFileSync(sharedPath('data/samples/bbbp.csv'), 'utf8')
      .split('\n')
      .slice(1, 400)
      .map((line) => line.split(',').at(-1) ?? '');
    const smiles = [...zincSmiles(300), ...bbbp, 'O=C1NC(=O)C=C1', '[O-][N+](=O)c1ccccc1', 'CC(=O)[O-].[Na+]', 'OS', 'C=[N+]=[N-]'];
    const bad: string[] = [];
    let checked = 0;
    for (const s of smiles) {
      const mol = parseMol(s);
      if (!mol) continue;
      try {
        const g = molGraph(mol);
        const c = atomCounts(g);
        const qed = QED_ACCEPTOR_SMARTS.reduce((sum, sm) => sum + matchCount(mol, sm), 0);
        if (qedAcceptorCount(g, c) !== qed) bad.push(`QED ${s}`);
        if (hbaCount(g, c) !== matchCount(mol, HBA_SMARTS)) bad.push(`HBA ${s}`);
        checked++;
      } finally {
        mol.delete();
      }
    }
    expect(checked).toBeGreaterThan(600);
    expect(bad).toEqual([]);
  });
});
