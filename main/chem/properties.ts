// The property panel computed for every molecule: RDKit's own descriptors (get_descriptors, read once),
// QED with its eight inputs, SA score, penalized logP, rule-of-five and Veber, PAINS. The import job calls
// computeProperties on an already parsed molecule; the caller owns (and deletes) the molecule. A part that
// fails leaves its keys null and the rest is still returned: one odd molecule never stops an import.
import { inputProblem, noteRDKitFault, parseMolFast } from './rdkit.ts';
import type { JSMol } from './rdkit.ts';
import { atomCounts, largestRingSize, molGraph, sssrRingCount } from './mol-graph.ts';
import type { AtomCounts, MolGraph } from './mol-graph.ts';
import { PROPERTY_KEYS } from './property-defs.ts';
import { qedFromProperties, qedProperties } from './qed.ts';
import { saScore } from './sa-score.ts';
import { painsMatches } from './pains.ts';
import { matchTarget } from './queries.ts';
import { hbaCount } from './acceptors.ts';

export { PROPERTY_DEFS, PROPERTY_KEYS } from './property-defs.ts';
export type { PropertyDef } from './property-defs.ts';

export type PropertyValue = number | string | boolean | null;
export type Properties = Record<string, PropertyValue>;

/** The fields of get_descriptors() this panel reads. */
interface RDKitDescriptors {
  amw: number;
  exactmw: number;
  CrippenClogP: number;
  CrippenMR: number;
  tpsa: number;
  NumHBD: number;
  NumRotatableBonds: number;
  NumHeavyAtoms: number;
  NumAromaticRings: number;
  FractionCSP3: number;
  NumSpiroAtoms: number;
  NumBridgeheadAtoms: number;
  NumAtomStereoCenters: number;
}

/** Every key of the panel set to null: a molecule not computed (or not computable). */
export function emptyProperties(): Properties {
  return Object.fromEntries(PROPERTY_KEYS.map((k) => [k, null]));
}

function attempt(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    // the keys this part fills stay null; a WebAssembly trap also gets RDKit reloaded
    noteRDKitFault(error);
  }
}

export function computeProperties(mol: JSMol): Properties {
  const out = emptyProperties();
  let d: RDKitDescriptors | null = null;
  let g: MolGraph | null = null;
  attempt(() => {
    d = JSON.parse(mol.get_descriptors()) as RDKitDescriptors;
  });
  attempt(() => {
    g = molGraph(mol);
  });
  if (d) descriptorPart(out, d);
  const graph: MolGraph | null = g;
  if (graph) attempt(() => graphPart(out, mol, graph, d));
  return out;
}

/** Everything computed on the molecule graph; each part on its own, so one failure costs only its keys. */
function graphPart(out: Properties, mol: JSMol, graph: MolGraph, d: RDKitDescriptors | null): void {
  out.largest_ring = largestRingSize(graph);
  // the SSSR's size, not get_descriptors' NumRings (the symmetrized SSSR: 264 rings for gamma-cyclodextrin)
  out.rings = sssrRingCount(graph);
  const target = matchTarget(mol, graph);
  const counts = atomCounts(graph);
  attempt(() => {
    // RDKit's NumHBA as it was up to 2023 (the definition behind the reference data and published
    // ZINC/QED numbers): 2024+ no longer counts an aromatic o/s next to a ring n (a thiazole S)
    out.hba = hbaCount(graph, counts);
    if (d) out.lipinski_violations = lipinskiViolations(d, out.hba);
  });
  if (d) {
    const desc: RDKitDescriptors = d;
    attempt(() => qedPart(out, desc, graph, target, counts));
    attempt(() => saPart(out, desc, graph));
    attempt(() => {
      const names = painsMatches(target);
      out.pains_count = names.length;
      out.pains = names.join(', ');
    });
  }
}

/** Rule-of-five violations: MW > 500, cLogP > 5, HBD > 5, HBA > 10. */
function lipinskiViolations(d: RDKitDescriptors, hba: number): number {
  return Number(d.amw > 500) + Number(d.CrippenClogP > 5) + Number(d.NumHBD > 5) + Number(hba > 10);
}

function descriptorPart(out: Properties, d: RDKitDescriptors): void {
  out.mol_wt = d.amw;
  out.exact_mw = d.exactmw;
  out.clogp = d.CrippenClogP;
  out.mr = d.CrippenMR;
  out.tpsa = d.tpsa;
  out.hbd = d.NumHBD;
  out.rotatable_bonds = d.NumRotatableBonds;
  out.heavy_atoms = d.NumHeavyAtoms;
  out.aromatic_rings = d.NumAromaticRings;
  out.fraction_csp3 = d.FractionCSP3;
  out.veber_pass = d.NumRotatableBonds <= 10 && d.tpsa <= 140;
}

function qedPart(
  out: Properties,
  d: RDKitDescriptors,
  g: MolGraph,
  target: ReturnType<typeof matchTarget>,
  counts: AtomCounts,
): void {
  const q = qedProperties(target, g, {
    mw: d.amw,
    alogp: d.CrippenClogP,
    hbd: d.NumHBD,
    psa: d.tpsa,
    rotb: d.NumRotatableBonds,
  }, counts);
  out.qed = qedFromProperties(q);
  out.qed_mw = q.MW;
  out.qed_alogp = q.ALOGP;
  out.qed_hba = q.HBA;
  out.qed_hbd = q.HBD;
  out.qed_psa = q.PSA;
  out.qed_rotb = q.ROTB;
  out.qed_arom = q.AROM;
  out.qed_alerts = q.ALERTS;
}

function saPart(out: Properties, d: RDKitDescriptors, g: MolGraph): void {
  const sa = saScore(g, {
    chiralCenters: d.NumAtomStereoCenters,
    spiroAtoms: d.NumSpiroAtoms,
    bridgeheadAtoms: d.NumBridgeheadAtoms,
  });
  out.sa = sa;
  out.penalized_logp = d.CrippenClogP - sa - Math.max(largestRingSize(g) - 6, 0);
}

/**
 * The panel for a SMILES or molblock, or why there is none (empty, too large for the WASM, or refused by
 * RDKit): for callers that hold text rather than a parsed molecule.
 */
export function propertiesOf(structure: string): { properties: Properties } | { error: string } {
  const problem = inputProblem(structure);
  if (problem) return { error: problem };
  const mol = parseMolFast(structure);
  if (!mol) return { error: 'RDKit could not parse the structure' };
  try {
    return { properties: computeProperties(mol) };
  } finally {
    mol.delete();
  }
}
