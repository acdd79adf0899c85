// The Optimize tab of the Design view against the memory core: live feedback on the constraints, the request
// sent, the job followed with its best so far, and a result kept with provenance 'optimize'.
import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { createClient } from '../../../../main/api/client.ts';
import type { Collection } from '../../../../main/api/contract.ts';
import { MemoryCore } from '../../test-support/memory-core.ts';
import { cleanupAfterEach, withLayout } from '../../test-support/layout.ts';
import { DepictionCache } from '../../state/depictions.svelte.ts';
import DesignView from '../DesignView.svelte';

withLayout();
cleanupAfterEach();

globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

async function openPanel(core: MemoryCore, again?: { client: ReturnType<typeof createClient>; collection: Collection }) {
  const collection = again?.collection ?? core.addCollection(20, { name: 'series' });
  const client = again?.client ?? createClient(core);
  const opened: number[] = [];
  const view = render(DesignView, { props: { client, collection, depictions: new DepictionCache(client), lists: [], model: 'zinc250k', onOpen: (id: number) => opened.push(id) } });
  await fireEvent.click(await screen.findByRole('tab', { name: 'Optimize' }));
  const panel = screen.getByRole('region', { name: 'Optimize' });
  return { collection, client, panel, opened, view };
}

describe('Optimize panel', () => {
  it('gives live feedback: the seed’s values, whether it keeps the SMARTS, how many neighbours pass', async () => {
    const core = new MemoryCore();
    const { panel } = await openPanel(core);
    const feedback = within(panel).getByTestId('neighbour-feedback');
    expect(feedback.textContent).toContain('Give a seed');
    await fireEvent.input(within(panel).getByLabelText('Optimization seed'), { target: { value: 'CCO' } });
    await waitFor(() => expect(feedback.textContent).toMatch(/5\s+of 5 neighbours of the seed pass every constraint/), { timeout: 2000 });
    expect(within(panel).getByTestId('seed-values').textContent).toMatch(/QED\s+0\.50/);

    await fireEvent.input(within(panel).getByLabelText('Similarity at least'), { target: { value: '0.75' } });
    await waitFor(() => expect(feedback.textContent).toMatch(/2\s+of 5 neighbours.*similarity 3/s), { timeout: 2000 });

    const smarts = within(panel).getByLabelText('SMARTS to keep');
    await fireEvent.input(smarts, { target: { value: 'C!' } });
    await waitFor(() => expect(within(panel).getByTestId('smarts-status').textContent).toContain("'C!' is not a SMARTS RDKit can read"), { timeout: 2000 });
    expect(smarts.getAttribute('aria-invalid')).toBe('true');
    await fireEvent.input(smarts, { target: { value: 'CO' } });
    await waitFor(() => expect(within(panel).getByTestId('smarts-status').textContent).toContain('the seed matches it'), { timeout: 2000 });
    await fireEvent.input(smarts, { target: { value: 'N' } });
    await waitFor(() => expect(within(panel).getByTestId('smarts-status').textContent).toContain('the seed does not match it'), { timeout: 2000 });
    expect(core.calls('latent.neighbours')).toHaveLength(1);
  });

  it('refuses an objective the gradient cannot climb, then runs with CMA-ES, follows the job and keeps a result', async () => {
    const core = new MemoryCore();
    const { panel, opened } = await openPanel(core);
    await fireEvent.input(within(panel).getByLabelText('Optimization seed'), { target: { value: 'CCO' } });
    await fireEvent.change(within(panel).getByLabelText('Add an objective'), { target: { value: 'tpsa' } });
    expect(within(panel).getByTestId('optimize-problem').textContent).toContain('TPSA needs CMA-ES');
    const go = within(panel).getByRole('button', { name: 'Optimize the seed' });
    expect((go as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(within(panel).getByLabelText('CMA-ES'));
    await fireEvent.click(within(panel).getByLabelText('Pareto front'));
    await fireEvent.input(within(panel).getByLabelText('Budget'), { target: { value: '64' } });
    expect((go as HTMLButtonElement).disabled).toBe(false);
    await fireEvent.click(go);
    await waitFor(() => expect(core.optimizeRequests).toHaveLength(1));
    expect(core.calls('design.optimize')[0].args).toEqual({
      starts: ['CCO'], objectives: ['qed:max', 'tpsa:target=75:window=15'], method: 'cmaes', budget: 64, randomSeed: 0, pareto: true, keepPerStart: 5,
      constraints: { similarity: 0.4, noPains: true, notInTraining: true, notInWorkspace: true },
    });
    const card = await within(panel).findByRole('region', { name: 'Optimization' });
    expect(card.textContent).toContain('CCO: QED ↑, TPSA → 75 ± 15');

    const c = core.addCollection(1, {
      name: 'Optimized: qed:max, tpsa:target=75:window=15',
      userProps: () => ({ input: 'CCO', seed: 'CCO', improvement: 0.4, similarity: 0.6, method: 'cmaes', iteration: 3, found_at_decode: 40, operation: 'optimize', parameters: '{"method":"cmaes"}', model: 'zinc250k', model_sha256: 'ab', random_seed: 0, created_at: '2026-12-06T08:00:00.000Z' }),
    });
    core.emit('optimize.progress', {
      jobId: 1, collectionId: c.id, start: 0, starts: 1, decodes: 40, total: 64, objectives: ['qed:max', 'tpsa:target=75:window=15'],
      best: { smiles: 'CCOC', score: 4.2, values: [0.61, 70] }, front: [{ smiles: 'CCOC', values: [0.61, 70] }, { smiles: 'CCN', values: [0.7, 40] }], valid: 12, feasible: 4,
    });
    core.emit('job.progress', { jobId: 1, kind: 'optimize', done: 40, total: 64, rate: 80, etaSeconds: 0.3, message: null });
    await waitFor(() => expect(within(panel).getByTestId('optimize-best').textContent).toMatch(/best score\s+4\.200.*QED\s+0\.610.*TPSA\s+70\.00.*12 valid, 4 meet every constraint/s));
    expect(within(panel).getByTestId('front-caption').textContent).toMatch(/Pareto front:\s+2\s+molecules/);
    expect(card.textContent).toContain('40 / 64');

    core.emit('job.finished', { jobId: 1, kind: 'optimize', status: 'done', error: null, result: { collectionId: c.id, starts: 1, improved: 1, molecules: 1, decodes: 64, cancelled: false } });
    const result = await within(panel).findByTestId('optimize-result');
    expect(within(panel).getByTestId('optimize-result-count').textContent).toBe('1');
    expect(within(result).getByAltText(/^Start: CCO/)).toBeTruthy();
    expect(within(result).getByAltText(/^Result: /)).toBeTruthy();
    expect(result.textContent).toMatch(/improvement\s+\+0\.400/);
    expect(result.textContent).toMatch(/QED/);

    await fireEvent.click(within(panel).getByRole('button', { name: 'Open in the table' }));
    expect(opened).toEqual([c.id]);

    await fireEvent.click(within(result).getByRole('button', { name: 'Keep…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Keep as candidate' });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Keep' }));
    await waitFor(() => expect(core.calls('candidates.keep')).toHaveLength(1));
    expect(core.calls('candidates.keep')[0].args).toMatchObject({
      smiles: result.dataset.smiles,
      provenance: { operation: 'optimize', seed: 'CCO', params: { method: 'cmaes', iteration: 3, foundAtDecode: 40, collection: c.id }, model: 'zinc250k', randomSeed: 0 },
    });
  });

  it('starts from the whole collection, and a run goes on while another collection is open', async () => {
    const core = new MemoryCore();
    const first = await openPanel(core);
    await fireEvent.click(within(first.panel).getByLabelText(/the collection \(20\)/));
    await fireEvent.input(within(first.panel).getByLabelText('Budget'), { target: { value: '100' } });
    expect(first.panel.textContent).toContain('(2,000 in all)');
    expect(within(first.panel).getByTestId('seed-role').textContent).toContain('starts from each of the 20 molecules');
    await fireEvent.click(within(first.panel).getByRole('button', { name: 'Optimize 20 starts' }));
    await waitFor(() => expect(core.optimizeRequests).toHaveLength(1));
    expect(core.calls('design.optimize')[0].args).toMatchObject({ collectionId: first.collection.id, budget: 100 });
    expect(core.calls('design.optimize')[0].args).not.toHaveProperty('starts');
    first.view.unmount();

    // the job reports and ends while the Design view is gone
    const c = core.addCollection(2, { name: 'Optimized', userProps: (i) => ({ input: 'CCO', seed: 'CCO', improvement: i / 10, parameters: '{}' }) });
    core.emit('optimize.progress', {
      jobId: 1, collectionId: c.id, start: 19, starts: 20, decodes: 2000, total: 2000, objectives: ['qed:max'], best: { smiles: 'CCOC', score: 4.4, values: [0.62] }, front: [], valid: 40, feasible: 9,
    });
    core.emit('job.finished', { jobId: 1, kind: 'optimize', status: 'done', error: null, result: { collectionId: c.id } });
    await waitFor(() => expect(core.calls('collections.molecules').some((x) => x.args.collectionId === c.id)).toBe(true));

    const back = await openPanel(core, { client: first.client, collection: first.collection });
    expect(within(back.panel).getByRole('region', { name: 'Optimization' }).dataset.phase).toBe('done');
    expect(within(back.panel).getByTestId('optimize-best').textContent).toMatch(/best QED\s+0\.620.*start 20 of 20/s);
    expect(await within(back.panel).findAllByTestId('optimize-result')).toHaveLength(2);
    // the settings were kept too
    expect((within(back.panel).getByLabelText(/the collection \(20\)/) as HTMLInputElement).checked).toBe(true);
  });
});
