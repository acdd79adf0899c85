// Optimizing toward property goals (issue 14): the panel's settings (where to start, objectives, constraints,
// method and budget) with live feedback from the core (the seed's own values, whether it matches the SMARTS,
// how many of its neighbours pass every constraint), and the optimize job followed to its generated collection
// (progress, the best so far over the decodes and the Pareto front from 'optimize.progress', then the results
// seed → result with the changed atoms drawn).
import type { ApiClient } from '../../../main/api/client.ts';
import type { CallArgs, CallResult, CheckedMolecule, DesignedMolecule, Job, MoleculeRow, OptimizeProgress, Provenance, SurrogateFit } from '../../../main/api/contract.ts';
import { FollowedJob, type Finished, type Progress } from './followed-job.svelte.ts';
import type { ImportRun } from './import-job.svelte.ts';
import { defaultObjective, isLearned, objectiveSpec, settingProblems, windowSpec, type ObjectiveChoice, type ObjectiveName, type OptimizeProperty, type WindowChoice } from '../lib/optimize-spec.ts';

export type StartFrom = 'seed' | 'selection' | 'collection';
type Constraints = NonNullable<CallArgs<'design.optimize'>['constraints']>;

/** Neighbours sampled around the seed for the live count (greedy, seeded: the same seed gives the same ones). */
export const NEIGHBOURS = { n: 60, radius: 0.3 };

export interface NeighbourTally {
  /** distinct valid neighbours judged */
  judged: number;
  pass: number;
  /** how many fail each kind of constraint (a molecule may fail several) */
  fails: { similarity: number; substructure: number; window: number; pains: number; novelty: number };
}

export class OptimizeSetup {
  from = $state<StartFrom>('seed');
  seed = $state('');
  objectives = $state<ObjectiveChoice[]>([defaultObjective('qed')]);
  pareto = $state(false);
  useSimilarity = $state(true);
  similarity = $state(0.4);
  keep = $state('');
  windows = $state<WindowChoice[]>([]);
  noPains = $state(true);
  notInTraining = $state(true);
  notInWorkspace = $state(true);
  method = $state<'gradient' | 'cmaes'>('gradient');
  budget = $state(300);
  randomSeed = $state(0);
  keepPerStart = $state(5);
  name = $state('');

  /** the core's judgement of the seed (its objective values, SMARTS matches) under the current settings */
  seedCheck = $state.raw<CheckedMolecule | null>(null);
  /** what the core says is wrong (a SMARTS RDKit cannot read, a seed it cannot read …) */
  checkError = $state<string | null>(null);
  checking = $state(false);
  neighbours = $state.raw<DesignedMolecule[] | null>(null);
  neighbourChecks = $state.raw<CheckedMolecule[] | null>(null);
  neighboursError = $state<string | null>(null);

  /** what the collection offers beyond computed properties: its measured columns, and how many candidates are rated */
  offered = $state.raw<Omit<CallResult<'design.surrogates'>, 'fits'> | null>(null);
  /** the fits of the learned objectives chosen (cross-validated R², or why one cannot be used) */
  fits = $state.raw<SurrogateFit[]>([]);
  fitting = $state(false);
  learnedNames = $derived(this.objectives.map((o) => o.property).filter(isLearned));

  problems = $derived([
    ...settingProblems(this.objectives, this.windows, this.method, this.pareto),
    ...this.fits.flatMap((f) => (f.problem && this.learnedNames.includes(f.name as ObjectiveName) ? [`${f.problem[0].toUpperCase()}${f.problem.slice(1)}.`] : [])),
    ...(this.fitting && this.learnedNames.some((n) => !this.fits.some((f) => f.name === n)) ? ['Fitting the learned objectives…'] : []),
  ]);
  specs = $derived(this.objectives.map(objectiveSpec));
  constraints = $derived.by((): Constraints => {
    const keep = this.keep.trim();
    const windows = this.windows.map(windowSpec).filter((w): w is string => w !== null);
    return {
      ...(this.useSimilarity ? { similarity: this.similarity } : {}),
      ...(keep ? { keep: [keep] } : {}),
      ...(windows.length ? { windows } : {}),
      noPains: this.noPains,
      notInTraining: this.notInTraining,
      notInWorkspace: this.notInWorkspace,
    };
  });
  tally = $derived(tallyNeighbours(this.neighbours, this.neighbourChecks, this.notInTraining, this.notInWorkspace));

  readonly #client: ApiClient;
  /** the collection the panel designs on: its measured columns are the `user:<column>` objectives */
  readonly collectionId: number | undefined;
  #checkRequest = 0;
  #fitRequest = 0;
  #neighboursFor = '';

