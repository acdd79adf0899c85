import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { createClient } from '../../../main/api/client.ts';
import type { ImportSource } from '../../../main/api/contract.ts';
import { MemoryCore, modelInfo } from '../test-support/memory-core.ts';
import { localArgsStore } from '../state/train.svelte.ts';
import { cleanupAfterEach, withLayout } from '../test-support/layout.ts';
import App from './App.svelte';

withLayout();
cleanupAfterEach();

globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

const noImport = async (): Promise<ImportSource> => ({ kind: 'path', path: '/nowhere' });

describe('App: models', () => {
  it('names the active model in the top bar, opens the Models view and goes back to a collection', async () => {
    const core = new MemoryCore();
    core.addCollection(12, { name: 'series' });
    core.models = [modelInfo('zinc250k'), modelInfo('series-ft', { source: 'user', active: true, isDefault: false })];
    core.models[0].active = false;
    render(App, { props: { client: createClient(core), importSourceFor: noImport } });
    const chip = await screen.findByTestId('active-model');
    await waitFor(() => expect(chip.textContent).toMatch(/Model\s+series-ft/));
    await fireEvent.click(screen.getByRole('button', { name: 'Models' }));
    expect(await screen.findByRole('heading', { name: 'Models' })).toBeTruthy();
    expect(screen.getAllByTestId('model-card')).toHaveLength(2);
    const item = within(screen.getByRole('navigation', { name: 'Collections' })).getByText('series').closest('button')!;
    expect(item.getAttribute('aria-current')).toBeNull();
    await fireEvent.click(item);
    expect(await screen.findByRole('heading', { name: 'series' })).toBeTruthy();
    expect(item.getAttribute('aria-current')).toBe('true');
  });

  it('trains from a collection: the dialog with the doctor, then the Models view follows the job', async () => {
    const core = new MemoryCore();
    const c = core.addCollection(12, { name: 'series' });
    render(App, { props: { client: createClient(core), importSourceFor: noImport } });
    await fireEvent.click(await screen.findByRole('button', { name: 'Models' }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Train or fine-tune…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Train a model' });
    await within(dialog).findByTestId('doctor-report');
    expect(core.calls('models.doctor')[0].args).toEqual({ collectionId: c.id, model: 'zinc250k' });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Start training' }));
    await waitFor(() => expect(core.calls('models.train')).toHaveLength(1));
    expect(core.calls('models.train')[0].args).toMatchObject({ collectionId: c.id, name: 'series fine-tuned', from: 'zinc250k', holdout: 0.1, resume: false });
    expect(screen.queryByRole('dialog')).toBeNull();
    const panel = await screen.findByTestId('train-panel');
    const jobId = core.nextJobId - 1;
    core.emit('job.progress', { jobId, kind: 'train', done: 40, total: null, rate: 2, etaSeconds: 30, message: 'epoch 2' });
    await waitFor(() => expect(screen.getByTestId('active-model').textContent).toMatch(/training, step 40/));
    expect(panel.dataset.phase).toBe('running');
    expect((screen.getByRole('button', { name: 'Train or fine-tune…' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('finds a run stopped before a restart of the app, and resumes it with its arguments', async () => {
    const core = new MemoryCore();
    const c = core.addCollection(12, { name: 'series' });
    const args = { collectionId: c.id, name: 'series ft', from: 'zinc250k', holdout: 0.1, timeBudgetSeconds: 600, epochs: 10_000 };
    localArgsStore().set(7, args);
    core.jobList = [{ id: 7, kind: 'train', status: 'failed', title: 'Fine-tune series ft', done: 120, total: null, error: 'the job process exited (signal SIGKILL)', createdAt: '2026-12-06T08:00:00Z', finishedAt: '2026-12-06T08:03:00Z', result: null }];
    core.curves.set(7, { name: 'series ft', points: [{ step: 50, epoch: 2, seconds: 50, train: { ce: 0.1 }, valid: { ce: 0.12 }, holdout: null }], before: null, resumable: true });
    render(App, { props: { client: createClient(core), importSourceFor: noImport } });
    await fireEvent.click(await screen.findByRole('button', { name: 'Models' }));
    const panel = await screen.findByTestId('train-panel');
    expect(panel.dataset.phase).toBe('failed');
    expect(within(panel).getByRole('alert').textContent).toBe('Training failed: the job process exited (signal SIGKILL)');
    await fireEvent.click(await within(panel).findByRole('button', { name: 'Resume' }));
    await waitFor(() => expect(core.calls('models.train')).toHaveLength(1));
    expect(core.calls('models.train')[0].args).toEqual({ ...args, resume: true });
    localStorage.clear();
  });
});
