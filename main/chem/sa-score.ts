// Synthetic accessibility score (Ertl & Schuffenhauer, J. Cheminf. 1:8, 2009), following RDKit's
// Contrib/SA_Score/sascorer.py: fragment score from the unfolded radius-2 Morgan environments weighted by
// their PubChem contributions, minus size, stereo, spiro, bridgehead and macrocycle penalties, plus the
// fingerprint-density correction, scaled to 1 (easy) .. 10 (hard).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { chemDataPath } from './resources.ts';
import type { MolGraph } from './mol-graph.ts';
import { morganEnvironmentCounts } from './morgan-env.ts';
import { contribution, decodeSaTable } from './sa-table.ts';
import type { SaTable } from './sa-table.ts';

let table: SaTable | null = null;

/** The fragment contributions, loaded on first use (~50 ms; sa-table.ts). */
function fragmentTable(): SaTable {
  table ??= decodeSaTable(gunzipSync(readFileSync(chemDataPath('sa-fragment-contributions.bin.gz'))));
  return table;
}

/** Counts the SA score needs besides the graph; RDKit computes them (get_descriptors). */
export interface SaCounts {
  /** FindMolChiralCenters(includeUnassigned=True) */
  chiralCenters: number;
  spiroAtoms: number;
  bridgeheadAtoms: number;
}

export function saScore(g: MolGraph, counts: SaCounts, environments = morganEnvironmentCounts(g, 2)): number {
  const t = fragmentTable();
  let score1 = 0;
  let nf = 0;
  for (const [id, v] of environments) {
    nf += v;
    score1 += contribution(t, id) * v;
  }
  if (nf === 0) return 10; // an empty molecule: nothing to make, nothing to score
  score1 /= nf;

  const nAtoms = g.numAtoms;
  const sizePenalty = nAtoms ** 1.005 - nAtoms;
  const stereoPenalty = Math.log10(counts.chiralCenters + 1);
  const spiroPenalty = Math.log10(counts.spiroAtoms + 1);
  const bridgePenalty = Math.log10(counts.bridgeheadAtoms + 1);
  // sascorer.py deviates from the paper here on purpose: log10(2) for any number of rings larger than 8
  const macrocyclePenalty = g.rings.some((r) => r.length > 8) ? Math.log10(2) : 0;
  const score2 = -sizePenalty - stereoPenalty - spiroPenalty - bridgePenalty - macrocyclePenalty;

  // correction for the fingerprint density (version 1.1): symmetric molecules are easier to make
  const score3 = nAtoms > environments.size ? Math.log(nAtoms / environments.size) * 0.5 : 0;

  let sa = score1 + score2 + score3;
  const min = -4.0;
  const max = 2.5;
  sa = 11 - ((sa - min + 1) / (max - min)) * 9;
  if (sa > 8) sa = 8 + Math.log(sa + 1 - 9); // smooth the 10-end
  return Math.min(10, Math.max(1, sa));
}
