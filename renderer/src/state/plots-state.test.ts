// The plot and shortlist state without a core: typed arrays decoded as the core encodes them, the index over the
// points that have both values, brushing by data box, nearest-point hover in each axis' own units, and the
// shortlist's settings checked before anything is sent.
import { describe, expect, it } from 'vitest';
import { createClient } from '../../../main/api/client.ts';
import { MemoryCore } from '../test-support/memory-core.ts';
import { ScatterState, decodeFloat32, decodeInt32, indexPoints } from './scatter.svelte.ts';
import { ShortlistSetup } from './shortlist.svelte.ts';

const b64 = (a: Float32Array | Int32Array) => btoa(String.fromCharCode(...new Uint8Array(a.buffer)));

describe('scatter state', () => {
  it('decodes the base64 typed arrays the core sends', () => {
    expect([...decodeFloat32(b64(Float32Array.of(1.5, Number.NaN, -2)))].map((v) => (Number.isNaN(v) ? 'NaN' : v))).toEqual([1.5, 'NaN', -2]);
    expect([...decodeInt32(b64(Int32Array.of(7, 123456789)))]).toEqual([7, 123456789]);
  });

  it('indexes only the points with both values, and brushes and hovers through that index', () => {
    const x = Float32Array.of(0, 1, Number.NaN, 2, 3);
    const y = Float32Array.of(0, 100, 50, Number.NaN, 300);
    const { index, indexed } = indexPoints(x, y);
    expect([...indexed]).toEqual([0, 1, 4]);
    const plot = new ScatterState(createClient(new MemoryCore()), 1);
    plot.data = { ids: Int32Array.of(10, 11, 12, 13, 14), x, y, c: null, index, indexed, keys: { x: 'a', y: 'b', c: null } };
    plot.brush(-0.5, -10, 1.5, 150);
    expect(plot.brushedIds()).toEqual([10, 11]);
    // x in units of 1, y in units of 100: the point at (1, 100) is nearer to (1.1, 180) than (3, 300) is, in each axis' own units
    expect(plot.nearest(1.1, 180, 0.5, 100)).toBe(1);
    expect(plot.nearest(2.6, 290, 0.5, 100)).toBe(4);
    expect(plot.nearest(10, 10, 0.5, 5)).toBe(-1);
  });
});

describe('shortlist settings', () => {
  it('names what is missing before sending anything', () => {
    const core = new MemoryCore();
    const setup = new ShortlistSetup(createClient(core), 1, 'diverse');
    expect(setup.problem(undefined, [])).toBeNull();
    setup.count = 0;
    expect(setup.problem(undefined, [])).toMatch(/between 1 and 5,000/);
    setup.count = 10;
    setup.source = 'filter';
    expect(setup.problem(undefined, [])).toMatch(/No filter narrows/);
    expect(setup.problem({ ranges: [{ key: 'qed', min: 0.5 }] }, [])).toBeNull();
    setup.source = 'selection';
    expect(setup.problem(undefined, [])).toMatch(/Nothing is selected/);
    expect(setup.problem(undefined, [3, 4])).toBeNull();
    setup.listName = '  ';
    expect(setup.problem(undefined, [3, 4])).toMatch(/Name the candidate list/);
    expect(core.log).toEqual([]);
  });
});
