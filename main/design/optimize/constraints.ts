// The constraints a chemist sets, checked on the decoded molecule with RDKit (molecule-facts.ts): validity,
// Tanimoto to the seed ≥ δ, locked substructures (SMARTS that must still match), property windows, no PAINS
// alert, and novelty (not the seed itself, not in the model's training set, not in the workspace when that is
// known). Each broken constraint is a violation with an amount, so a search can tell "nearly" from "far off".
import { compileSmarts } from '../../chem/queries.ts';
import { canonicalObjectiveName, objectiveDef, OBJECTIVE_PROPERTIES } from './objectives.ts';
import type { MoleculeFacts } from './molecule-facts.ts';

export interface PropertyWindow {
  /** an objective name (qed, mw, plogp …) or a key of the property panel */
  property: string;
  min?: number;
  max?: number;
}

export interface ConstraintSpec {
  /** Tanimoto (Morgan r2, 2048 bits) to the seed at least this */
  similarity?: number;
  /** SMARTS that every result must match */
  keep?: string[];
  windows?: PropertyWindow[];
  /** refuse molecules with a PAINS alert (default true) */
  noPains?: boolean;
  /** refuse molecules of the model's training set (default true) */
  notInTraining?: boolean;
  /** refuse molecules already in the workspace, where that is known (default true) */
  notInWorkspace?: boolean;
}

export type ViolationCode = 'invalid' | 'same-as-seed' | 'similarity' | 'substructure' | 'window' | 'pains' | 'in-training' | 'in-workspace';

export interface Violation {
  code: ViolationCode;
  /** how far off, ≥ 0 (similarity: δ − s; window: distance in the property's spread) */
  amount: number;
  detail?: string;
}

export interface Membership {
  inTraining: boolean | null;
  inWorkspace: boolean | null;
}

export class ConstraintError extends Error {}

/** Checks the spec once (SMARTS compile, windows name known properties) so a run never fails half-way. */
export function checkConstraintSpec(c: ConstraintSpec): void {
  if (c.similarity !== undefined && !(c.similarity >= 0 && c.similarity <= 1)) throw new ConstraintError(`similarity must be from 0 to 1, not ${c.similarity}`);
  for (const s of c.keep ?? []) {
    try {
      compileSmarts(s);
    } catch (err) {
      // only RDKit refusing the SMARTS is the user's to fix; anything else (RDKit not loaded) is ours
      if (!/^Invalid SMARTS/.test((err as Error).message)) throw err;
      throw new ConstraintError(`'${s}' is not a SMARTS RDKit can read`);
    }
  }
  for (const w of c.windows ?? []) {
    windowKey(w.property);
    if (w.min === undefined && w.max === undefined) throw new ConstraintError(`the window on ${w.property} needs a min or a max`);
    if (w.min !== undefined && w.max !== undefined && w.min > w.max) throw new ConstraintError(`the window on ${w.property} has min > max`);
  }
}

/** Panel key and spread of a window's property. */
function windowKey(property: string): { key: string; scale: number } {
  const name = canonicalObjectiveName(property);
  if (OBJECTIVE_PROPERTIES[name]) {
    const d = objectiveDef(name);
    return { key: d.key, scale: d.scale };
  }
  // any numeric column of the panel (rotatable_bonds, heavy_atoms …), measured in its own units
  if (/^[a-z_0-9]+$/.test(property)) return { key: property, scale: 1 };
  throw new ConstraintError(`unknown property '${property}' in a window`);
}

/** Parses `NAME>=V`, `NAME<=V` or `NAME=LO..HI` (e.g. `mw<=450`, `clogp=1..3`). */
export function parseWindow(spec: string): PropertyWindow {
  const m = /^\s*([A-Za-z_0-9]+)\s*(<=|>=|=)\s*(-?\d+(?:\.\d+)?)(?:\.\.(-?\d+(?:\.\d+)?))?\s*$/.exec(spec);
  if (!m) throw new ConstraintError(`window '${spec}': write NAME>=V, NAME<=V or NAME=LO..HI`);
  const [, property, op, a, b] = m;
  windowKey(property);
  const x = Number(a), y = b === undefined ? undefined : Number(b);
  if (op === '>=' && y === undefined) return { property, min: x };
  if (op === '<=' && y === undefined) return { property, max: x };
  if (op === '=' && y !== undefined) return { property, min: x, max: y };
  throw new ConstraintError(`window '${spec}': write NAME>=V, NAME<=V or NAME=LO..HI`);
}

/**
 * Every constraint the molecule breaks (empty: it meets them all). `facts` null means RDKit refused the decode.
 * `seed` is the seed's canonical SMILES.
 */
export function violations(c: ConstraintSpec, seed: string, facts: MoleculeFacts | null, member: Membership): Violation[] {
  if (!facts) return [{ code: 'invalid', amount: 1 }];
  const out: Violation[] = [];
  if (facts.smiles === seed) out.push({ code: 'same-as-seed', amount: 1 });
  if (c.similarity !== undefined && facts.similarity < c.similarity) out.push({ code: 'similarity', amount: c.similarity - facts.similarity });
  (c.keep ?? []).forEach((s, i) => {
    if (!facts.keeps[i]) out.push({ code: 'substructure', amount: 1, detail: s });
  });
  for (const w of c.windows ?? []) {
    const { key, scale } = windowKey(w.property);
    const v = facts.props[key];
    if (typeof v !== 'number') {
      out.push({ code: 'window', amount: 1, detail: `${w.property} unknown` });
      continue;
    }
    const below = w.min !== undefined && v < w.min ? w.min - v : 0;
    const above = w.max !== undefined && v > w.max ? v - w.max : 0;
    if (below > 0 || above > 0) out.push({ code: 'window', amount: (below + above) / scale, detail: w.property });
  }
  if ((c.noPains ?? true) && typeof facts.props.pains_count === 'number' && facts.props.pains_count > 0) out.push({ code: 'pains', amount: 1, detail: String(facts.props.pains) });
  if ((c.notInTraining ?? true) && member.inTraining === true) out.push({ code: 'in-training', amount: 1 });
  if ((c.notInWorkspace ?? true) && member.inWorkspace === true) out.push({ code: 'in-workspace', amount: 1 });
  return out;
}

/** The constraints as written back in provenance and messages. */
export function describeConstraints(c: ConstraintSpec): Record<string, unknown> {
  return {
    similarity: c.similarity ?? null,
    keep: c.keep ?? [],
    windows: c.windows ?? [],
    noPains: c.noPains ?? true,
    notInTraining: c.notInTraining ?? true,
    notInWorkspace: c.notInWorkspace ?? true,
  };
}
