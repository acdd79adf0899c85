import { describe, expect, it } from 'vitest';
import { createClient } from '../../../main/api/client.ts';
import { MemoryCore, designed } from '../test-support/memory-core.ts';
import { InterpolateState } from './interpolate.svelte.ts';
import { NeighboursState, sortMolecules } from './neighbours.svelte.ts';
import { CandidateKeeper } from './candidates.svelte.ts';

describe('InterpolateState', () => {
  it('asks for the path with its settings and counts valid steps and distinct molecules', async () => {
    const core = new MemoryCore();
    const state = new InterpolateState(createClient(core));
    expect(state.ready).toBe(false);
    state.from = 'CCO';
    state.to = 'c1ccccc1';
    state.steps = 8;
    state.method = 'slerp';
    await state.run();
    expect(core.calls('latent.interpolate')[0].args).toMatchObject({ from: 'CCO', to: 'c1ccccc1', steps: 8, method: 'slerp' });
    expect(state.path.map((s) => s.repeats)).toEqual([4, 4]);
    expect(state.valid).toBe(8);
    expect(state.distinct).toBe(2);
  });

  it('does not ask with fewer than 2 or more than 200 steps', async () => {
    const core = new MemoryCore();
    const state = new InterpolateState(createClient(core));
    state.from = 'CCO';
    state.to = 'CCN';
    state.steps = 1;
    await state.run();
    expect(core.calls('latent.interpolate')).toHaveLength(0);
    state.steps = 250;
    await state.run();
    expect(state.ready).toBe(false);
    expect(core.calls('latent.interpolate')).toHaveLength(0);
  });
});

describe('InterpolateState errors', () => {
  it("shows the core's reason and clears the old path", async () => {
    const core = new MemoryCore();
    const state = new InterpolateState(createClient(core));
    state.from = 'CCO';
    state.to = 'CCN';
    await state.run();
    expect(state.path.length).toBeGreaterThan(0);
    core.gate = Promise.reject(new Error('the model cannot read [Se]'));
    core.gate.catch(() => {});
    await state.run();
    expect(state.error).toBe('the model cannot read [Se]');
    expect(state.path).toEqual([]);
    expect(state.busy).toBe(false);
  });
});

describe('NeighboursState', () => {
  it('samples with greedy decoding unless a temperature is set, and reports the counts', async () => {
    const core = new MemoryCore();
    const state = new NeighboursState(createClient(core));
    state.seed = 'CCO';
    state.n = 40;
    await state.run();
    expect(core.calls('latent.neighbours')[0].args).toMatchObject({ seed: 'CCO', n: 40, radius: 0.5, randomSeed: 0 });
    expect(core.calls('latent.neighbours')[0].args.temperature).toBeUndefined();
    expect(state.counts).toEqual({ tries: 40, valid: 39, unique: 5, new: 4 });
    state.temperature = 0.8;
    await state.run();
    expect(core.calls('latent.neighbours')[1].args.temperature).toBe(0.8);
  });

  it('sorts by similarity (most similar first) or by a property, clicking again reverses', async () => {
    const core = new MemoryCore();
    const state = new NeighboursState(createClient(core));
    state.seed = 'CC';
    await state.run();
    const sims = state.sorted.map((m) => m.similarity!);
    expect(sims).toEqual([...sims].sort((a, b) => b - a));
    state.sortBy('mol_wt');
    expect(state.descending).toBe(false);
    const weights = state.sorted.map((m) => m.props.mol_wt as number);
    expect(weights).toEqual([...weights].sort((a, b) => a - b));
    state.sortBy('mol_wt');
    expect(state.sorted[0].props.mol_wt).toBe(Math.max(...weights));
    expect(state.sortKeys).toContain('clogp');
  });

  it('puts molecules without the value last in either direction', () => {
    const a = designed('CC', 'C', 'neighbours', {});
    const b = { ...designed('CCC', 'C', 'neighbours', {}), props: {} };
    const c = designed('CCCC', 'C', 'neighbours', {});
    expect(sortMolecules([b, a, c], 'mol_wt', true).map((m) => m.smiles)).toEqual(['CCCC', 'CC', 'CCC']);
    expect(sortMolecules([b, a, c], 'mol_wt', false).map((m) => m.smiles)).toEqual(['CC', 'CCCC', 'CCC']);
  });
});

describe('CandidateKeeper', () => {
  it('keeps a designed molecule with its provenance, rating and note in a list made by name', async () => {
    const core = new MemoryCore();
    const keeper = new CandidateKeeper(createClient(core));
    const m = designed('CCCN', 'CCO', 'walk', { offsets: [{ direction: 'pc1', amount: 1 }] });
    expect(await keeper.keep(m, { listName: ' hits ', rating: 4, note: 'nice' })).toBe(true);
    const [call] = core.calls('candidates.keep');
    expect(call.args).toMatchObject({ listName: 'hits', smiles: 'CCCN', rating: 4, note: 'nice', provenance: m.provenance });
    expect(keeper.lastList).toMatchObject({ name: 'hits', kind: 'candidates', moleculeCount: 1 });
  });

  it('keeps picked molecules into one list (made by the first, then by id), with a manual provenance', async () => {
    const core = new MemoryCore();
    const keeper = new CandidateKeeper(createClient(core));
    const ok = await keeper.keepPicked(
      [
        { smiles: 'CCO', name: 'a' },
        { smiles: 'CCN', name: null },
        { smiles: 'CCC', name: 'c' },
      ],
      'series',
      { listName: 'picked', rating: 0, note: '' },
    );
    expect(ok).toBe(true);
    const calls = core.calls('candidates.keep');
    expect(calls.map((c) => c.args.listName ?? c.args.listId)).toEqual(['picked', keeper.lastList!.id, keeper.lastList!.id]);
    expect(calls[0].args.provenance).toMatchObject({ operation: 'manual', seed: null, params: { source: 'series' } });
    expect(core.collections.filter((c) => c.kind === 'candidates')).toHaveLength(1);
    expect(keeper.lastList!.moleculeCount).toBe(3);
  });

  it('refuses an invalid decode and reports a failing call', async () => {
    const core = new MemoryCore();
    const keeper = new CandidateKeeper(createClient(core));
    expect(await keeper.keep({ ...designed('C', 'C', 'walk', {}), smiles: null, valid: false }, { rating: 0, note: '' })).toBe(false);
    expect(keeper.error).toMatch(/invalid decode/);
    expect(await keeper.keep(designed('CC', 'C', 'walk', {}), { listId: 42, rating: 0, note: '' })).toBe(false);
    expect(keeper.error).toMatch(/Could not keep the molecule: There is no collection 42/);
  });
});
