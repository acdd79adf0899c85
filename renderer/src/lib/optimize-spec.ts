// The Optimize panel's settings written as the core takes them (design.optimize): objectives as
// NAME:max|min|target=V:window=W[:weight=K], property windows as NAME>=V / NAME<=V / NAME=LO..HI, and the
// mistakes a chemist can make named before anything is sent (the core checks again: SMARTS, unknown names).

/** The properties an objective or a window can name: the core's names (main/design/optimize/objectives.ts). */
export const OPTIMIZE_PROPERTIES = [
  { name: 'qed', label: 'QED', key: 'qed', head: true },
  { name: 'sa', label: 'SA score', key: 'sa', head: true },
  { name: 'clogp', label: 'cLogP', key: 'clogp', head: true },
  { name: 'plogp', label: 'penalized logP', key: 'penalized_logp', head: true },
  { name: 'tpsa', label: 'TPSA', key: 'tpsa', head: false },
  { name: 'mw', label: 'MW', key: 'mol_wt', head: false },
  { name: 'hbd', label: 'HBD', key: 'hbd', head: false },
  { name: 'hba', label: 'HBA', key: 'hba', head: false },
] as const;

export type OptimizeProperty = (typeof OPTIMIZE_PROPERTIES)[number]['name'];
/**
 * What an objective can name: a computed property, or one learned from the workspace by a surrogate (the core's
 * workspace-surrogates.ts): `taste` (the star ratings given to candidates) or `user:<column>` (a measured column).
 */
export type ObjectiveName = OptimizeProperty | 'taste' | `user:${string}`;

const byName = new Map<string, (typeof OPTIMIZE_PROPERTIES)[number]>(OPTIMIZE_PROPERTIES.map((p) => [p.name, p]));

/** A learned objective: no RDKit property, a surrogate's prediction. */
export const isLearned = (name: string): boolean => name === 'taste' || name.startsWith('user:');

export const optimizeLabel = (name: string): string => (name === 'taste' ? 'your taste ★' : name.startsWith('user:') ? `${name.slice(5)} (learned)` : (byName.get(name)?.label ?? name));
/** The key of the property panel an objective reads (for values and deltas); a learned objective has none. */
export const optimizeKey = (name: string): string => byName.get(name)?.key ?? name;

/** The objective name a spec starts with: "qed:max" → "qed", "user:IC50:min" → "user:IC50". */
export function specName(spec: string): string {
  const [first, second] = spec.split(':');
  return first === 'user' && second !== undefined ? `user:${second}` : first;
}

/** The goal part of a spec: "qed:max" → "max", "user:IC50:target=7" → "target=7". */
export function specGoal(spec: string): string {
  return spec.split(':')[specName(spec).startsWith('user:') ? 2 : 1] ?? '';
}

export interface ObjectiveChoice {
  property: ObjectiveName;
  goal: 'max' | 'min' | 'target';
  target: number;
  window: number;
  weight: number;
}

export interface WindowChoice {
  property: OptimizeProperty;
  /** null: open on that side */
  min: number | null;
  max: number | null;
}

/** A sensible goal for a property a chemist picks: QED up, SA down, cLogP to 2.5 ± 0.5, MW down … */
export function defaultObjective(property: ObjectiveName): ObjectiveChoice {
  const base = { property, target: 0, window: 0, weight: 1 };
  switch (property) {
    case 'sa':
    case 'mw':
      return { ...base, goal: 'min' };
    case 'clogp':
      return { ...base, goal: 'target', target: 2.5, window: 0.5 };
    case 'tpsa':
      return { ...base, goal: 'target', target: 75, window: 15 };
    default:
      return { ...base, goal: 'max' };
  }
}

const num = (x: number) => String(Number(x.toPrecision(6)));

export function objectiveSpec(o: ObjectiveChoice): string {
  const goal = o.goal === 'target' ? `target=${num(o.target)}${o.window > 0 ? `:window=${num(o.window)}` : ''}` : o.goal;
  return `${o.property}:${goal}${o.weight !== 1 ? `:weight=${num(o.weight)}` : ''}`;
}

export function windowSpec(w: WindowChoice): string | null {
  if (w.min !== null && w.max !== null) return `${w.property}=${num(w.min)}..${num(w.max)}`;
  if (w.min !== null) return `${w.property}>=${num(w.min)}`;
  if (w.max !== null) return `${w.property}<=${num(w.max)}`;
  return null;
}

/** How a chosen objective reads for a person: "QED ↑", "cLogP → 2.5 ± 0.5", "MW ↓ ×2". */
export function objectiveText(o: ObjectiveChoice): string {
  const goal = o.goal === 'max' ? '↑' : o.goal === 'min' ? '↓' : `→ ${num(o.target)}${o.window > 0 ? ` ± ${num(o.window)}` : ''}`;
  return `${optimizeLabel(o.property)} ${goal}${o.weight !== 1 ? ` ×${num(o.weight)}` : ''}`;
}

/** What is wrong with the objectives and windows (empty: nothing), in the words the panel shows. */
export function settingProblems(objectives: readonly ObjectiveChoice[], windows: readonly WindowChoice[], method: 'gradient' | 'cmaes', pareto: boolean): string[] {
  const out: string[] = [];
  if (objectives.length === 0) out.push('Add an objective: what should get better?');
  const seen = new Set<string>();
  for (const o of objectives) {
    const label = optimizeLabel(o.property);
    if (seen.has(o.property)) out.push(`${label} is an objective twice: give it one goal.`);
    seen.add(o.property);
    if (!(o.weight > 0) || !Number.isFinite(o.weight)) out.push(`The weight of ${label} must be a number above 0.`);
    if (o.goal === 'target' && !Number.isFinite(o.target)) out.push(`Give ${label} a target value.`);
    if (o.goal === 'target' && !(o.window >= 0)) out.push(`The window around ${label}'s target must be 0 or more.`);
  }
  if (method === 'gradient') {
    const without = objectives.filter((o) => !byName.get(o.property)?.head).map((o) => optimizeLabel(o.property));
    if (without.length) out.push(`The gradient method climbs the model's property head, which predicts cLogP, QED and SA only: ${without.join(', ')} needs CMA-ES.`);
  }
  if (pareto && (objectives.length < 2 || objectives.length > 3)) out.push('A Pareto front needs two or three objectives.');
  for (const w of windows) {
    const label = optimizeLabel(w.property);
    if (w.min === null && w.max === null) out.push(`The ${label} window needs a lower or an upper bound.`);
    else if ((w.min !== null && !Number.isFinite(w.min)) || (w.max !== null && !Number.isFinite(w.max))) out.push(`The ${label} window's bounds must be numbers.`);
    else if (w.min !== null && w.max !== null && w.min > w.max) out.push(`The ${label} window's lower bound is above its upper bound.`);
  }
  return out;
}
