// Objectives read from the workspace rather than computed: a collection's measured column (`user:<column>`) and
// the chemist's own taste (`taste`), each a ridge surrogate (surrogate.ts) fitted on what the workspace holds —
// the column's values, or the star ratings given to candidates (1–5; 0 is "not rated"). A taste surrogate
// predicts a higher value for molecules like the ones rated high and a lower one for those like the ones rated
// low, and it is refitted when the ratings change (`refreshTaste`: the optimize job asks before every start, and
// every new job fits anew), so each batch follows the ratings given to the last.
//
// Fits are cached by what they were fitted on (the molecules and values, the features, the model for latent
// features): the Optimize panel asks design.check for the seed's values as the chemist types, and a refit of a
// thousand fingerprints costs seconds. A column with more than MAX_MOLECULES values is fitted on a seeded sample
// of them, and the fit says so.
import { createHash } from 'node:crypto';
import type { Db } from '../../store/db.ts';
import { Lru } from '../lru.ts';
import type { ModelService } from '../model-service.ts';
import { Rng } from '../../../models/graph/rng.ts';
import type { CustomObjective } from './objectives.ts';
import { ObjectiveError } from './objectives.ts';
import { surrogateObjective } from './surrogate-objective.ts';
import type { LabelledMolecule, SurrogateObjective } from './surrogate-objective.ts';
import type { SurrogateFeatures } from './surrogate.ts';

export const TASTE = 'taste';
export const USER_PREFIX = 'user:';
/** values a surrogate is fitted on at most (a seeded sample beyond): the fit's cost grows as n² to n³ */
export const MAX_MOLECULES = 1000;
/** rated candidates the taste surrogate needs (fitSurrogate's five folds of two) */
export const MIN_RATED = 10;

/** What a surrogate objective was fitted on and how well it predicts (what the panel and the CLI show). */
export interface SurrogateFit {
  /** the objective's name: 'taste' or 'user:<column>' */
  name: string;
  label: string;
  features: SurrogateFeatures;
  /** molecules it was fitted on, and how many had a value (more when a sample was taken) */
  molecules: number;
  available: number;
  /** k-fold cross-validated R²; null when there was nothing to fit */
  cvR2: number | null;
  warning: string | null;
  /** why there is no surrogate (too few values, one rating only …); the objective cannot be used */
  problem: string | null;
}

/** The names in objective specs that are workspace surrogates ('taste', 'user:<column>'), once each. */
export function surrogateNames(specs: readonly string[]): string[] {
  const out: string[] = [];
  for (const spec of specs) {
    const name = objectiveNameOf(spec);
    if ((name === TASTE || name.startsWith(USER_PREFIX)) && !out.includes(name)) out.push(name);
  }
  return out;
}

/** The name an objective spec starts with: `user:<column>` keeps its prefix (NAME:goal… otherwise). */
export function objectiveNameOf(spec: string): string {
  const [first, second] = spec.split(':');
  return first.trim() === 'user' && second !== undefined ? `${USER_PREFIX}${second.trim()}` : first.trim().toLowerCase();
}

/** A collection's molecules with a number in a user column (canonical SMILES, in collection order). */
export function columnValues(db: Db, collectionId: number, column: string): LabelledMolecule[] {
  const rows = db
    .prepare(`SELECT canonical_smiles AS s, json_extract(user_props, '$."' || ? || '"') AS v FROM molecules WHERE collection_id = ? ORDER BY position, id`)
    .all(column.replaceAll('"', '""'), collectionId) as { s: string; v: unknown }[];
  return rows.map((r) => ({ smiles: r.s, value: typeof r.v === 'number' ? r.v : typeof r.v === 'string' && r.v.trim() !== '' ? Number(r.v) : NaN })).filter((r) => Number.isFinite(r.value));
}

/** Rated candidates of every candidate list (rating 1–5), one per molecule (a molecule rated in two lists: the mean). */
export function ratedCandidates(db: Db): LabelledMolecule[] {
  const rows = db
    .prepare(
      `SELECT m.canonical_smiles AS s, json_extract(m.user_props, '$.rating') AS r FROM molecules m JOIN collections c ON c.id = m.collection_id
        WHERE c.kind = 'candidates' AND c.importing_job_id IS NULL ORDER BY m.id`,
    )
    .all() as { s: string; r: unknown }[];
  const by = new Map<string, number[]>();
  for (const { s, r } of rows) {
    const v = Number(r);
    if (!Number.isFinite(v) || v <= 0) continue;
    by.set(s, [...(by.get(s) ?? []), v]);
  }
  return [...by].map(([smiles, vs]) => ({ smiles, value: vs.reduce((a, b) => a + b, 0) / vs.length }));
}

/** The numeric user columns of a collection with how many molecules hold a number in each. */
export function numericColumns(db: Db, collectionId: number, userColumns: readonly string[]): { name: string; count: number }[] {
  return userColumns
    .map((c) => ({ name: `${USER_PREFIX}${c}`, count: columnValues(db, collectionId, c).length }))
    .filter((c) => c.count > 0);
}

interface Fitted {
  objective: SurrogateObjective;
  fit: SurrogateFit;
}

