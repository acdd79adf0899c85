// QED, the quantitative estimate of drug-likeness (Bickerton et al., Nature Chemistry 4, 90, 2012), as RDKit's
// Chem/QED.py computes it: eight properties, each mapped through an asymmetric double sigmoid (ADS) to a
// desirability, combined as a weighted geometric mean with the 'mean' weights. Parameters come from
// resources/chem-data/qed-parameters.json.
import { readFileSync } from 'node:fs';
import { chemDataPath } from './resources.ts';
import { BondType, atomCounts } from './mol-graph.ts';
import type { AtomCounts, MolGraph } from './mol-graph.ts';
import { compileSmarts, hasMatch } from './queries.ts';
import { qedAcceptorCount } from './acceptors.ts';
import type { MatchTarget } from './queries.ts';

export const QED_PROPERTIES = ['MW', 'ALOGP', 'HBA', 'HBD', 'PSA', 'ROTB', 'AROM', 'ALERTS'] as const;
export type QedPropertyName = (typeof QED_PROPERTIES)[number];
export type QedProperties = Record<QedPropertyName, number>;

interface Ads {
  A: number;
  B: number;
  C: number;
  D: number;
  E: number;
  F: number;
  DMAX: number;
}
interface QedParameters {
  properties: QedPropertyName[];
  weights_mean: number[];
  ads_parameters: Record<QedPropertyName, Ads>;
  /** evaluated as code in acceptors.ts (qedAcceptorCount); its test checks the two agree */
  acceptor_smarts: string[];
  structural_alert_smarts: string[];
}

let params: QedParameters | null = null;

export function qedParameters(): QedParameters {
  params ??= JSON.parse(readFileSync(chemDataPath('qed-parameters.json'), 'utf8')) as QedParameters;
  return params;
}

/** The asymmetric double sigmoid, scaled by its maximum. */
export function ads(x: number, p: Ads): number {
  const exp1 = 1 + Math.exp(-(x - p.C + p.D / 2) / p.E);
  const exp2 = 1 + Math.exp(-(x - p.C - p.D / 2) / p.F);
  return (p.A + (p.B / exp1) * (1 - 1 / exp2)) / p.DMAX;
}

export function qedFromProperties(props: QedProperties): number {
  const p = qedParameters();
  let t = 0;
  let wsum = 0;
  p.properties.forEach((name, i) => {
    const w = p.weights_mean[i];
    t += w * Math.log(ads(props[name], p.ads_parameters[name]));
    wsum += w;
  });
  return Math.exp(t / wsum);
}

/**
 * QED's aromatic ring count: rings left after deleting every aliphatic ring atom that has a non-aromatic
 * neighbour through a single (or aromatic) bond (the SMARTS [$([A;R][!a])] of QED.py), counted as the SSSR of what remains, which is its
 * cyclomatic number (bonds - atoms + connected pieces).
 */
export function qedAromaticRings(g: MolGraph): number {
  const deleted = new Uint8Array(g.numAtoms);
  for (let i = 0; i < g.numAtoms; i++) {
    if (g.aromatic[i] || g.ringCount[i] === 0) continue;
    for (const b of g.atomBonds[i]) {
      const o = g.bondBegin[b] === i ? g.bondEnd[b] : g.bondBegin[b];
      // the SMARTS bond is implicit, so single or aromatic: a C=O does not make its carbon deletable
      const t = g.bondType[b];
      if (!g.aromatic[o] && (t === BondType.SINGLE || t === BondType.AROMATIC)) {
        deleted[i] = 1;
        break;
      }
    }
  }
  const parent = Int32Array.from({ length: g.numAtoms }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]];
    return x;
  };
  let atoms = 0;
  let bonds = 0;
  let pieces = 0;
  for (let i = 0; i < g.numAtoms; i++) if (!deleted[i]) atoms++;
  pieces = atoms;
  for (let b = 0; b < g.numBonds; b++) {
    const x = g.bondBegin[b];
    const y = g.bondEnd[b];
    if (deleted[x] || deleted[y]) continue;
    bonds++;
    const rx = find(x);
    const ry = find(y);
    if (rx !== ry) {
      parent[rx] = ry;
      pieces--;
    }
  }
  return bonds - atoms + pieces;
}

/** RDKit descriptors QED takes as they are. */
export interface QedInputs {
  mw: number;
  alogp: number;
  hbd: number;
  psa: number;
  rotb: number;
}

export function qedProperties(target: MatchTarget, g: MolGraph, d: QedInputs, counts: AtomCounts = atomCounts(g)): QedProperties {
  const p = qedParameters();
  let alerts = 0;
  for (const s of p.structural_alert_smarts) if (hasMatch(target, compileSmarts(s))) alerts++;
  return {
    MW: d.mw,
    ALOGP: d.alogp,
    HBA: qedAcceptorCount(g, counts),
    HBD: d.hbd,
    PSA: d.psa,
    ROTB: d.rotb,
    AROM: qedAromaticRings(g),
    ALERTS: alerts,
  };
}
