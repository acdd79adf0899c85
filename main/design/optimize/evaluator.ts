// Decodes latent points and judges them: each decode is made into a Candidate (RDKit chemistry, objective
// values and utilities, the constraints it breaks) and kept in the run's archive, one entry per distinct
// molecule (the first point that made it). Counts the decodes, which are the budget. The chemistry of a
// molecule is worked out once per run: searches decode the same molecule from many nearby points.
import type { DecodeStrategy, ModelService } from '../model-service.ts';
import type { InWorkspace } from '../design-context.ts';
import { violations } from './constraints.ts';
import type { ConstraintSpec, Violation } from './constraints.ts';
import { moleculeFacts } from './molecule-facts.ts';
import type { MoleculeFacts } from './molecule-facts.ts';
import { objectiveValue, utility, weightedScore } from './objectives.ts';
import type { Objective } from './objectives.ts';

export interface Candidate {
  /** canonical SMILES; null when RDKit refused the decode */
  smiles: string | null;
  raw: string;
  z: Float32Array;
  facts: MoleculeFacts | null;
  /** per objective, raw value (null: unknown) */
  values: (number | null)[];
  /** per objective, larger is better */
  utilities: number[];
  /** the weighted sum of utilities */
  score: number;
  violations: Violation[];
  feasible: boolean;
  inTraining: boolean | null;
  inWorkspace: boolean | null;
  /** the iteration (generation, gradient step) that found it */
  iteration: number;
  /** decodes spent when it was found */
  decodes: number;
}

export interface SeedPoint {
  canonical: string;
  z: Float32Array;
  facts: MoleculeFacts;
  values: (number | null)[];
  utilities: number[];
  score: number;
}

export interface EvaluatorOptions {
  objectives: Objective[];
  constraints: ConstraintSpec;
  inWorkspace?: InWorkspace | null;
  strategy?: DecodeStrategy;
  /** random seed of sampled decoding strategies */
  randomSeed?: number;
}

export class Evaluator {
  decodes = 0;
  /** distinct valid molecules → the first candidate that made each */
  readonly archive = new Map<string, Candidate>();
  private readonly facts = new Map<string, MoleculeFacts | null>();
  readonly keep: string[];

  constructor(readonly model: ModelService, readonly seed: SeedPoint, readonly o: EvaluatorOptions) {
    this.keep = o.constraints.keep ?? [];
  }

  /** The seed's chemistry and objective values; null when RDKit cannot read it. */
  /** z: where the search starts (the held point, else the mean); encoding: the encoder's mean (learned objectives). */
  static seedPoint(canonical: string, z: Float32Array, objectives: readonly Objective[], keep: readonly string[], encoding: Float32Array = z): SeedPoint | null {
    const f = moleculeFacts(canonical, null, keep);
    if (!f) return null;
    f.latent = encoding; // the seed's encoding is its own mean, as every molecule's a surrogate learned from
    const values = objectives.map((o) => objectiveValue(o, f.props, f));
    return { canonical, z, facts: f, values, utilities: utilitiesOf(objectives, values), score: weightedScore(objectives, values) };
  }

  /** Decodes `rows` points (flat [rows × latent]) and judges each; adds the decodes to the count. */
  async judge(z: Float32Array, rows: number, iteration: number): Promise<Candidate[]> {
    const L = this.model.latent;
    const decoded = await this.model.decodeCounted(z, rows, { strategy: this.o.strategy ?? 'greedy', seed: (this.o.randomSeed ?? 0) + iteration });
    const valid = decoded.map((d) => d.smiles).filter((s): s is string => s !== null);
    await this.learn(valid);
    const training = this.model.inTraining(valid);
    const workspace = this.o.inWorkspace ? this.o.inWorkspace(valid) : null;
    let k = 0;
    const out: Candidate[] = [];
    for (let r = 0; r < rows; r++) {
      const d = decoded[r];
      this.decodes += d.tries;
      const zr = z.slice(r * L, (r + 1) * L);
      const member = d.smiles === null ? { inTraining: null, inWorkspace: null } : { inTraining: training[k], inWorkspace: workspace ? (workspace[k] ?? null) : null };
      if (d.smiles !== null) k++;
      out.push(this.candidate(d.smiles, d.raw, zr, member, iteration));
    }
    return out;
  }

  /** Works out the facts of molecules not seen yet in this run (and their encodings, when an objective needs them). */
  private async learn(smiles: readonly string[]): Promise<void> {
    const fresh = [...new Set(smiles.filter((s) => !this.facts.has(s)))];
    for (const s of fresh) this.facts.set(s, moleculeFacts(s, this.seed.facts.fingerprint, this.keep));
    if (!this.o.objectives.some((o) => o.custom?.needs === 'latent')) return;
    const readable = fresh.filter((s) => this.facts.get(s));
    if (!readable.length) return;
    const L = this.model.latent;
    const { mu, rows } = await this.model.encode(readable);
    // a decode the vocabulary cannot express again (rare) gets no latent value: its objective value is unknown
    rows.forEach((index, r) => (this.facts.get(readable[index])!.latent = mu.slice(r * L, (r + 1) * L)));
  }

  private candidate(smiles: string | null, raw: string, z: Float32Array, member: { inTraining: boolean | null; inWorkspace: boolean | null }, iteration: number): Candidate {
    const objectives = this.o.objectives;
    const known = smiles !== null ? this.archive.get(smiles) : undefined;
    if (known) return { ...known, z, raw, iteration, decodes: this.decodes };
    const facts: MoleculeFacts | null = smiles !== null ? (this.facts.get(smiles) ?? null) : null;
    const values = objectives.map((o) => (facts ? objectiveValue(o, facts.props, facts) : null));
    const v = violations(this.o.constraints, this.seed.canonical, facts, member);
    const c: Candidate = {
      smiles: facts ? smiles : null, raw, z, facts, values, utilities: utilitiesOf(objectives, values), score: facts ? weightedScore(objectives, values) : -Infinity,
      violations: v, feasible: v.length === 0, inTraining: member.inTraining, inWorkspace: member.inWorkspace, iteration, decodes: this.decodes,
    };
    if (c.smiles !== null) this.archive.set(c.smiles, c);
    return c;
  }

  /** The archive's molecules that meet every constraint, best score first (ties: found first). */
  feasible(): Candidate[] {
    return [...this.archive.values()].filter((c) => c.feasible).sort((a, b) => b.score - a.score || a.decodes - b.decodes);
  }
}

function utilitiesOf(objectives: readonly Objective[], values: readonly (number | null)[]): number[] {
  return objectives.map((o, i) => (values[i] === null ? -Infinity : utility(o, values[i]!)));
}

/**
 * What a search minimizes: feasible molecules by their score (negated); below them the valid molecules that
 * break constraints, by how far off they are; last the decodes RDKit refused. Searches only rank, so the
 * offsets need only keep the three groups apart.
 */
export function searchFitness(c: Candidate): number {
  if (c.smiles === null) return 2e9;
  if (c.feasible) return -c.score;
  return 1e9 + c.violations.reduce((s, v) => s + v.amount, 0);
}
