// One optimization from one start molecule: the seed encoded (RDKit canonical SMILES → mean of q(z|x)), its
// own chemistry and objective values, then the chosen search spending the budget of decodes, then the results:
// the distinct molecules that met every constraint, best first (Pareto mode: the non-dominated ones among
// them). The random seed of a start is the run's random seed plus its index, so a run over several molecules
// gives each the same result as a run over it alone with that seed.
import type { HoldMethod, Inverter } from '../inversion.ts';
import { Rng } from '../../../models/graph/rng.ts';
import { canonicalSmiles } from '../canonical.ts';
import type { InWorkspace } from '../design-context.ts';
import type { DecodeStrategy, ModelService } from '../model-service.ts';
import { problemReason } from '../molecule-input.ts';
import { checkConstraintSpec, describeConstraints } from './constraints.ts';
import type { ConstraintSpec } from './constraints.ts';
import { Evaluator } from './evaluator.ts';
import type { Candidate, SeedPoint } from './evaluator.ts';
import { improvement, objectiveDef, objectiveLabel, paretoFront } from './objectives.ts';
import type { Objective } from './objectives.ts';
import { cmaesSearch } from './search-cmaes.ts';
import type { CmaesSettings } from './search-cmaes.ts';
import { noControl } from './search-control.ts';
import type { SearchControl } from './search-control.ts';
import { gradientSearch } from './search-gradient.ts';
import type { GradientSettings } from './search-gradient.ts';

export const OPTIMIZE_METHODS = ['gradient', 'cmaes'] as const;
export type OptimizeMethod = (typeof OPTIMIZE_METHODS)[number];

export interface OptimizeSettings {
  objectives: Objective[];
  constraints: ConstraintSpec;
  method: OptimizeMethod;
  /** decodes per start molecule */
  budget: number;
  randomSeed: number;
  /** results: the non-dominated feasible molecules instead of the best by weighted score */
  pareto?: boolean;
  /** how latent points are decoded; default greedy (one decode a point) */
  strategy?: DecodeStrategy;
  cmaes?: CmaesSettings;
  gradient?: GradientSettings;
}

export interface OptimizeEnv {
  model: ModelService;
  inWorkspace?: InWorkspace | null;
  control?: SearchControl;
  /**
   * Holds each start exactly (inversion.ts): the search starts at a z that decodes to the start molecule rather than
   * at its encoder mean, which may decode to another molecule. Left out: the mean (what the benchmark measures).
   */
  inverter?: Inverter;
}

export interface OptimizeResult {
  /** the start as given */
  input: string;
  /** why nothing was searched (RDKit or the model cannot read the start); null otherwise */
  problem: string | null;
  seed: SeedPoint | null;
  /** how the start was held (with an inverter): exactly, and how; or not, and the nearest molecule that is */
  hold: StartHold | null;
  /** feasible molecules, best first (Pareto mode: the front, best weighted score first) */
  results: Candidate[];
  /** improvement of each result over the seed (objectives.ts improvement), same order */
  improvements: (number | null)[];
  decodes: number;
  /** distinct valid molecules decoded */
  distinct: number;
  seconds: number;
  randomSeed: number;
}

export interface StartHold {
  held: boolean;
  method: HoldMethod | null;
  nearest: string | null;
  similarity: number | null;
}

/** The start_held column: how the search's start point gives the start molecule back, or what it gives instead. */
export function describeHold(h: StartHold | null): string | null {
  if (!h) return null;
  if (h.held) return `held exactly (${h.method})`;
  return h.nearest ? `not held; nearest held: ${h.nearest} (Tanimoto ${h.similarity?.toFixed(2)})` : 'not held';
}

export class OptimizeSettingsError extends Error {}

/** gradient when the property head predicts every objective (it is the faster, and on plogp the better), else cmaes */
export function defaultMethod(objectives: readonly Objective[]): OptimizeMethod {
  return objectives.every((o) => !o.custom && objectiveDef(o.name).head) ? 'gradient' : 'cmaes';
}

