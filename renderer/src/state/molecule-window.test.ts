import { describe, expect, it } from 'vitest';
import { createClient } from '../../../main/api/client.ts';
import { MemoryCore, settle } from '../test-support/memory-core.ts';
import { MoleculeWindow, PAGE } from './molecule-window.svelte.ts';

function setup(n: number, withProps = true) {
  const core = new MemoryCore();
  const collection = core.addCollection(n, { withProps });
  const table = new MoleculeWindow(createClient(core), collection.id);
  return { core, collection, table };
}

describe('MoleculeWindow', () => {
  it('loads the total and the first page, leaving the rest unfetched', async () => {
    const { core, collection, table } = setup(2_500);
    await table.load();
    expect(table.total).toBe(2_500);
    expect(table.row(0)?.name).toBe(core.molecules.get(collection.id)![0].name);
    expect(table.row(PAGE - 1)?.position).toBe(PAGE);
    expect(table.row(PAGE)).toBeUndefined();
    expect(core.calls('collections.molecules')).toHaveLength(1);
  });

  it('fetches the pages a visible range needs and the one coming up, once each', async () => {
    const { core, table } = setup(250_000);
    await table.load();
    table.ensure(123_460, 123_480); // the page in view, and the next one within half a page
    table.ensure(123_460, 123_480); // asked again while in flight: no second request
    await settle();
    expect(core.calls('collections.molecules').map((c) => c.args.offset)).toEqual([0, 123_400, 123_500]);
    table.ensure(123_560, 123_580); // scrolled on: only the page coming up is new
    await settle();
    expect(core.calls('collections.molecules').map((c) => c.args.offset)).toEqual([0, 123_400, 123_500, 123_600]);
    expect(table.row(123_460)?.position).toBe(123_461);
  });

  it('keeps a bounded number of pages while scrolling through a large collection', async () => {
    const { core, table } = setup(250_000);
    await table.load();
    for (let start = 0; start < 100_000; start += 1_000) {
      table.ensure(start, start + 20);
      await settle(0);
    }
    await settle();
    // The first page is far behind the last range now: it was dropped, and comes back on demand.
    expect(table.row(5)).toBeUndefined();
    expect(table.row(99_005)?.position).toBe(99_006);
    const before = core.calls('collections.molecules').length;
    table.ensure(0, 10);
    await settle();
    expect(core.calls('collections.molecules').length).toBe(before + 1);
    expect(table.row(5)?.position).toBe(6);
  });

  it('sorts by a column and reverses on a second click, passing the sort to the core', async () => {
    const { core, table } = setup(300);
    await table.load();
    table.sortBy('mol_wt');
    await settle();
    expect(core.calls('collections.molecules').at(-1)!.args.sort).toEqual({ key: 'mol_wt', descending: false });
    table.sortBy('mol_wt');
    await settle();
    expect(table.sort).toEqual({ key: 'mol_wt', descending: true });
    const heaviest = Math.max(...core.molecules.get(1)!.map((r) => r.props.mol_wt as number));
    expect(table.row(0)?.props.mol_wt).toBe(heaviest);
  });

  it('drops an answer that arrives for a sort the user has already left', async () => {
    const { core, table } = setup(300);
    await table.load();
    let open!: () => void;
    core.gate = new Promise((resolve) => (open = resolve));
    table.sortBy('name'); // this answer is held back...
    core.gate = null;
    table.sortBy('name'); // ...while the reversed sort is answered at once
    await settle();
    expect(table.row(0)?.position).toBe(300);
    open(); // the stale ascending answer lands last and must not replace the rows
    await settle();
    expect(table.row(0)?.position).toBe(300);
    expect(table.sort.descending).toBe(true);
  });

  it('refetches the rows in view when the core says the collection changed', async () => {
    const { core, collection, table } = setup(500, false);
    const stop = table.watch();
    await table.load();
    table.ensure(150, 180);
    await settle();
    expect(table.row(160)?.props.mol_wt).toBeNull();
    core.fillProperties(collection.id);
    await settle();
    expect(table.row(160)?.props.mol_wt).toBe(core.molecules.get(collection.id)![160].props.mol_wt);
    // Events for other collections are ignored, and so are list-wide ones (the list decides whether this
    // collection still exists; fetching a deleted one would only fail).
    const calls = core.log.length;
    core.emit('collections.changed', { collectionId: collection.id + 1 });
    core.emit('collections.changed', { collectionId: null });
    await settle();
    expect(core.log.length).toBe(calls);
    stop();
    expect(core.listenerCount('collections.changed')).toBe(0);
  });

  it('reports a failing call as an error message instead of throwing', async () => {
    const core = new MemoryCore();
    const table = new MoleculeWindow(createClient(core), 42);
    await table.load();
    expect(table.error).toMatch(/no collection 42/);
    expect(table.loaded).toBe(true);
  });
});
