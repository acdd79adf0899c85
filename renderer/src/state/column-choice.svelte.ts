// Which columns the molecules table shows, and how tall its rows are: the chemist's choice per collection,
// kept in localStorage (it survives a reload and a restart), the defaults until it is changed. Computed
// properties and the active model's confidence ('model:fit', 'model:held', off by default) by key; the file's own columns are all shown unless hidden; the SMILES column is off by default
// (the drawing says the same, and its width goes to values).
import { MODEL_COLUMN_KEYS } from '../../../main/api/model-columns.ts';
import { PROPERTY_DEFS } from '../../../main/api/properties.ts';
import { DEFAULT_PROPERTIES, type Density } from '../components/columns.ts';

const PREFIX = 'molscape.columns.';
// the computed properties and the active model's confidence ('model:fit', 'model:held'), chosen alike
const known = new Set([...PROPERTY_DEFS.map((d) => d.key), ...MODEL_COLUMN_KEYS]);
const DENSITIES: readonly Density[] = ['large', 'compact', 'text'];

interface Stored {
  visible: readonly string[];
  hiddenUser: readonly string[];
  smiles: boolean;
  density: Density;
}

export class ColumnChoice {
  visible = $state.raw<readonly string[]>(DEFAULT_PROPERTIES);
  /** file columns the chemist hid */
  hiddenUser = $state.raw<readonly string[]>([]);
  smiles = $state(false);
  density = $state<Density>('large');
  readonly #storage: Storage | null;
  readonly #key: string;
  readonly #defaults: Stored;

  /**
   * One collection's choice (`collectionId` null: a choice kept for the page only, as tests use). `hiddenUser`:
   * the file columns hidden until the chemist shows them (a candidate list's raw provenance: its detail view says it).
   */
  constructor(storage: Storage | null = globalThis.localStorage ?? null, collectionId: number | null = null, defaults: { hiddenUser?: readonly string[] } = {}) {
    this.#storage = collectionId === null ? null : storage;
    this.#key = `${PREFIX}${collectionId}`;
    this.#defaults = { visible: DEFAULT_PROPERTIES, hiddenUser: defaults.hiddenUser ?? [], smiles: false, density: 'large' };
    const stored = this.#read();
    this.visible = stored?.visible ?? this.#defaults.visible;
    this.hiddenUser = stored?.hiddenUser ?? this.#defaults.hiddenUser;
    this.smiles = stored?.smiles ?? false;
    this.density = stored?.density ?? 'large';
  }

  isVisible(key: string): boolean {
    return this.visible.includes(key);
  }

  toggle(key: string) {
    if (!known.has(key)) return;
    this.visible = this.isVisible(key) ? this.visible.filter((k) => k !== key) : [...this.visible, key];
    this.#save();
  }

  isUserVisible(name: string): boolean {
    return !this.hiddenUser.includes(name);
  }

  toggleUser(name: string) {
    this.hiddenUser = this.isUserVisible(name) ? [...this.hiddenUser, name] : this.hiddenUser.filter((k) => k !== name);
    this.#save();
  }

  toggleSmiles() {
    this.smiles = !this.smiles;
    this.#save();
  }

  setDensity(density: Density) {
    if (!DENSITIES.includes(density)) return;
    this.density = density;
    this.#save();
  }

  reset() {
    this.visible = this.#defaults.visible;
    this.hiddenUser = this.#defaults.hiddenUser;
    this.smiles = false;
    this.#save();
  }

  #save() {
    try {
      this.#storage?.setItem(this.#key, JSON.stringify({ visible: this.visible, hiddenUser: this.hiddenUser, smiles: this.smiles, density: this.density }));
    } catch {
      // Storage full or refused (a private window): the choice still holds for this session.
    }
  }

  /** What was stored, keeping only names the panel still has; null when nothing (readable) was stored. */
  #read(): Partial<Stored> | null {
    try {
      const parsed = JSON.parse(this.#storage?.getItem(this.#key) ?? 'null') as Record<string, unknown> | null;
      if (!parsed || typeof parsed !== 'object') return null;
      const strings = (v: unknown) => (Array.isArray(v) ? v.filter((k): k is string => typeof k === 'string') : undefined);
      return {
        visible: strings(parsed.visible)?.filter((k) => known.has(k)),
        hiddenUser: strings(parsed.hiddenUser),
        smiles: typeof parsed.smiles === 'boolean' ? parsed.smiles : undefined,
        density: DENSITIES.find((d) => d === parsed.density),
      };
    } catch {
      return null;
    }
  }
}