export function checkSettings(s: OptimizeSettings): void {
  if (s.objectives.length === 0) throw new OptimizeSettingsError('name at least one objective');
  if (s.pareto && (s.objectives.length < 2 || s.objectives.length > 3)) throw new OptimizeSettingsError('Pareto mode takes two or three objectives');
  if (!Number.isInteger(s.budget) || s.budget < 1) throw new OptimizeSettingsError(`the budget must be a whole number of decodes ≥ 1, not ${s.budget}`);
  if (!OPTIMIZE_METHODS.includes(s.method)) throw new OptimizeSettingsError(`unknown method '${s.method}': ${OPTIMIZE_METHODS.join(' or ')}`);
  checkConstraintSpec(s.constraints);
}

/** The parameters recorded in every result's provenance: enough to run it again. */
export function optimizeParams(s: OptimizeSettings): Record<string, unknown> {
  return {
    method: s.method, budget: s.budget, objectives: s.objectives.map(objectiveLabel), constraints: describeConstraints(s.constraints),
    pareto: s.pareto ?? false, strategy: s.strategy ?? 'greedy', ...(s.method === 'cmaes' ? { cmaes: s.cmaes ?? {} } : { gradient: s.gradient ?? {} }),
  };
}

export async function optimizeOne(env: OptimizeEnv, input: string, s: OptimizeSettings, index = 0): Promise<OptimizeResult> {
  checkSettings(s);
  const t0 = performance.now();
  const randomSeed = s.randomSeed + index;
  const none = (problem: string): OptimizeResult => ({ input, problem, seed: null, hold: null, results: [], improvements: [], decodes: 0, distinct: 0, seconds: (performance.now() - t0) / 1000, randomSeed });
  const canonical = canonicalSmiles(input.trim());
  if (canonical === null) return none('not a molecule RDKit can read');
  const m = env.model;
  const { mu, logvar, problems } = await m.encode([canonical]);
  if (problems.length) return none(`the model ${m.name} cannot encode it: ${problemReason(problems[0].message)}`);
  const keep = s.constraints.keep ?? [];
  const mean = mu.slice(0, m.latent);
  let start: Float32Array = mean, hold: StartHold | null = null;
  if (env.inverter) {
    const h = await env.inverter.invert(canonical, mean, logvar.slice(0, m.latent));
    start = h.z;
    hold = { held: h.held, method: h.method, nearest: h.nearest, similarity: h.similarity };
  }
  const seed = Evaluator.seedPoint(canonical, start, s.objectives, keep, mean);
  if (!seed) return none('not a molecule RDKit can read');
  const missing = keep.filter((_, i) => !seed.facts.keeps[i]);
  if (missing.length) return none(`it does not contain the locked substructure ${missing.join(', ')}`);
  const ev = new Evaluator(m, seed, { objectives: s.objectives, constraints: s.constraints, inWorkspace: env.inWorkspace, strategy: s.strategy, randomSeed });
  const rng = new Rng(randomSeed);
  const control = env.control ?? noControl;
  if (s.method === 'cmaes') await cmaesSearch(ev, s.budget, s.cmaes ?? {}, rng, control);
  else await gradientSearch(ev, s.budget, s.gradient ?? {}, rng, control);
  let results = ev.feasible();
  if (s.pareto) results = paretoFront(results, (c) => c.utilities);
  return {
    input, problem: null, seed, hold, results, improvements: results.map((c) => improvement(s.objectives, seed.values, c.values)),
    decodes: ev.decodes, distinct: ev.archive.size, seconds: (performance.now() - t0) / 1000, randomSeed,
  };
}

/** Optimizes from each start in turn (start i with random seed randomSeed + i). */
export async function optimizeMany(env: OptimizeEnv, inputs: readonly string[], s: OptimizeSettings, each?: (r: OptimizeResult, i: number) => void): Promise<OptimizeResult[]> {
  const out: OptimizeResult[] = [];
  for (let i = 0; i < inputs.length; i++) {
    if (env.control?.stopped()) break;
    const r = await optimizeOne(env, inputs[i], s, i);
    each?.(r, i);
    out.push(r);
  }
  return out;
}
