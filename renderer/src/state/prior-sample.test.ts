import { describe, expect, it } from 'vitest';
import { createClient } from '../../../main/api/client.ts';
import type { Transport } from '../../../main/api/client.ts';
import { MemoryCore } from '../test-support/memory-core.ts';
import { PriorSampleState, sortSampled, type Sampled } from './prior-sample.svelte.ts';

describe('PriorSampleState', () => {
  it('samples valid-first from N(0, I) by default and counts draws, valid and unique; repeats fold into one', async () => {
    const core = new MemoryCore();
    const ps = new PriorSampleState(createClient(core));
    ps.model = 'zinc250k';
    ps.n = 14;
    await ps.run();
    expect(core.calls('latent.sample')[0].args).toEqual({ n: 14, seed: 0, source: 'prior', strategy: 'valid-first', temperature: 1, describe: true, draw: { width: 180, height: 140 } });
    // 14 draws: draws 7 and 14 invalid, draws 3, 6, 9, 12 repeat the one before
    expect(ps.counts).toEqual({ draws: 14, valid: 12, unique: 8, new: null });
    expect(ps.shown).toHaveLength(8);
    expect(ps.shown.every((m) => m.valid)).toBe(true);
    expect(ps.shown[1].repeats).toBe(2);
    ps.showInvalid = true;
    expect(ps.shown).toHaveLength(10);
    const p = ps.shown[1].provenance;
    expect(p).toMatchObject({ operation: 'sample', seed: null, model: 'zinc250k', randomSeed: 0, params: { n: 14, source: 'prior', strategy: 'valid-first', temperature: 1, draw: 1 } });
  });

  it('sends no temperature for greedy or beam decoding, and the aggregate posterior when chosen', async () => {
    const core = new MemoryCore();
    const ps = new PriorSampleState(createClient(core));
    ps.strategy = 'greedy';
    ps.source = 'aggregate';
    ps.randomSeed = 7;
    ps.n = 5;
    await ps.run();
    expect(core.calls('latent.sample')[0].args).toEqual({ n: 5, seed: 7, source: 'aggregate', strategy: 'greedy', describe: true, draw: { width: 180, height: 140 } });
    expect(ps.molecules[0].provenance.params).toEqual({ n: 5, source: 'aggregate', strategy: 'greedy', draw: 0 });
  });

  it('refuses settings the core would refuse, without a call', async () => {
    const core = new MemoryCore();
    const ps = new PriorSampleState(createClient(core));
    ps.n = 6000;
    await ps.run();
    expect(ps.error).toBe('Draws is a whole number from 1 to 5,000.');
    ps.n = 10;
    ps.temperature = 0;
    await ps.run();
    expect(ps.error).toMatch(/temperature/);
    expect(core.calls('latent.sample')).toHaveLength(0);
  });

  it("shows the core's reason and clears the old samples", async () => {
    const core = new MemoryCore();
    const ps = new PriorSampleState(createClient(core));
    await ps.run();
    expect(ps.molecules.length).toBeGreaterThan(0);
    core.gate = Promise.reject(new Error('The model has no latent statistics for the aggregate posterior.'));
    core.gate.catch(() => {});
    await ps.run();
    expect(ps.error).toBe('The model has no latent statistics for the aggregate posterior.');
    expect(ps.molecules).toEqual([]);
    expect(ps.counts).toBeNull();
  });

  it('uses what a richer answer carries: properties to sort and filter on, and which are new', async () => {
    // a core that answers like latent.neighbours does (properties, training and workspace membership)
    const transport: Transport = {
      call: async () => ({
        molecules: [
          { raw: 'CCO', smiles: 'CCO', valid: true, props: { mol_wt: 46, qed: 0.4 }, inTraining: true, inWorkspace: false, svg: null },
          { raw: 'CCCCO', smiles: 'CCCCO', valid: true, props: { mol_wt: 74, qed: 0.5 }, inTraining: false, inWorkspace: false, svg: null },
          { raw: 'c1ccccc1O', smiles: 'Oc1ccccc1', valid: true, props: { mol_wt: 94, qed: 0.6 }, inTraining: false, inWorkspace: false, svg: null },
        ],
      }),
      on: () => () => {},
    };
    const ps = new PriorSampleState(createClient(transport));
    await ps.run();
    expect(ps.counts).toEqual({ draws: 3, valid: 3, unique: 3, new: 2 });
    expect(ps.propertyKeys).toEqual(['mol_wt', 'qed']);
    ps.sortBy('qed');
    expect(ps.shown.map((m) => m.smiles)).toEqual(['Oc1ccccc1', 'CCCCO', 'CCO']);
    ps.filterKey = 'mol_wt';
    ps.filterMin = 50;
    ps.filterMax = 80;
    expect(ps.shown.map((m) => m.smiles)).toEqual(['CCCCO']);
    ps.filterMin = null;
    ps.filterMax = null;
    ps.onlyNew = true;
    expect(ps.shown.map((m) => m.smiles)).toEqual(['Oc1ccccc1', 'CCCCO']);
  });
});

describe('sortSampled', () => {
  const m = (index: number, smiles: string | null, props: Record<string, number> = {}): Sampled => ({ index, raw: smiles ?? 'C(', smiles, valid: smiles !== null, repeats: 1, props, inTraining: null, inWorkspace: null, svg: null, provenance: { operation: 'sample', seed: null, params: {}, model: null, modelSha256: null, randomSeed: 0, createdAt: '' } });
  it('sorts by draw, SMILES length or a property, those without a value last either way', () => {
    const ms = [m(0, 'CCCC', { qed: 0.2 }), m(1, 'C'), m(2, 'CC', { qed: 0.9 })];
    expect(sortSampled(ms, 'length', false).map((x) => x.index)).toEqual([1, 2, 0]);
    expect(sortSampled(ms, 'qed', true).map((x) => x.index)).toEqual([2, 0, 1]);
    expect(sortSampled(ms, 'qed', false).map((x) => x.index)).toEqual([0, 2, 1]);
    expect(sortSampled(ms, 'draw', true).map((x) => x.index)).toEqual([2, 1, 0]);
  });
});
