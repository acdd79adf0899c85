// What an optimization aims at. An objective is a computed property (main/chem's panel, named as chemists type
// it: qed, sa, clogp, tpsa, mw, hbd, hba, plogp) with a goal: maximize, minimize, or hit a target with a window
// and soft edges (a desirability 1 inside the window, falling off as a Gaussian over `soft` outside it, so the
// search still feels which side is better). Several objectives add up as a weighted sum of utilities; in
// Pareto mode the results are the non-dominated set instead.
//
// Utilities: max/min count in units of the property's typical spread over ZINC (`scale`), so one spread of QED
// weighs as much as one of cLogP; target counts its desirability (0..1). With one max/min objective the order
// is the property's own, and the improvement is reported in the property's units.
import type { Properties } from '../../chem/properties.ts';

export interface PropertyObjectiveDef {
  /** the key in main/chem's property panel */
  key: string;
  label: string;
  /** a typical spread (≈ sd over ZINC 250k), the unit of a max/min utility */
  scale: number;
  /**
   * The objective as a combination of the property head's outputs (real units), where the head predicts it:
   * the gradient method climbs it. plogp's ring term has no head and no gradient (it is a step function).
   */
  head?: Record<string, number>;
}

export const OBJECTIVE_PROPERTIES: Record<string, PropertyObjectiveDef> = {
  qed: { key: 'qed', label: 'QED', scale: 0.14, head: { qed: 1 } },
  sa: { key: 'sa', label: 'SA score', scale: 0.83, head: { sa: 1 } },
  clogp: { key: 'clogp', label: 'cLogP', scale: 1.42, head: { clogp: 1 } },
  // penalized logP, JT-VAE's definition: cLogP − SA − max(largest ring − 6, 0) (main/chem's penalized_logp)
  plogp: { key: 'penalized_logp', label: 'penalized logP', scale: 2.0, head: { clogp: 1, sa: -1 } },
  tpsa: { key: 'tpsa', label: 'TPSA', scale: 25 },
  mw: { key: 'mol_wt', label: 'MW', scale: 60 },
  hbd: { key: 'hbd', label: 'HBD', scale: 1 },
  hba: { key: 'hba', label: 'HBA', scale: 2 },
};

const ALIASES: Record<string, string> = { logp: 'clogp', penalized_logp: 'plogp', mol_wt: 'mw', sascore: 'sa' };

export type Goal =
  | { kind: 'max' }
  | { kind: 'min' }
  /** desirability 1 for |v − value| ≤ window, exp(−½((|v − value| − window)/soft)²) outside */
  | { kind: 'target'; value: number; window: number; soft: number };

/**
 * An objective that is not a computed property: a surrogate of a user's column (surrogate-objective.ts). Its
 * value comes from the molecule's fingerprint or its encoding, never from the latent point that decoded it.
 */
export interface CustomObjective {
  label: string;
  scale: number;
  /** 'latent': the evaluator encodes each new molecule and hands its mean over as `latent` */
  needs: 'fingerprint' | 'latent';
  value(m: { fingerprint: Uint32Array; latent?: Float32Array }): number | null;
}

export interface Objective {
  /** canonical name (a key of OBJECTIVE_PROPERTIES, or a custom objective's name) */
  name: string;
  goal: Goal;
  weight: number;
  custom?: CustomObjective;
}

export class ObjectiveError extends Error {}

export function objectiveDef(name: string): PropertyObjectiveDef {
  const def = OBJECTIVE_PROPERTIES[canonicalObjectiveName(name)];
  if (!def) throw new ObjectiveError(`unknown objective '${name}': one of ${Object.keys(OBJECTIVE_PROPERTIES).join(', ')}`);
  return def;
}

export function canonicalObjectiveName(name: string): string {
  const n = name.trim().toLowerCase();
  return ALIASES[n] ?? n;
}

/**
 * Parses `NAME[:max|:min|:target=V][:window=W][:soft=S][:weight=K]`, e.g. `qed`, `sa:min`,
 * `mw:target=350:window=50`. Default goal max, weight 1; a target's window 0 and soft edge one `scale`.
 */
export function parseObjective(spec: string, customs: Record<string, CustomObjective> = {}): Objective {
  const parts = spec.split(':');
  let rawName = parts.shift()!;
  // a collection's measured column, `user:<column>[:goal…]`: the column's name is part of the objective's
  if (rawName.trim() === 'user' && parts.length) rawName = `user:${parts.shift()!.trim()}`;
  const custom = customs[rawName.trim()];
  if (!custom && (rawName.startsWith('user:') || rawName.trim().toLowerCase() === 'taste')) {
    throw new ObjectiveError(`objective '${rawName.trim()}' is learned from the workspace (${rawName.startsWith('user:') ? "a collection's measured column" : 'the star ratings of your candidates'}) and was not fitted here`);
  }
  const name = custom ? rawName.trim() : canonicalObjectiveName(rawName);
  const def = custom ?? objectiveDef(name);
  let goal: Goal = { kind: 'max' };
  let target: number | null = null, window = 0, soft = def.scale, weight = 1;
  const num = (what: string, v: string) => {
    const x = Number(v);
    if (v.trim() === '' || !Number.isFinite(x)) throw new ObjectiveError(`objective '${spec}': ${what} must be a number, not '${v}'`);
    return x;
  };
  for (const part of parts) {
    const [key, value = ''] = part.split('=');
    if (key === 'max' || key === 'min') goal = { kind: key };
    else if (key === 'target') target = num('target', value);
    else if (key === 'window') window = num('window', value);
    else if (key === 'soft') soft = num('soft', value);
    else if (key === 'weight') weight = num('weight', value);
    else throw new ObjectiveError(`objective '${spec}': unknown part '${part}' (max, min, target=V, window=W, soft=S, weight=K)`);
  }
  if (target !== null) goal = { kind: 'target', value: target, window, soft };
  if (window < 0 || !(soft > 0)) throw new ObjectiveError(`objective '${spec}': window must be ≥ 0 and soft > 0`);
  if (!(weight > 0)) throw new ObjectiveError(`objective '${spec}': weight must be > 0`);
  return custom ? { name, goal, weight, custom } : { name, goal, weight };
}

