import { describe, expect, it } from 'vitest';
import { createClient } from '../../../main/api/client.ts';
import type { MoleculeFilter } from '../../../main/api/contract.ts';
import { MemoryCore, settle } from '../test-support/memory-core.ts';
import { FilterState } from './filter.svelte.ts';

function setup(n = 300) {
  const core = new MemoryCore();
  const c = core.addCollection(n, { userProps: (p) => ({ pIC50: 5 + (p % 10) / 2 }) });
  const applied: (MoleculeFilter | undefined)[] = [];
  const filter = new FilterState(createClient(core), c.id, (f) => applied.push(f), 20);
  return { core, c, filter, applied, rows: core.molecules.get(c.id)! };
}

describe('FilterState', () => {
  it('reads the bounds of every numeric property and file column', async () => {
    const { filter, rows } = setup();
    await filter.loadStats();
    const mw = rows.map((r) => r.props.mol_wt as number);
    expect(filter.stat('mol_wt')).toEqual({ key: 'mol_wt', min: Math.min(...mw), max: Math.max(...mw), count: rows.length });
    expect(filter.stat('user:pIC50')).toMatchObject({ min: 5, max: 9.5 });
    expect(filter.bounds('clogp')).toEqual({ low: filter.stat('clogp')!.min, high: filter.stat('clogp')!.max });
  });

  it('counts the molecules in a range after the debounce, and hands that filter to the table', async () => {
    const { core, filter, applied, rows } = setup();
    await filter.loadStats();
    const { min, max } = filter.stat('clogp')!;
    filter.setRange('clogp', min, 0);
    filter.setRange('clogp', min, 0.5); // a second move within the debounce: one check, of the last one
    expect(filter.checking).toBe(true);
    await settle(80);
    const expected = rows.filter((r) => (r.props.clogp as number) <= 0.5).length;
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(rows.length);
    expect(filter.count).toBe(expected);
    expect(filter.checking).toBe(false);
    // The lower end sits at the data's minimum: left open, so float rounding never drops the extreme molecule.
    expect(applied).toEqual([{ ranges: [{ key: 'clogp', min: undefined, max: 0.5 }] }]);
    expect(core.calls('collections.count')).toHaveLength(1);

    filter.setRange('clogp', min, max);
    await settle(80);
    // nothing narrows the collection: no count of its own (the panel shows the collection's size)
    expect(filter.count).toBeNull();
    expect(applied.at(-1)).toBeUndefined();
    expect(filter.active).toBe(false);
  });

  it('keeps only the last of quick changes: a slow answer to an earlier query never lands', async () => {
    const { core, filter } = setup();
    let open!: () => void;
    core.gate = new Promise<void>((resolve) => (open = resolve));
    filter.setSubstructure('C');
    const first = filter.flush();
    core.gate = null;
    filter.setSubstructure('CCCC');
    await filter.flush();
    const last = filter.count;
    open();
    await first;
    expect(filter.count).toBe(last);
  });

  it('combines ranges on file columns with a substructure', async () => {
    const { filter, rows } = setup();
    await filter.loadStats();
    filter.setRange('user:pIC50', 7, 9.5);
    filter.setSubstructure('CCC');
    await filter.flush();
    const expected = rows.filter((r) => (r.userProps.pIC50 as number) >= 7 && r.canonicalSmiles.includes('CCC')).length;
    expect(expected).toBeGreaterThan(0);
    expect(filter.count).toBe(expected);
  });

  it("says when the query does not parse, without a refused call, and keeps the table's last good filter", async () => {
    const { core, filter, applied } = setup();
    filter.setSubstructure('CC');
    await filter.flush();
    expect(applied).toEqual([{ ranges: [], substructure: 'CC', mode: 'smarts' }]);
    expect(filter.count).toBeGreaterThan(0);
    filter.setSubstructure('C1CC!');
    await filter.flush();
    expect(filter.queryError).toMatch(/Not a valid SMARTS query/);
    // no stale number for a query that has none
    expect(filter.count).toBeNull();
    expect(applied).toHaveLength(1);
    filter.setMode('smiles');
    await filter.flush();
    expect(filter.queryError).toMatch(/Not a valid SMILES query/);
    // the table was only ever asked with filters that worked
    expect(core.calls('collections.molecules').every((c) => !String((c.args.filter as MoleculeFilter | undefined)?.substructure ?? '').includes('!'))).toBe(true);
    filter.setSubstructure('');
    await filter.flush();
    expect(filter.queryError).toBeNull();
    expect(applied.at(-1)).toBeUndefined();
  });

  it('saves the molecules that pass as a new filtered collection', async () => {
    const { core, filter } = setup();
    await filter.loadStats();
    filter.setRange('hbd', 0, 1);
    await filter.flush();
    const saved = await filter.saveAsCollection('few donors');
    expect(saved.kind).toBe('filtered');
    expect(saved.name).toBe('few donors');
    expect(saved.moleculeCount).toBe(filter.count);
    expect(core.molecules.get(saved.id)!.every((r) => (r.props.hbd as number) <= 1)).toBe(true);
  });
});
