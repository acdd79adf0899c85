// Sampling the model's prior: N draws from N(0, I) or from the aggregate posterior (a Gaussian fitted to the
// training latents), decoded with a strategy (valid-first by default) at a temperature. The results as a grid
// that can hide invalid decodes and repeats, be sorted and filtered on a property (when the core answers with
// properties), and the counts that say how it went: draws, valid, unique, new. Every molecule carries the
// provenance a keep records (operation 'sample', the settings, the model, the random seed).
import type { ApiClient } from '../../../main/api/client.ts';
import type { CallArgs, CallResult, MoleculeProps, Provenance } from '../../../main/api/contract.ts';
import { GRID_DRAW } from './neighbours.svelte.ts';

type DecodedMolecule = CallResult<'latent.sample'>['molecules'][number];

export type Strategy = NonNullable<CallArgs<'latent.sample'>['strategy']>;
export type Source = 'prior' | 'aggregate';

/** One draw: what latent.sample answers, plus what the core may add (properties, novelty, a drawing). */
export interface Sampled extends DecodedMolecule {
  /** 0-based draw number */
  index: number;
  /** how many draws decoded to this molecule (the first of them is shown) */
  repeats: number;
  props: MoleculeProps;
  inTraining: boolean | null;
  inWorkspace: boolean | null;
  svg: string | null;
  provenance: Provenance;
}

export interface SampleCounts {
  draws: number;
  valid: number;
  unique: number;
  /** unique valid molecules in neither the training set nor the workspace; null when the core does not say */
  new: number | null;
}

const SORTS = ['draw', 'length'] as const;

export class PriorSampleState {
  n = $state(100);
  strategy = $state<Strategy>('valid-first');
  temperature = $state(1);
  source = $state<Source>('prior');
  randomSeed = $state(0);
  /** the model the samples come from (the active one), for the provenance */
  model = $state<string | null>(null);

  molecules = $state.raw<Sampled[]>([]);
  counts = $state.raw<SampleCounts | null>(null);
  busy = $state(false);
  error = $state<string | null>(null);

  showInvalid = $state(false);
  onlyNew = $state(false);
  /** 'draw', 'length' or a property name */
  sortKey = $state('draw');
  descending = $state(false);
  /** one property range: only molecules with a value inside it show */
  filterKey = $state('');
  filterMin = $state<number | null>(null);
  filterMax = $state<number | null>(null);

