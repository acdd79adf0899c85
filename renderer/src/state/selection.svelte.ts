// The molecules the chemist has picked in one collection: a set of molecule ids, whoever picked them (the table's
// click / shift-click / Ctrl-click, "select all" of the filter, a scatter plot's brush, a search's hits). Kept by
// id, not by row index, so it survives sorting, filtering and scrolling; the table asks `has(id)` per row.
//
// Views that act on "the current selection" (copy, keep as a list, save as a collection, send to Design, search
// from it, pick a shortlist from it) read `ids` (in the order they were picked) or `size`; views that pick call
// `replace` / `add` / `remove`. One instance per open collection (CollectionView makes it and passes it down).
/* eslint-disable svelte/prefer-svelte-reactivity -- the Sets here are private snapshots, replaced whole with `ids`, which is what the UI follows */
export type PickModifiers = { shift?: boolean; toggle?: boolean };

export class Selection {
  /** Picked molecule ids, in the order they were picked. Replaced, never mutated, so `$derived`s follow it. */
  ids = $state.raw<readonly number[]>([]);
  /** The row (display index) a shift-click extends from: the last row clicked without shift. */
  anchor = $state<number | null>(null);
  /** Where picking came from last ('table', 'all', 'scatter', 'search', …): a view may say "12 picked on the plot". */
  source = $state<string | null>(null);

  #set: ReadonlySet<number> = new Set();
  readonly collectionId: number;

  constructor(collectionId: number) {
    this.collectionId = collectionId;
  }

  get size(): number {
    return this.ids.length;
  }

  has(id: number): boolean {
    void this.ids; // a dependency for the caller's effect or template
    return this.#set.has(id);
  }

  /** Pick exactly these (a brush, a search's hits, select all). */
  replace(ids: Iterable<number>, source: string | null = null) {
    this.#commit([...new Set(ids)], source);
  }

  /** Add these to what is picked (Ctrl-brush, shift-click's range). */
  add(ids: Iterable<number>, source: string | null = null) {
    const next = [...this.ids];
    const have = new Set(this.ids);
    for (const id of ids) {
      if (have.has(id)) continue;
      have.add(id);
      next.push(id);
    }
    this.#commit(next, source);
  }

  remove(ids: Iterable<number>) {
    const drop = new Set(ids);
    this.#commit(
      this.ids.filter((id) => !drop.has(id)),
      this.source,
    );
  }

  toggle(id: number, source: string | null = null) {
    if (this.has(id)) this.remove([id]);
    else this.add([id], source);
  }

  clear() {
    this.anchor = null;
    this.#commit([], null);
  }

  /**
   * A click on the row at `index` (molecule `id`), as file managers and spreadsheets read it: a plain click picks
   * that row alone, Ctrl/Cmd (toggle) adds or removes it, Shift picks the range from the anchor (added to what is
   * picked when Ctrl/Cmd is held too). `idsBetween` gives the ids of display rows a..b inclusive (the table may
   * have to fetch them: a range can span rows never scrolled into view).
   */
  async pick(index: number, id: number, modifiers: PickModifiers, idsBetween: (a: number, b: number) => Promise<number[]>): Promise<void> {
    if (modifiers.shift && this.anchor !== null) {
      const [a, b] = this.anchor <= index ? [this.anchor, index] : [index, this.anchor];
      const range = await idsBetween(a, b);
      if (modifiers.toggle) this.add(range, 'table');
      else this.replace(range, 'table');
      return;
    }
    this.anchor = index;
    if (modifiers.toggle) this.toggle(id, 'table');
    else this.replace([id], 'table');
  }

  #commit(ids: number[], source: string | null) {
    this.#set = new Set(ids);
    this.ids = ids;
    this.source = ids.length ? source : null;
  }
}
