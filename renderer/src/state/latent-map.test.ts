import { describe, expect, it } from 'vitest';
import { createClient } from '../../../main/api/client.ts';
import { MemoryCore, settle } from '../test-support/memory-core.ts';
import { track } from '../test-support/track.svelte.ts';
import { LatentMapState } from './latent-map.svelte.ts';

function setup(n = 25) {
  const core = new MemoryCore();
  const c = core.addCollection(n, { name: 'series' });
  return { core, c, map: new LatentMapState(createClient(core), c.id) };
}

describe('LatentMapState', () => {
  it('reads the map into typed arrays with an index that finds each point', async () => {
    const { core, map, c } = setup();
    await map.load();
    expect(map.count).toBe(25);
    expect(map.points!.axes[0]).toMatch(/^PC1/);
    const rows = core.molecules.get(c.id)!;
    for (const r of rows.slice(0, 5)) {
      const i = map.indexOf(r.id)!;
      expect(map.points!.index.nearest(r.position % 10, Math.floor(r.position / 10), 0.01)).toBe(i);
    }
    expect(map.colorScale).toBeNull();
  });

  it('colours by a property: values and a scale over their range', async () => {
    const { map } = setup();
    await map.loadColorKeys();
    expect(map.colorKeys.map((s) => s.key)).toContain('clogp');
    map.setColorBy('clogp');
    // The legend follows the map on show, not the choice still loading.
    expect(map.shownColorBy).toBeNull();
    await map.load();
    expect(map.shownColorBy).toBe('clogp');
    expect(map.points!.values).toHaveLength(25);
    // the scale spans the 2nd to 98th percentile; the legend keeps the data's own ends
    const values = [...(map.points!.values as number[])].sort((a, b) => a - b);
    expect(map.colorData).toEqual({ min: values[0], max: values[values.length - 1] });
    expect(map.colorScale!.min).toBeCloseTo(values[0] + 0.48 * (values[1] - values[0]), 9);
    expect(map.colorScale!.max).toBeCloseTo(values[23] + 0.52 * (values[24] - values[23]), 9);
    map.setPercentiles(0, 100);
    expect([map.colorScale!.min, map.colorScale!.max]).toEqual([values[0], values[24]]);
    map.setColorBy(null);
    await map.load();
    expect([map.shownColorBy, map.colorScale, map.points!.values]).toEqual([null, null, null]);
  });

  it('reads SMILES and names in pages behind the map', async () => {
    const { core, map, c } = setup(4500);
    await map.load();
    expect(map.moleculeAt(0)).toBeUndefined();
    await map.readMolecules();
    expect(core.calls('collections.molecules')).toHaveLength(3);
    expect(map.moleculesKnown).toBe(4500);
    const row = core.molecules.get(c.id)![4321];
    expect(map.moleculeAt(map.indexOf(row.id)!)).toEqual({ id: row.id, smiles: row.canonicalSmiles, name: row.name });
  });

  it('lets a reaction reading a molecule run again once its page lands', async () => {
    const { map } = setup(10);
    await map.load();
    const seen = track(() => map.moleculeAt(3)?.name);
    await map.readMolecules();
    await settle();
    expect(seen.values[0]).toBeUndefined();
    expect(seen.values.at(-1)).toBe(map.moleculeAt(3)!.name);
    seen.stop();
  });

  it('stops reading pages once disposed', async () => {
    const { core, map } = setup(9000);
    await map.load();
    const reading = map.readMolecules();
    map.dispose();
    await reading;
    expect(core.calls('collections.molecules').length).toBeLessThan(5);
    expect(map.moleculesKnown).toBeLessThan(9000);
  });

  it('boxes the points inside a rectangle and lists their molecules', async () => {
    const { map } = setup();
    await map.load();
    await map.readMolecules();
    map.box(0.5, 0.5, 2.5, 1.5); // x in 1..2, y = 1: positions 11 and 12
    expect(map.boxedMolecules().map((m) => m.name)).toEqual(['mol-000011', 'mol-000012']);
    map.clearBox();
    expect(map.boxed).toEqual([]);
  });

  it('keeps the selected molecule across a reload with more points, and counts the ones still missing', async () => {
    const { core, map, c } = setup(30);
    const rows = core.molecules.get(c.id)!;
    for (const r of rows.slice(0, 10)) core.unencoded.add(r.id);
    await map.load();
    expect(map.missing).toBe(10);
    map.select(map.indexOf(rows[20].id));
    core.unencoded.clear();
    await map.load();
    expect(map.missing).toBe(0);
    expect(map.points!.ids[map.selected!]).toBe(rows[20].id);
  });

  it('says why when the map cannot be read', async () => {
    const core = new MemoryCore();
    const map = new LatentMapState(createClient(core), 99);
    await map.load();
    expect(map.error).toMatch(/Could not read the latent map: There is no collection 99/);
    expect(map.loading).toBe(false);
  });
});