// fits by what they were fitted on; a few dozen are plenty (one per column and features, one per ratings state)
const cache = new Lru<string, Fitted>(32);

function signature(parts: readonly unknown[], data: readonly LabelledMolecule[]): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(parts));
  for (const d of data) h.update(`${d.smiles}\t${d.value}\n`);
  return h.digest('hex');
}

export interface WorkspaceSurrogateOptions {
  /** the collection whose columns `user:<column>` names */
  collectionId?: number;
  features: SurrogateFeatures;
  seed: number;
  /** the model, for latent features (loaded only when they are asked for) */
  model?: () => Promise<ModelService>;
}

/**
 * The workspace's surrogate objectives for a set of objective specs: `customs` for parseObjective, the fits to
 * show. A name that cannot be fitted is an ObjectiveError naming what is missing.
 */
export class WorkspaceSurrogates {
  readonly customs: Record<string, CustomObjective> = {};
  readonly fits = new Map<string, SurrogateFit>();
  readonly #current = new Map<string, SurrogateObjective>();

  constructor(
    private readonly db: Db,
    private readonly o: WorkspaceSurrogateOptions,
  ) {}

  /** Fits every surrogate the specs name; returns the fits in the specs' order. Throws ObjectiveError on the first that cannot be used. */
  async resolve(specs: readonly string[]): Promise<SurrogateFit[]> {
    for (const name of surrogateNames(specs)) {
      const fit = await this.#fit(name);
      if (fit.problem) throw new ObjectiveError(fit.problem);
    }
    return [...this.fits.values()];
  }

  /** Like resolve, but a name that cannot be fitted is reported in its fit instead of thrown. */
  async preview(names: readonly string[]): Promise<SurrogateFit[]> {
    const out: SurrogateFit[] = [];
    for (const name of names) out.push(await this.#fit(name));
    return out;
  }

  /** Refits the taste surrogate when the ratings changed since it was fitted; the new fit, or null when unchanged or not used. */
  async refreshTaste(): Promise<SurrogateFit | null> {
    if (!this.#current.has(TASTE)) return null;
    const before = this.fits.get(TASTE);
    const after = await this.#fit(TASTE);
    // ratings that no longer fit (e.g. all set back to 0): keep following the last fit rather than fail mid-job
    if (after.problem) {
      if (before) this.fits.set(TASTE, before);
      return null;
    }
    return after === before ? null : after;
  }

  async #fit(name: string): Promise<SurrogateFit> {
    const { features, seed } = this.o;
    const isTaste = name === TASTE;
    const column = isTaste ? null : name.slice(USER_PREFIX.length);
    const label = isTaste ? 'your taste (star ratings)' : column!;
    let data: LabelledMolecule[];
    if (isTaste) data = ratedCandidates(this.db);
    else if (this.o.collectionId === undefined) return this.#problem(name, label, 0, `the objective ${name} needs a collection whose column "${column}" it learns from`);
    else data = columnValues(this.db, this.o.collectionId, column!);
    const available = data.length;
    if (isTaste && available < MIN_RATED) return this.#problem(name, label, available, `your taste needs at least ${MIN_RATED} rated candidates (stars 1–5 in a candidate list); ${available} ${available === 1 ? 'is' : 'are'} rated so far`);
    if (isTaste && new Set(data.map((d) => d.value)).size < 2) return this.#problem(name, label, available, 'your taste needs candidates rated differently (all rated candidates have the same stars): rate some higher and some lower');
    if (!isTaste && available < 10) return this.#problem(name, label, available, `the column "${column}" has ${available} molecule${available === 1 ? '' : 's'} with a number; a surrogate needs at least 10`);
    if (data.length > MAX_MOLECULES) data = new Rng(seed).shuffle([...data]).slice(0, MAX_MOLECULES);
    const model = features === 'latent' ? await this.o.model?.() : undefined;
    if (features === 'latent' && !model) return this.#problem(name, label, available, 'latent features need the model');
    const key = signature([name, features, seed, model?.manifestSha256 ?? null], data);
    let fitted = cache.get(key);
    if (!fitted) {
      let objective: SurrogateObjective;
      try {
        objective = await surrogateObjective(model as ModelService, label, data, features, seed);
      } catch (err) {
        return this.#problem(name, label, available, `the surrogate of ${label} could not be fitted: ${(err as Error).message}`);
      }
      const s = objective.surrogate;
      fitted = { objective, fit: { name, label, features, molecules: s.molecules, available, cvR2: s.cvR2, warning: s.warning, problem: null } };
      cache.set(key, fitted);
    }
    this.#current.set(name, fitted.objective);
    this.fits.set(name, fitted.fit);
    if (!this.customs[name]) {
      const current = this.#current;
      const first = fitted.objective.custom;
      // the objective follows the latest fit (refreshTaste swaps it between starts)
      this.customs[name] = { label: first.label, scale: first.scale, needs: first.needs, value: (m) => current.get(name)!.custom.value(m) };
    }
    return fitted.fit;
  }

  #problem(name: string, label: string, available: number, problem: string): SurrogateFit {
    const fit: SurrogateFit = { name, label, features: this.o.features, molecules: 0, available, cvR2: null, warning: null, problem };
    this.fits.set(name, fit);
    return fit;
  }
}
