import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { createClient } from '../../../../main/api/client.ts';
import type { TrainCurvePoint } from '../../../../main/api/contract.ts';
import { MemoryCore, doctorReport, modelInfo, settle } from '../../test-support/memory-core.ts';
import { cleanupAfterEach, withLayout } from '../../test-support/layout.ts';
import { ModelsState } from '../../state/models.svelte.ts';
import { TrainJobState, type ArgsStore, type TrainArgs } from '../../state/train.svelte.ts';
import ModelsView from './ModelsView.svelte';
import TrainDialog from './TrainDialog.svelte';

withLayout();
cleanupAfterEach();

globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

const noStore: ArgsStore = { get: () => null, set: () => {} };

function coreWithModels() {
  const core = new MemoryCore();
  core.models = [
    modelInfo('zinc250k'),
    modelInfo('series-ft', {
      source: 'user',
      createdAt: '2026-12-01T09:00:00Z',
      card: {
        trainedOn: { file: 'collection 1: series', molecules: 915, sha256: 'ab12cd34ef56'.repeat(5) + 'abcd' },
        baseModel: { name: 'zinc250k', sha256: 'ff'.repeat(32) },
        vocabularySize: 47,
        addedTokens: ['[Si]', '[nH+]', 'Br'],
        architecture: 'GRU encoder 2×256, GRU decoder 3×488',
        bytes: 24_000_000,
        holdout: { before: { molecules: 102, exact: 0.04, valid: 0.9 }, after: { molecules: 102, exact: 0.63, valid: 0.97 } },
        metrics: { validity: 0.95, cardDraws: 30_000, cardValidFirstValidity: 0.994, cardValidFirstFrag: 0.981 },
      },
    }),
    modelInfo('half-written', { source: 'user', problem: 'decoder.onnx is missing', card: null, createdAt: '2026-12-02T09:00:00Z' }),
  ];
  return core;
}

async function renderView(core: MemoryCore, train: TrainJobState | null = null) {
  const models = new ModelsState(createClient(core));
  await models.refresh();
  const trained: (string | undefined)[] = [];
  render(ModelsView, { props: { models, train, onTrain: (from?: string) => trained.push(from) } });
  return { models, trained };
}

const card = (name: string) => screen.getAllByTestId('model-card').find((c) => c.dataset.model === name)!;