/** How an objective is written back (CSV headers, provenance). */
export function objectiveLabel(o: Objective): string {
  const g = o.goal;
  const goal = g.kind === 'target' ? `target=${g.value}${g.window ? `:window=${g.window}` : ''}` : g.kind;
  return `${o.name}:${goal}${o.weight !== 1 ? `:weight=${o.weight}` : ''}`;
}

/** The objective's raw value from a property panel (custom objectives: from `m`); null when unknown. */
export function objectiveValue(o: Objective, props: Properties, m?: { fingerprint: Uint32Array; latent?: Float32Array }): number | null {
  if (o.custom) {
    const c = m ? o.custom.value(m) : null;
    return c !== null && Number.isFinite(c) ? c : null;
  }
  const v = props[objectiveDef(o.name).key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Target desirability: 1 inside the window, a Gaussian fall-off over `soft` outside. */
export function desirability(value: number, g: Extract<Goal, { kind: 'target' }>): number {
  const over = Math.abs(value - g.value) - g.window;
  return over <= 0 ? 1 : Math.exp(-0.5 * (over / g.soft) ** 2);
}

/** Larger is better: max → v/scale, min → −v/scale, target → desirability. */
export function utility(o: Objective, value: number): number {
  const scale = o.custom?.scale ?? objectiveDef(o.name).scale;
  if (o.goal.kind === 'max') return value / scale;
  if (o.goal.kind === 'min') return -value / scale;
  return desirability(value, o.goal);
}

/** The weighted sum of utilities; −Infinity when a value is missing. */
export function weightedScore(objectives: readonly Objective[], values: readonly (number | null)[]): number {
  let s = 0;
  for (let i = 0; i < objectives.length; i++) {
    const v = values[i];
    if (v === null) return -Infinity;
    s += objectives[i].weight * utility(objectives[i], v);
  }
  return s;
}

/**
 * The improvement of a result over its seed, larger is better: with one max/min objective in the property's
 * own units (min: seed − result), otherwise the weighted score's difference.
 */
export function improvement(objectives: readonly Objective[], seed: readonly (number | null)[], result: readonly (number | null)[]): number | null {
  if (objectives.length === 1 && objectives[0].goal.kind !== 'target') {
    const [a, b] = [seed[0], result[0]];
    if (a === null || b === null) return null;
    return objectives[0].goal.kind === 'max' ? b - a : a - b;
  }
  const d = weightedScore(objectives, result) - weightedScore(objectives, seed);
  return Number.isFinite(d) ? d : null;
}

/** a dominates b: at least as good in every utility and better in one. */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] < b[i]) return false;
    if (a[i] > b[i]) better = true;
  }
  return better;
}

/** The items no other item dominates (their utilities by `of`), in input order. */
export function paretoFront<T>(items: readonly T[], of: (t: T) => readonly number[]): T[] {
  const us = items.map(of);
  return items.filter((_, i) => !us.some((u, j) => j !== i && dominates(u, us[i])));
}

/**
 * Weights on the property head's outputs (normalized units, in the head's `names` order) whose gradient is the
 * gradient of the weighted score; null when an objective has no head (the gradient method cannot climb it).
 * A target pulls toward its value from the side the head predicts (`predicted`: real units by head name).
 */
export function headWeights(
  objectives: readonly Objective[],
  names: readonly string[],
  std: readonly number[],
  predicted: Record<string, number>,
): Float32Array | null {
  const w = new Float32Array(names.length);
  for (const o of objectives) {
    if (o.custom) return null;
    const def = objectiveDef(o.name);
    if (!def.head) return null;
    let sign = o.goal.kind === 'min' ? -1 : 1;
    if (o.goal.kind === 'target') {
      let pred = 0;
      for (const [p, a] of Object.entries(def.head)) pred += a * (predicted[p] ?? 0);
      const off = pred - o.goal.value;
      sign = Math.abs(off) <= o.goal.window ? 0 : off < 0 ? 1 : -1;
    }
    for (const [p, a] of Object.entries(def.head)) {
      const k = names.indexOf(p);
      if (k < 0) return null;
      // d(real)/dz = std · d(normalized)/dz
      w[k] += (sign * o.weight * a * std[k]) / def.scale;
    }
  }
  return w;
}