  usesTemperature = $derived(this.strategy === 'sample' || this.strategy === 'valid-first');
  /** numeric properties the molecules carry, for the sort and filter menus */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- made fresh from the molecules
  propertyKeys = $derived([...new Set(this.molecules.flatMap((m) => Object.entries(m.props).filter(([, v]) => typeof v === 'number').map(([k]) => k)))]);
  sortKeys = $derived([...SORTS, ...this.propertyKeys]);
  shown = $derived(this.#view());
  /** why the settings cannot be sent, or null */
  problem = $derived.by(() => {
    if (!Number.isInteger(this.n) || this.n < 1 || this.n > 5000) return 'Draws is a whole number from 1 to 5,000.';
    if (this.usesTemperature && !(this.temperature > 0 && this.temperature <= 10)) return 'The temperature is above 0 and at most 10.';
    if (!Number.isInteger(this.randomSeed) || this.randomSeed < 0) return 'The random seed is a whole number, 0 or more.';
    return null;
  });

  readonly #client: ApiClient;
  #request = 0;

  constructor(client: ApiClient) {
    this.#client = client;
  }

  async run(): Promise<void> {
    if (this.problem) {
      this.error = this.problem;
      return;
    }
    const request = ++this.#request;
    this.busy = true;
    this.error = null;
    const settings = {
      n: this.n,
      seed: this.randomSeed,
      source: this.source,
      strategy: this.strategy,
      ...(this.usesTemperature ? { temperature: this.temperature } : {}),
    };
    try {
      // described by the core: properties, training-set and workspace membership, a drawing, provenance per draw
      const { molecules, designed } = await this.#client.call('latent.sample', { ...settings, describe: true, draw: GRID_DRAW });
      if (request !== this.#request) return;
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a timestamp, never rendered
      const createdAt = new Date().toISOString();
      const provenance: Provenance = {
        operation: 'sample',
        seed: null,
        params: { n: settings.n, source: settings.source, strategy: settings.strategy, ...(this.usesTemperature ? { temperature: this.temperature } : {}) },
        model: this.model,
        modelSha256: null,
        randomSeed: settings.seed,
        createdAt,
      };
      this.#take(designed ?? molecules, provenance);
    } catch (error) {
      if (request === this.#request) {
        this.error = (error as Error).message;
        this.molecules = [];
        this.counts = null;
      }
    } finally {
      if (request === this.#request) this.busy = false;
    }
  }

  sortBy(key: string) {
    if (key === this.sortKey) this.descending = !this.descending;
    else {
      this.sortKey = key;
      this.descending = key === 'qed';
    }
  }

  /** Repeats folded into their first draw; each molecule with its own provenance (which draw it was). */
  #take(decoded: DecodedMolecule[], provenance: Provenance) {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- made fresh per answer, never rendered
    const seen = new Map<string, Sampled>();
    const out: Sampled[] = [];
    decoded.forEach((d, index) => {
      const extra = d as DecodedMolecule & Partial<Pick<Sampled, 'props' | 'inTraining' | 'inWorkspace' | 'svg' | 'provenance'>>;
      const key = d.valid && d.smiles ? d.smiles : null;
      const first = key ? seen.get(key) : undefined;
      if (first) {
        first.repeats++;
        return;
      }
      const m: Sampled = {
        raw: d.raw,
        smiles: d.smiles,
        valid: d.valid,
        index,
        repeats: 1,
        props: extra.props ?? {},
        inTraining: extra.inTraining ?? null,
        inWorkspace: extra.inWorkspace ?? null,
        svg: extra.svg ?? null,
        provenance: extra.provenance ?? { ...provenance, params: { ...provenance.params, draw: index } },
      };
      if (key) seen.set(key, m);
      out.push(m);
    });
    const valid = decoded.filter((d) => d.valid && d.smiles).length;
    const uniques = out.filter((m) => m.valid && m.smiles);
    const known = uniques.every((m) => m.inTraining !== null && m.inWorkspace !== null);
    this.molecules = out;
    this.counts = {
      draws: decoded.length,
      valid,
      unique: uniques.length,
      new: known ? uniques.filter((m) => m.inTraining === false && m.inWorkspace === false).length : null,
    };
  }

  #view(): Sampled[] {
    const key = this.filterKey;
    const min = this.filterMin;
    const max = this.filterMax;
    const rows = this.molecules.filter((m) => {
      if (!m.valid && !this.showInvalid) return false;
      if (this.onlyNew && !(m.inTraining === false && m.inWorkspace === false)) return false;
      if (key && (min !== null || max !== null)) {
        const v = m.props[key];
        if (typeof v !== 'number') return false;
        if (min !== null && v < min) return false;
        if (max !== null && v > max) return false;
      }
      return true;
    });
    return sortSampled(rows, this.sortKey, this.descending);
  }
}

/** In order of a key ('draw', 'length' of the SMILES, or a property); those without a value last. */
export function sortSampled(molecules: Sampled[], key: string, descending: boolean): Sampled[] {
  const value = (m: Sampled): number | null => {
    if (key === 'draw') return m.index;
    if (key === 'length') return (m.smiles ?? m.raw).length;
    const v = m.props[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  };
  return [...molecules].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null || vb === null) return va === vb ? a.index - b.index : va === null ? 1 : -1;
    return (descending ? vb - va : va - vb) || a.index - b.index;
  });
}