describe('ModelsView', () => {
  it('shows each model as a card: source, training data, base model, vocabulary, size, evaluation; the active one marked', async () => {
    await renderView(coreWithModels());
    expect(screen.getByTestId('models-active').textContent).toBe('zinc250k');
    const ft = card('series-ft');
    expect(ft.textContent).toContain('trained here');
    expect(ft.textContent).toContain('915 molecules');
    expect(ft.textContent).toContain('sha256 ab12cd34ef56…');
    expect(ft.textContent).toContain('zinc250k');
    expect(ft.textContent).toMatch(/47 tokens · 3 added: \[Si\] \[nH\+\] Br/);
    expect(ft.textContent).toContain('23 MB');
    expect(within(ft).getByTestId('holdout-exact').textContent).toBe('4.0 % → 63.0 % (+59.0 points)');
    // the report card's figures (report_card.json beside the bundle): counts as counts, Frag as a similarity
    expect(ft.textContent).toMatch(/prior draws\s*30,000/);
    expect(ft.textContent).toMatch(/validity \(valid-first\)\s*99\.4 %/);
    expect(ft.textContent).toMatch(/Frag to test\s*0\.981/);
    expect(within(card('zinc250k')).getByTestId('active-badge')).toBeTruthy();
    expect(within(card('zinc250k')).queryByRole('button', { name: 'Delete' })).toBeNull();
  });

  it('lists a broken bundle with its reason, and it cannot be made active', async () => {
    const core = coreWithModels();
    await renderView(core);
    const broken = card('half-written');
    expect(broken.textContent).toContain('Cannot be used: decoder.onnx is missing');
    expect((within(broken).getByRole('button', { name: 'Make active' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('makes a model active with one click', async () => {
    const core = coreWithModels();
    await renderView(core);
    await fireEvent.click(within(card('series-ft')).getByRole('button', { name: 'Make active' }));
    await waitFor(() => expect(screen.getByTestId('models-active').textContent).toBe('series-ft'));
    expect(core.calls('models.setActive')[0].args).toEqual({ name: 'series-ft' });
    expect(within(card('series-ft')).getByTestId('active-badge')).toBeTruthy();
  });

  it('renames a trained model, refusing a bad name with a message before asking the core', async () => {
    const core = coreWithModels();
    await renderView(core);
    await fireEvent.click(within(card('series-ft')).getByRole('button', { name: 'Rename' }));
    const input = screen.getByLabelText('New model name');
    await fireEvent.input(input, { target: { value: 'a/b' } });
    expect(screen.getByText(/letters, digits/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(input, { target: { value: 'series v2' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(card('series v2')).toBeTruthy());
    expect(core.calls('models.rename')[0].args).toEqual({ name: 'series-ft', newName: 'series v2' });
  });

  it('deletes a trained model only after a confirmation', async () => {
    const core = coreWithModels();
    await renderView(core);
    await fireEvent.click(within(card('series-ft')).getByRole('button', { name: 'Delete' }));
    const confirm = screen.getByRole('alertdialog', { name: 'Delete series-ft' });
    expect(core.calls('models.delete')).toHaveLength(0);
    await fireEvent.click(within(confirm).getByRole('button', { name: 'Keep it' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    await fireEvent.click(within(card('series-ft')).getByRole('button', { name: 'Delete' }));
    await fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(screen.queryAllByTestId('model-card').map((c) => c.dataset.model)).toEqual(['zinc250k', 'half-written']));
    expect(core.calls('models.delete')[0].args).toEqual({ name: 'series-ft' });
  });

  it('follows a training run: progress, live curves, then before → after and Make active', async () => {
    const core = coreWithModels();
    const c = core.addCollection(30, { name: 'series' });
    const client = createClient(core);
    const train = new TrainJobState(client, c.id, { store: noStore, pollMs: 10 });
    const off = train.watch();
    const { models } = await renderView(core, train);
    const offModels = models.watch();
    await train.start({ collectionId: c.id, name: 'series-ft2', from: 'zinc250k' }, 'series-ft2 (zinc250k on series)');
    const jobId = train.run!.jobId!;
    const point = (step: number, exact: number | null): TrainCurvePoint => ({ step, epoch: 0, seconds: step, train: { loss: 2, ce: 1.2 }, valid: { ce: 1.4 }, holdout: exact === null ? null : { molecules: 3, exact, valid: 1 } });
    core.curves.set(jobId, { name: 'series-ft2', points: [point(5, null), point(10, null)], before: { molecules: 3, exact: 0, valid: 0.67 }, resumable: false });
    core.emit('job.progress', { jobId, kind: 'train', done: 10, total: null, rate: 1.5, etaSeconds: 50, message: 'epoch 1, batch 10/12' });
    const panel = await screen.findByTestId('train-panel');
    await waitFor(() => expect(within(panel).getByTestId('curves-latest').textContent).toMatch(/step 10\s+· training loss 1\.200 · validation loss 1\.400 · held-out exact –/));
    expect(within(panel).getByTestId('train-stats').textContent).toMatch(/step 10.*1\.5 steps\/s.*50 s left/);
    expect(within(panel).getByTestId('train-chart').dataset.points).toBe('2');

    core.curves.set(jobId, { name: 'series-ft2', points: [point(5, null), point(10, null), point(20, 0.667)], before: { molecules: 3, exact: 0, valid: 0.67 }, resumable: false });
    core.models.push(modelInfo('series-ft2', { source: 'user', active: false, isDefault: false }));
    core.emit('job.finished', { jobId, kind: 'train', status: 'done', error: null, result: null });
    const result = await screen.findByTestId('train-result');
    await waitFor(() => expect(within(result).getByTestId('result-exact').textContent).toBe('0.0 % → 66.7 % (+66.7 points)'));
    await fireEvent.click(await within(result).findByRole('button', { name: 'Make series-ft2 active' }));
    await waitFor(() => expect(within(result).getByRole('status').textContent).toBe('series-ft2 is the active model.'));
    off();
    offModels();
  });

  it('offers Resume after a cancel that kept a checkpoint', async () => {
    const core = coreWithModels();
    const c = core.addCollection(30, { name: 'series' });
    const train = new TrainJobState(createClient(core), c.id, { store: noStore, pollMs: 1000 });
    const off = train.watch();
    await renderView(core, train);
    const args: TrainArgs = { collectionId: c.id, name: 'ft', from: 'zinc250k', timeBudgetSeconds: 60 };
    await train.start(args, 'ft');
    const panel = await screen.findByTestId('train-panel');
    await fireEvent.click(within(panel).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(core.calls('jobs.cancel')).toHaveLength(1));
    core.curves.set(train.run!.jobId!, { name: 'ft', points: [{ step: 20, epoch: 1, seconds: 20, train: { ce: 0.2 }, valid: null, holdout: { molecules: 3, exact: 1 / 3, valid: 1 } }], before: { molecules: 3, exact: 0, valid: 1 }, resumable: true });
    core.emit('job.finished', { jobId: train.run!.jobId!, kind: 'train', status: 'cancelled', error: null, result: null });
    // the core wrote no bundle for it: the panel says so instead of offering to make it active
    expect((await within(panel).findByTestId('no-model')).textContent).toBe('ft is not among the models: no bundle was written when it stopped.');
    await fireEvent.click(await within(panel).findByRole('button', { name: 'Resume' }));
    await waitFor(() => expect(core.calls('models.train')).toHaveLength(2));
    expect(core.calls('models.train')[1].args).toEqual({ ...args, resume: true });
    await waitFor(() => expect(panel.dataset.phase).toBe('running'));
    off();
  });
});

describe('ModelsView after a run that ended on its time budget', () => {
  it('offers to train longer from the checkpoint, with the same settings', async () => {
    const core = coreWithModels();
    const c = core.addCollection(30, { name: 'series' });
    const train = new TrainJobState(createClient(core), c.id, { store: noStore, pollMs: 1000 });
    const off = train.watch();
    await renderView(core, train);
    const args: TrainArgs = { collectionId: c.id, name: 'ft', from: 'zinc250k', timeBudgetSeconds: 60 };
    await train.start(args, 'ft');
    core.curves.set(train.run!.jobId!, { name: 'ft', points: [], before: null, resumable: true });
    core.emit('job.finished', { jobId: train.run!.jobId!, kind: 'train', status: 'done', error: null, result: null });
    const panel = await screen.findByTestId('train-panel');
    await fireEvent.click(await within(panel).findByRole('button', { name: 'Train longer' }));
    await waitFor(() => expect(core.calls('models.train')[1]?.args).toEqual({ ...args, resume: true }));
    off();
  });
});

describe('TrainDialog', () => {
  it('runs the doctor first, shows its findings, then starts with the settings', async () => {
    const core = coreWithModels();
    const c = core.addCollection(30, { name: 'chembl series.smi' });
    core.doctorReport = doctorReport({
      molecules: 30,
      outOfVocabulary: { model: 'zinc250k', molecules: 2, tokens: [{ token: '[Si]', count: 2 }], examples: [{ line: 7, name: 'CHEMBL42', smiles: 'C[Si](C)(C)c1ccccc1', token: '[Si]', reason: 'not in the vocabulary' }] },
      duplicates: { count: 1, examples: [{ line: 9, name: 'x', smiles: 'CCO', firstLine: 3 }] },
      trainingEstimate: { tokens: 1200, epochs: 30, secondsPerEpoch: 2, seconds: 60, basis: 'measured on this machine' },
    });
    const client = createClient(core);
    const models = new ModelsState(client);
    await models.refresh();
    const started: { args: TrainArgs; title: string }[] = [];
    render(TrainDialog, { props: { client, models, collections: [c], collectionId: c.id, onStart: (args: TrainArgs, title: string) => started.push({ args, title }), onClose: () => {} } });
    const report = await screen.findByTestId('doctor-report');
    expect(core.calls('models.doctor')[0].args).toEqual({ collectionId: c.id, model: 'zinc250k' });
    expect(within(report).getByTestId('doctor-oov').textContent).toMatch(/2 molecules use tokens zinc250k does not know.*\[Si\] ×2.*row 7.*CHEMBL42.*C\[Si\]\(C\)\(C\)c1ccccc1/s);
    expect(within(report).getByTestId('doctor-duplicates').textContent).toMatch(/1 duplicate\b.*same as row 3/s);
    expect(within(report).getByTestId('doctor-estimate').textContent).toMatch(/About 1 min 00 s for 30 epochs/);

    const name = screen.getByLabelText('New model name') as HTMLInputElement;
    expect(name.value).toBe('chembl series fine-tuned');
    await fireEvent.input(screen.getByLabelText('Time budget in minutes'), { target: { value: '2' } });
    expect(within(report).getByTestId('doctor-estimate').textContent).toMatch(/the budget allows about 60 epochs/);
    await fireEvent.click(screen.getByRole('button', { name: 'Start training' }));
    expect(started).toEqual([
      { args: { collectionId: c.id, name: 'chembl series fine-tuned', holdout: 0.1, from: 'zinc250k', replay: 0.5, timeBudgetSeconds: 120, epochs: 10_000 }, title: 'chembl series fine-tuned (zinc250k on chembl series.smi)' },
    ]);
  });

  it('asks the doctor again for a fresh model, and offers the size then', async () => {
    const core = coreWithModels();
    const c = core.addCollection(30, { name: 'series' });
    const client = createClient(core);
    const models = new ModelsState(client);
    await models.refresh();
    render(TrainDialog, { props: { client, models, collections: [c], collectionId: c.id, onStart: () => {}, onClose: () => {} } });
    await screen.findByTestId('doctor-report');
    await fireEvent.change(screen.getByLabelText('Base model'), { target: { value: '' } });
    await waitFor(() => expect(core.calls('models.doctor')).toHaveLength(2));
    expect(core.calls('models.doctor')[1].args).toEqual({ collectionId: c.id });
    expect(screen.getByLabelText('Model size')).toBeTruthy();
    expect(screen.queryByLabelText('Replay share in percent')).toBeNull();
    await settle();
    expect((screen.getByLabelText('New model name') as HTMLInputElement).value).toBe('series model');
  });

  it('holds Start back with the reason while a setting is wrong', async () => {
    const core = coreWithModels();
    const c = core.addCollection(30, { name: 'series' });
    const client = createClient(core);
    const models = new ModelsState(client);
    await models.refresh();
    render(TrainDialog, { props: { client, models, collections: [c], collectionId: c.id, onStart: () => {}, onClose: () => {} } });
    await screen.findByTestId('doctor-report');
    await fireEvent.input(screen.getByLabelText('New model name'), { target: { value: 'series-ft' } });
    expect(screen.getByTestId('train-problem').textContent).toBe('There is already a model called series-ft.');
    expect((screen.getByRole('button', { name: 'Start training' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
