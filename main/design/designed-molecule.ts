// A decode made into what a chemist sees next to its drawing (the contract's DesignedMolecule): the property
// panel, Tanimoto similarity to the seed, the atoms whose surroundings changed against the seed (highlighted
// in the drawing), training/workspace membership, the point on the latent map and its provenance. One RDKit
// parse per molecule serves the panel, the fingerprint, the atom graph and the drawing.
import type { DesignedMolecule, Provenance } from '../api/contract.ts';
import { morganFingerprint, tanimoto } from '../chem/fingerprint.ts';
import { molGraph } from '../chem/mol-graph.ts';
import { computeProperties } from '../chem/properties.ts';
import { withMol } from '../chem/rdkit.ts';
import { compactSvg } from '../chem/compact-svg.ts';
import { atomEnvironments, bondsWithin, changedAtoms } from './changed-atoms.ts';
import { Lru } from './lru.ts';

/** What a seed contributes to the comparison: its fingerprint and the set of its atoms' radius-1 environments. */
export interface SeedChem {
  canonical: string;
  fingerprint: Uint32Array;
  environments: ReadonlySet<number>;
}

export interface DrawSize {
  width: number;
  height: number;
}

export interface DecodeOutcome {
  raw: string;
  /** canonical SMILES, null when invalid */
  smiles: string | null;
  z: ArrayLike<number>;
  map: [number, number];
  tries: number;
  inTraining: boolean | null;
  inWorkspace: boolean | null;
  provenance: Provenance;
}

/** The seed's fingerprint and environments; null when RDKit cannot parse it. */
export function seedChem(canonical: string): SeedChem | null {
  return withMol(canonical, (mol) => ({ canonical, fingerprint: morganFingerprint(mol), environments: new Set(atomEnvironments(molGraph(mol))) })) ?? null;
}

/** The part of a DesignedMolecule that depends only on the molecule, the seed and the drawing size. */
export type ChemPart = Pick<DesignedMolecule, 'props' | 'similarity' | 'changedAtoms' | 'svg'>;

/** The panel, similarity, changed atoms and drawing of a canonical SMILES; null when RDKit cannot read it. */
export function chemPart(smiles: string, seed: SeedChem | null, draw: DrawSize | undefined): ChemPart | null {
  return withMol(smiles, (mol): ChemPart => {
    const g = molGraph(mol);
    const changed = seed ? changedAtoms(g, seed.environments) : [];
    const svg = draw
      ? compactSvg(mol.get_svg_with_highlights(JSON.stringify({ width: draw.width, height: draw.height, atoms: changed, bonds: bondsWithin(g, changed) })))
      : null;
    return {
      props: computeProperties(mol),
      similarity: seed ? tanimoto(morganFingerprint(mol), seed.fingerprint) : null,
      changedAtoms: changed,
      svg,
    };
  }) ?? null;
}

/** What chemistry is filed under: the molecule, the seed's canonical SMILES and the drawing size. */
export const chemKey = (smiles: string, seed: string | null, draw: DrawSize | undefined) => `${seed ?? ''}\u0000${smiles}\u0000${draw ? `${draw.width}x${draw.height}` : ''}`;

/**
 * Chemistry already worked out, by seed, molecule and drawing size: a slider drag decodes the same molecule
 * many times over (neighbouring latent points), and then a move costs only its decode. Chemistry made in
 * another thread ahead of a drag (chem-ahead.ts) is put in.
 */
export class ChemCache {
  private readonly lru: Lru<string, ChemPart | null>;

  constructor(capacity = 2000) {
    this.lru = new Lru(capacity);
  }

  /** The chemistry of a molecule, made (chemPart, or `make`) and kept when it is not known yet. */
  get(smiles: string, seed: SeedChem | null, draw: DrawSize | undefined, make = () => chemPart(smiles, seed, draw)): ChemPart | null {
    const key = chemKey(smiles, seed?.canonical ?? null, draw);
    let part = this.lru.get(key);
    if (part === undefined) this.lru.set(key, (part = make()));
    return part;
  }

  has(smiles: string, seed: string | null, draw: DrawSize | undefined): boolean {
    return this.lru.get(chemKey(smiles, seed, draw)) !== undefined;
  }

  put(smiles: string, seed: string | null, draw: DrawSize | undefined, part: ChemPart): void {
    this.lru.set(chemKey(smiles, seed, draw), part);
  }
}

export function designedMolecule(d: DecodeOutcome, seed: SeedChem | null, draw?: DrawSize, cache?: ChemCache): DesignedMolecule {
  const base: DesignedMolecule = {
    raw: d.raw, smiles: null, valid: false, props: {}, similarity: null, inTraining: null, inWorkspace: null,
    changedAtoms: [], svg: null, z: Array.from(d.z), map: d.map, tries: d.tries, provenance: d.provenance,
  };
  if (d.smiles === null) return base;
  const smiles = d.smiles;
  const made = cache ? cache.get(smiles, seed, draw) : chemPart(smiles, seed, draw);
  // a canonical SMILES RDKit cannot read back (should not happen) is shown as what it is: not a molecule
  if (!made) return base;
  return { ...base, ...made, smiles: d.smiles, valid: true, inTraining: d.inTraining, inWorkspace: d.inWorkspace };
}