  constructor(client: ApiClient, collectionId?: number) {
    this.#client = client;
    this.collectionId = collectionId;
  }

  addObjective(property: ObjectiveName) {
    this.objectives = [...this.objectives, defaultObjective(property)];
    if (this.objectives.length > 3) this.pareto = false;
    // a learned objective has no gradient in the model's property head: CMA-ES scores real decodes
    if (isLearned(property)) this.method = 'cmaes';
  }

  /**
   * What the collection offers to learn from, and the fits of the learned objectives chosen (the core caches a
   * fit by its data: asking again after each change is cheap). A later call wins over an earlier one.
   */
  async loadLearned(): Promise<void> {
    const request = ++this.#fitRequest;
    const fit = [...this.learnedNames];
    this.fitting = fit.length > 0;
    try {
      const r = await this.#client.call('design.surrogates', { ...(this.collectionId !== undefined ? { collectionId: this.collectionId } : {}), fit });
      if (request !== this.#fitRequest) return;
      this.offered = { columns: r.columns, rated: r.rated };
      this.fits = r.fits;
    } catch (error) {
      if (request !== this.#fitRequest) return;
      this.fits = fit.map((name) => ({ name, label: name, features: 'fingerprint', molecules: 0, available: 0, cvR2: null, warning: null, problem: `could not fit ${name}: ${(error as Error).message}` }));
    } finally {
      if (request === this.#fitRequest) this.fitting = false;
    }
  }

  removeObjective(index: number) {
    this.objectives = this.objectives.filter((_, i) => i !== index);
    if (this.objectives.length < 2) this.pareto = false;
  }

  /** Changes one objective; picking another property gives it that property's usual goal. */
  setObjective(index: number, patch: Partial<ObjectiveChoice>) {
    this.objectives = this.objectives.map((o, i) => (i !== index ? o : patch.property && patch.property !== o.property ? { ...defaultObjective(patch.property), weight: o.weight } : { ...o, ...patch }));
    if (patch.property && isLearned(patch.property)) this.method = 'cmaes';
  }

  addWindow(property: OptimizeProperty = 'mw') {
    this.windows = [...this.windows, { property, min: null, max: property === 'mw' ? 500 : null }];
  }

  setWindow(index: number, patch: Partial<WindowChoice>) {
    this.windows = this.windows.map((w, i) => (i === index ? { ...w, ...patch } : w));
  }

  removeWindow(index: number) {
    this.windows = this.windows.filter((_, i) => i !== index);
  }

  /**
   * Live feedback for the current seed and settings: the seed judged (values, SMARTS), its neighbours sampled
   * once per seed, then judged under the constraints. A later call wins over an earlier one still running.
   */
  async refresh(): Promise<void> {
    const seed = this.seed.trim();
    const request = ++this.#checkRequest;
    if (!seed || this.problems.some((p) => !p.startsWith('The gradient method') && !p.startsWith('Fitting'))) {
      this.checking = false;
      if (!seed) {
        this.seedCheck = this.neighbours = this.neighbourChecks = null;
        this.checkError = this.neighboursError = null;
        this.#neighboursFor = '';
      }
      return;
    }
    this.checking = true;
    const learnedFrom = this.collectionId !== undefined ? { surrogateCollectionId: this.collectionId } : {};
    const check = (smiles: string[]) => this.#client.call('design.check', { seed, smiles, objectives: this.specs, constraints: this.constraints, ...learnedFrom });
    try {
      if (this.#neighboursFor !== seed) {
        this.neighbours = null;
        this.neighbourChecks = null;
        this.neighboursError = null;
        // the seed and the settings first (no error while a SMILES or SMARTS is half typed), then its neighbours
        const first = await check([]);
        if (request !== this.#checkRequest) return;
        this.seedCheck = first.seed;
        this.checkError = first.problem;
        if (!first.seed) return;
        try {
          const found = await this.#client.call('latent.neighbours', { seed, ...NEIGHBOURS, randomSeed: 0 });
          if (request !== this.#checkRequest) return;
          this.neighbours = found.molecules;
        } catch (error) {
          if (request !== this.#checkRequest) return;
          // RDKit reads what the model may not: the seed is judged all the same
          this.neighboursError = (error as Error).message;
        }
        this.#neighboursFor = seed;
        if (!this.neighbours) return;
      }
      const smiles = (this.neighbours ?? []).map((m) => m.smiles).filter((s): s is string => s !== null);
      const judged = await check(smiles);
      if (request !== this.#checkRequest) return;
      this.seedCheck = judged.seed;
      this.neighbourChecks = this.neighbours && judged.seed ? judged.molecules : null;
      this.checkError = judged.problem;
    } catch (error) {
      if (request !== this.#checkRequest) return;
      this.checkError = (error as Error).message;
      this.seedCheck = null;
      this.neighbourChecks = null;
    } finally {
      if (request === this.#checkRequest) this.checking = false;
    }
  }

  /** The request for design.optimize, or the reason there is none yet. */
  request(start: { starts: string[] } | { collectionId: number }): { ok: true; request: CallArgs<'design.optimize'> } | { ok: false; reason: string } {
    if (this.problems.length) return { ok: false, reason: this.problems[0] };
    if ('starts' in start && start.starts.length === 0) return { ok: false, reason: this.from === 'seed' ? 'Give a seed: a SMILES, or click a point on the map.' : 'Box some molecules on the map first (shift-drag).' };
    const budget = Math.round(this.budget);
    if (!(budget >= 1 && budget <= 1_000_000)) return { ok: false, reason: 'The budget is a number of decodes per start, from 1 to 1,000,000.' };
    const keepPerStart = Math.round(this.keepPerStart);
    if (!(keepPerStart >= 1 && keepPerStart <= 1000)) return { ok: false, reason: 'Keep from 1 to 1,000 results per start.' };
    const randomSeed = Math.round(this.randomSeed);
    if (!(randomSeed >= 0)) return { ok: false, reason: 'The random seed is a whole number, 0 or more.' };
    const name = this.name.trim();
    return {
      ok: true,
      request: {
        ...start, objectives: this.specs, constraints: this.constraints, method: this.method, budget, randomSeed, pareto: this.pareto, keepPerStart, ...(name ? { name } : {}),
        ...(this.collectionId !== undefined && this.learnedNames.length ? { surrogateCollectionId: this.collectionId } : {}),
      },
    };
  }
}

/** How many neighbours pass every constraint, and what the others fail (novelty from the neighbours' answer). */
export function tallyNeighbours(neighbours: DesignedMolecule[] | null, checks: CheckedMolecule[] | null, notInTraining: boolean, notInWorkspace: boolean): NeighbourTally | null {
  if (!neighbours || !checks) return null;
  const valid = neighbours.filter((m) => m.smiles !== null);
  const fails = { similarity: 0, substructure: 0, window: 0, pains: 0, novelty: 0 };
  let pass = 0;
  valid.forEach((m, i) => {
    const list = (checks[i]?.violations ?? [{ code: 'invalid' }]).map((v) => v.code);
    const codes = { has: (c: string) => list.includes(c), size: list.length };
    const novel = !((notInTraining && m.inTraining === true) || (notInWorkspace && m.inWorkspace === true));
    if (codes.has('similarity')) fails.similarity++;
    if (codes.has('substructure')) fails.substructure++;
    if (codes.has('window')) fails.window++;
    if (codes.has('pains')) fails.pains++;
    if (!novel) fails.novelty++;
    if (codes.size === 0 && novel) pass++;
  });
  return { judged: valid.length, pass, fails };
}

export interface TracePoint {
  decodes: number;
  score: number;
  values: (number | null)[];
}

/** One result of the generated collection beside its start: both judged and drawn by the core. */
export interface ResultPair {
  row: MoleculeRow;
  seed: CheckedMolecule;
  result: CheckedMolecule;
}

export const RESULT_DRAW = { width: 200, height: 150 };
const RESULTS_SHOWN = 12;

// One settings object and one followed job per collection for the page's life: the Design view is made anew
// each time a collection is opened, and a run started there goes on while the chemist looks elsewhere; coming
// back shows it where it is (its events were followed all along). Not kept over a reload.
const kept = new WeakMap<ApiClient, { setups: Map<number, OptimizeSetup>; jobs: Map<number, OptimizeJobState> }>();
function keptFor(client: ApiClient) {
  let k = kept.get(client);
  if (!k) kept.set(client, (k = { setups: new Map(), jobs: new Map() }));
  return k;
}

/** The Optimize settings of a collection, the same each time its Design view opens. */
export function optimizeSetupFor(client: ApiClient, collectionId: number): OptimizeSetup {
  const k = keptFor(client);
  let s = k.setups.get(collectionId);
  if (!s) k.setups.set(collectionId, (s = outlive(() => new OptimizeSetup(client, collectionId))));
  return s;
}

/** The optimize job of a collection's Design view, followed from its first use for the page's life. */
export function optimizeJobFor(client: ApiClient, collectionId: number): OptimizeJobState {
  const k = keptFor(client);
  let j = k.jobs.get(collectionId);
  if (!j) {
    k.jobs.set(collectionId, (j = outlive(() => new OptimizeJobState(client, collectionId))));
    j.watch();
  }
  return j;
}

/**
 * Makes state that outlives the component that first asks for it: a $derived made while a component starts
 * belongs to it and stops following its inputs once the component is gone; made in a root of its own (never
 * torn down: these live for the page), it goes on.
 */
function outlive<T>(make: () => T): T {
  let made: T | undefined;
  $effect.root(() => {
    made = make();
  });
  return made!;
}

/** What is kept of a collection's last optimize run over a reload (localStorage, by collection id). */
interface KeptRun {
  jobId: number;
  title: string;
  objectives: string[];
  constraints: Constraints;
  surrogateCollectionId?: number;
  resultCollection: number | null;
}

const STORE_KEY = 'molscape.optimize-runs';

function keptRuns(): Record<string, KeptRun> {
  try {
    return JSON.parse(globalThis.localStorage?.getItem(STORE_KEY) ?? '{}') as Record<string, KeptRun>;
  } catch {
    return {};
  }
}

function keepRun(collectionId: number, run: KeptRun | null): void {
  try {
    const all = keptRuns();
    if (run) all[collectionId] = run;
    else delete all[collectionId];
    // the last 50 collections are plenty
    globalThis.localStorage?.setItem(STORE_KEY, JSON.stringify(Object.fromEntries(Object.entries(all).slice(-50))));
  } catch {
    // no storage (a private window): a reload forgets the run, the session does not
  }
}

/** The optimize job: progress (decodes of the budget, rate, best so far), the live trace and front, the results. */
export class OptimizeJobState extends FollowedJob {
  /** the best so far after each report, for the plot */
  trace = $state.raw<TracePoint[]>([]);
  latest = $state.raw<OptimizeProgress | null>(null);
  /** the objectives and constraints the run was started with */
  objectives = $state.raw<string[]>([]);
  constraints = $state.raw<Constraints>({});
  /** the collection the run's `user:<column>` objectives learn from */
  surrogateCollectionId: number | undefined = undefined;
  /** the generated collection, once known */
  resultCollection = $state<number | null>(null);
  results = $state.raw<ResultPair[]>([]);
  resultsTotal = $state(0);
  resultsError = $state<string | null>(null);
  loadingResults = $state(false);

  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping only, never rendered
  readonly #early = new Map<number, OptimizeProgress[]>();
  #recalled = false;

  constructor(client: ApiClient, collectionId: number) {
    super(client, collectionId, 'optimize');
  }

  watch(): () => void {
    const off = super.watch();
    const offLive = this.client.on('optimize.progress', (p) => this.#live(p));
    return () => {
      off();
      offLive();
    };
  }

  async start(request: CallArgs<'design.optimize'>, title: string): Promise<void> {
    if (this.busy) return;
    this.trace = [];
    this.latest = null;
    this.results = [];
    this.resultsTotal = 0;
    this.resultsError = null;
    this.resultCollection = null;
    this.objectives = request.objectives;
    this.constraints = request.constraints ?? {};
    this.surrogateCollectionId = request.surrogateCollectionId;
    this.#early.clear();
    await this.startJob(title, () => this.client.call('design.optimize', request), 'Could not start the optimization');
    const jobId = this.run?.jobId;
    if (jobId != null) keepRun(this.collectionId, { jobId, title, objectives: this.objectives, constraints: this.constraints, surrogateCollectionId: this.surrogateCollectionId, resultCollection: null });
    if (jobId != null) for (const p of this.#early.get(jobId) ?? []) this.#live(p);
    this.#early.clear();
  }

  /**
   * After a reload: follows this collection's last run again (running: from now on, the plot starting at the
   * next report; ended: its results). Once per page; a run the core no longer knows is forgotten.
   */
  async recall(): Promise<void> {
    if (this.#recalled || this.run) return;
    this.#recalled = true;
    const kept = keptRuns()[this.collectionId];
    if (!kept) return;
    let job: Job;
    try {
      job = await this.client.call('jobs.get', { id: kept.jobId });
    } catch {
      keepRun(this.collectionId, null);
      return;
    }
    if (this.run) return;
    this.objectives = kept.objectives;
    this.constraints = kept.constraints;
    this.surrogateCollectionId = kept.surrogateCollectionId;
    this.followRunning(job.id, kept.title);
    this.set({ done: job.done, total: job.total });
    if (job.status === 'running' || job.status === 'queued') return;
    this.set({ phase: job.status, error: job.status === 'failed' ? this.failureText(job.error ?? 'unknown error') : null, finishedAt: Date.parse(job.finishedAt ?? '') || Date.now() });
    this.resultCollection = (job.result as { collectionId?: number } | null)?.collectionId ?? kept.resultCollection;
    if (job.status !== 'failed' && this.resultCollection !== null) await this.loadResults();
  }

  protected progressPatch(p: Progress): Partial<ImportRun> {
    // the job's line (start i of n; best score: SMILES) is what the plot's caption says, better: not twice
    return { ...super.progressPatch(p), message: null };
  }

  protected failureText(error: string): string {
    return `The optimization failed: ${error}`;
  }

  protected ended(f: Finished): void {
    const result = f.result as { collectionId?: number } | null;
    // a cancelled job answers nothing: its collection is the one its reports named
    this.resultCollection = result?.collectionId ?? this.latest?.collectionId ?? null;
    if (f.status !== 'failed' && this.resultCollection !== null) void this.loadResults();
  }

  /** The generated collection's best results (by improvement), each judged against its start and drawn. */
  async loadResults(): Promise<void> {
    const id = this.resultCollection;
    if (id === null) return;
    this.loadingResults = true;
    this.resultsError = null;
    try {
      const page = await this.client.call('collections.molecules', { collectionId: id, offset: 0, limit: RESULTS_SHOWN, sort: { key: 'user:improvement', descending: true } });
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local grouping, never rendered
      const bySeed = new Map<string, MoleculeRow[]>();
      for (const row of page.rows) {
        const seed = typeof row.userProps.seed === 'string' ? row.userProps.seed : String(row.userProps.input ?? '');
        bySeed.set(seed, [...(bySeed.get(seed) ?? []), row]);
      }
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup, never rendered
      const judged = new Map<MoleculeRow, { seed: CheckedMolecule; result: CheckedMolecule }>();
      for (const [seed, rows] of bySeed) {
        if (!seed) continue;
        const learnedFrom = this.surrogateCollectionId !== undefined ? { surrogateCollectionId: this.surrogateCollectionId } : {};
        const r = await this.client.call('design.check', { seed, smiles: rows.map((x) => x.canonicalSmiles), objectives: this.objectives, constraints: this.constraints, draw: RESULT_DRAW, ...learnedFrom });
        if (!r.seed) throw new Error(r.problem ?? `the start ${seed} cannot be read`);
        const start = r.seed;
        rows.forEach((row, i) => judged.set(row, { seed: start, result: r.molecules[i] }));
      }
      this.results = page.rows.filter((row) => judged.has(row)).map((row) => ({ row, ...judged.get(row)! }));
      this.resultsTotal = page.total;
    } catch (error) {
      this.resultsError = `Could not read the results: ${(error as Error).message}`;
    } finally {
      this.loadingResults = false;
    }
  }

  #live(p: OptimizeProgress) {
    if (this.run?.jobId == null) {
      if (this.busy) this.#early.set(p.jobId, [...(this.#early.get(p.jobId) ?? []), p]);
      return;
    }
    if (p.jobId !== this.run.jobId) return;
    // the collection, for a reload after a cancel (whose job answers nothing)
    if (this.latest?.collectionId !== p.collectionId) {
      const kept = keptRuns()[this.collectionId];
      if (kept?.jobId === p.jobId) keepRun(this.collectionId, { ...kept, resultCollection: p.collectionId });
    }
    this.latest = p;
    if (p.best) this.trace = [...this.trace, { decodes: p.decodes, score: p.best.score, values: p.best.values }];
  }
}

/** A result's provenance for candidates.keep, from the provenance columns the job wrote. */
export function resultProvenance(row: MoleculeRow): Provenance {
  const u = row.userProps;
  let params: Record<string, unknown> = {};
  try {
    const parsed: unknown = typeof u.parameters === 'string' ? JSON.parse(u.parameters) : {};
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) params = parsed as Record<string, unknown>;
  } catch {
    params = { parameters: u.parameters };
  }
  const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
  const randomSeed = typeof u.random_seed === 'number' && Number.isInteger(u.random_seed) && u.random_seed >= 0 ? u.random_seed : null;
  return {
    operation: 'optimize',
    seed: str(u.seed) ?? str(u.input),
    params: { ...params, method: u.method ?? params.method, iteration: u.iteration ?? null, foundAtDecode: u.found_at_decode ?? null, collection: row.collectionId },
    model: str(u.model),
    modelSha256: str(u.model_sha256),
    randomSeed,
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a timestamp, never rendered
    createdAt: str(u.created_at) ?? new Date().toISOString(),
  };
}
