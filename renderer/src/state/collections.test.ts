import { describe, expect, it } from 'vitest';
import { createClient } from '../../../main/api/client.ts';
import { MemoryCore, settle } from '../test-support/memory-core.ts';
import { CollectionsState } from './collections.svelte.ts';

describe('CollectionsState', () => {
  it('lists newest first, opens the newest, and keeps a choice across refreshes', async () => {
    const core = new MemoryCore();
    core.addCollection(3, { name: 'older' });
    const newer = core.addCollection(5, { name: 'newer' });
    const state = new CollectionsState(createClient(core));
    await state.refresh();
    expect(state.list.map((c) => c.name)).toEqual(['newer', 'older']);
    expect(state.selected?.id).toBe(newer.id);
    state.select(state.list[1].id);
    core.addCollection(1, { name: 'third' });
    await state.refresh();
    expect(state.selected?.name).toBe('older');
  });

  it('refreshes on collections.changed, folding a burst of events into few calls', async () => {
    const core = new MemoryCore();
    const c = core.addCollection(10, { withProps: false });
    const state = new CollectionsState(createClient(core));
    const stop = state.watch();
    await state.refresh();
    const before = core.calls('collections.list').length;
    for (let i = 0; i < 20; i++) core.emit('collections.changed', { collectionId: c.id });
    core.fillProperties(c.id);
    await settle();
    expect(core.calls('collections.list').length - before).toBeLessThanOrEqual(2);
    expect(state.selected?.propertiesDone).toBe(10);
    stop();
  });

  it('shows an error instead of failing when the core cannot answer', async () => {
    const state = new CollectionsState(createClient({ call: () => Promise.reject(new Error('connection refused')), on: () => () => {} }));
    await state.refresh();
    expect(state.error).toBe('Could not list the collections: connection refused');
    expect(state.loaded).toBe(true);
  });
});
