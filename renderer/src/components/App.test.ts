import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { createClient } from '../../../main/api/client.ts';
import type { ImportSource } from '../../../main/api/contract.ts';
import { fileToBase64 } from '../lib/file-bytes.ts';
import { MemoryCore } from '../test-support/memory-core.ts';
import { cleanupAfterEach, withLayout } from '../test-support/layout.ts';
import App from './App.svelte';

withLayout();
cleanupAfterEach();

const uploadOf = async (file: File): Promise<ImportSource> => ({ kind: 'upload', fileName: file.name, base64: await fileToBase64(file) });

function renderApp(core: MemoryCore) {
  return render(App, { props: { client: createClient(core), importSourceFor: uploadOf } });
}

describe('App', () => {
  it('invites a first import when the workspace is empty', async () => {
    renderApp(new MemoryCore());
    expect(await screen.findByText('No collections yet')).toBeTruthy();
    expect(screen.getByText('Nothing imported yet.')).toBeTruthy();
  });

  it('imports a chosen file: progress with rate and ETA, Cancel, then the new collection opens', async () => {
    const core = new MemoryCore();
    renderApp(core);
    await screen.findByText('No collections yet');

    const input = screen.getByTestId('import-input') as HTMLInputElement;
    await fireEvent.change(input, { target: { files: [new File(['CCO\n'], 'hits.smi')] } });
    await waitFor(() => expect(core.calls('collections.import')).toHaveLength(1));
    const card = await screen.findByRole('region', { name: 'Import' });
    await waitFor(() => expect(card.dataset.phase).toBe('running'));

    core.emit('job.progress', { jobId: 1, kind: 'import', done: 1500, total: 6000, rate: 2500, etaSeconds: 1.8, message: null });
    await waitFor(() => expect(within(card).getByText('1,500 / 6,000')).toBeTruthy());
    expect(within(card).getByText('2,500 molecules/s')).toBeTruthy();
    expect(within(card).getByText('2 s left')).toBeTruthy();
    expect(within(card).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('1500');

    await fireEvent.click(within(card).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(core.calls('jobs.cancel')).toHaveLength(1));

    // The core finishes anyway (the cancel came too late): the collection is stored and opens.
    const made = core.addCollection(40, { name: 'hits' });
    core.emit('job.finished', { jobId: 1, kind: 'import', status: 'done', error: null, result: { collectionId: made.id } });
    expect(await screen.findByRole('heading', { name: 'hits' })).toBeTruthy();
    expect(within(card).getByText('Imported')).toBeTruthy();
    expect(screen.getByTestId('molecule-count').textContent).toBe('40 molecules');
  });

  it('refuses a file type it cannot import with a message naming the file', async () => {
    const core = new MemoryCore();
    renderApp(core);
    const input = screen.getByTestId('import-input') as HTMLInputElement;
    await fireEvent.change(input, { target: { files: [new File(['x'], 'report.pdf')] } });
    expect((await screen.findByRole('alert')).textContent).toMatch(/report\.pdf is not a file Molscape can import/);
    expect(core.calls('collections.import')).toHaveLength(0);
  });

  it('shows a drop target while files are dragged over the window and imports the dropped file', async () => {
    const core = new MemoryCore();
    renderApp(core);
    const file = new File(['c1ccccc1\n'], 'dropped.smiles');
    const dataTransfer = { types: ['Files'], files: [file], dropEffect: 'none' };
    await fireEvent.dragEnter(window, { dataTransfer });
    expect(screen.getByTestId('drop-overlay')).toBeTruthy();
    await fireEvent.drop(window, { dataTransfer });
    expect(screen.queryByTestId('drop-overlay')).toBeNull();
    await waitFor(() => expect(core.calls('collections.import')).toHaveLength(1));
    expect((core.calls('collections.import')[0].args.source as { fileName: string }).fileName).toBe('dropped.smiles');
  });

  it('says when the connection to the core is lost, and catches up once it is back', async () => {
    const core = new MemoryCore();
    const listeners = new Set<(up: boolean) => void>();
    const onConnection = (l: (up: boolean) => void) => (listeners.add(l), () => listeners.delete(l));
    render(App, { props: { client: createClient(core), importSourceFor: uploadOf, onConnection } });
    await screen.findByText('No collections yet');
    for (const l of listeners) l(false);
    expect(await screen.findByText(/Lost the connection to Molscape/)).toBeTruthy();
    // Meanwhile an import finished: its events never arrived.
    core.addCollection(9, { name: 'made while offline' });
    for (const l of listeners) l(true);
    expect(await screen.findByRole('heading', { name: 'made while offline' })).toBeTruthy();
    expect(screen.queryByText(/Lost the connection/)).toBeNull();
  });

  it('lists collections with counts and switches between them', async () => {
    const core = new MemoryCore();
    core.addCollection(12, { name: 'series A' });
    core.addCollection(30, { name: 'series B', problems: [{ file: 'b.smi', line: 4, record: null, reason: 'bad', text: 'C(' }] });
    renderApp(core);
    const nav = await screen.findByRole('navigation', { name: 'Collections' });
    // each collection: the button that opens it and its ⋯ menu (rename, duplicate, delete)
    await waitFor(() => expect(within(nav).getAllByRole('button', { name: /^series/ })).toHaveLength(2));
    expect(within(nav).getAllByRole('button', { name: /^Manage / })).toHaveLength(2);
    expect(within(nav).getByText('30 molecules')).toBeTruthy();
    expect(within(nav).getByText('1 problems')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'series B' })).toBeTruthy();
    await fireEvent.click(within(nav).getByText('series A'));
    expect(await screen.findByRole('heading', { name: 'series A' })).toBeTruthy();
    expect(screen.getByTestId('molecule-count').textContent).toBe('12 molecules');
  });

  it('shows a collection an import is still filling as importing, not as a collection of so many molecules', async () => {
    const core = new MemoryCore();
    core.addCollection(12, { name: 'done' });
    const filling = core.addCollection(40, { name: 'half' });
    filling.importingJobId = 7;
    renderApp(core);
    const nav = await screen.findByRole('navigation', { name: 'Collections' });
    await waitFor(() => expect(within(nav).getByTestId('importing').textContent).toBe('importing… 40 so far'));
    expect(within(nav).getAllByTestId('importing')).toHaveLength(1);
    expect(within(nav).getByText('12 molecules')).toBeTruthy();
  });
});
