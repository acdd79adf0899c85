// Which computed properties the molecules table shows. The choice is the chemist's and outlives the window
// (localStorage), shared by every collection; the five basics until it is changed.
import { PROPERTY_DEFS } from '../../../main/api/properties.ts';
import { DEFAULT_PROPERTIES } from '../components/columns.ts';

const STORAGE_KEY = 'molscape.visibleProperties';
const known = new Set(PROPERTY_DEFS.map((d) => d.key));

export class ColumnChoice {
  visible = $state.raw<readonly string[]>(DEFAULT_PROPERTIES);
  readonly #storage: Storage | null;

  constructor(storage: Storage | null = globalThis.localStorage ?? null) {
    this.#storage = storage;
    this.visible = this.#read() ?? DEFAULT_PROPERTIES;
  }

  isVisible(key: string): boolean {
    return this.visible.includes(key);
  }

  toggle(key: string) {
    if (!known.has(key)) return;
    this.#set(this.isVisible(key) ? this.visible.filter((k) => k !== key) : [...this.visible, key]);
  }

  reset() {
    this.#set(DEFAULT_PROPERTIES);
  }

  #set(keys: readonly string[]) {
    this.visible = keys;
    try {
      this.#storage?.setItem(STORAGE_KEY, JSON.stringify(keys));
    } catch {
      // Storage full or refused (a private window): the choice still holds for this session.
    }
  }

  /** What was stored, keeping only names the panel still has; null when nothing (readable) was stored. */
  #read(): readonly string[] | null {
    try {
      const parsed: unknown = JSON.parse(this.#storage?.getItem(STORAGE_KEY) ?? 'null');
      return Array.isArray(parsed) ? parsed.filter((k): k is string => typeof k === 'string' && known.has(k)) : null;
    } catch {
      return null;
    }
  }
}
