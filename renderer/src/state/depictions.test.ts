import { describe, expect, it } from 'vitest';
import { createClient } from '../../../main/api/client.ts';
import { MemoryCore, settle } from '../test-support/memory-core.ts';
import { DepictionCache, svgDataUrl } from './depictions.svelte.ts';

describe('DepictionCache', () => {
  it('batches requests made together into one call and caches the answers', async () => {
    const core = new MemoryCore();
    const cache = new DepictionCache(createClient(core), 150, 96);
    cache.request(['CCO', 'c1ccccc1']);
    cache.request(['CCN', 'CCO']);
    expect(cache.get('CCO')).toBeUndefined();
    await settle();
    const calls = core.calls('chem.depict');
    expect(calls).toHaveLength(1);
    expect(calls[0].args).toEqual({ smiles: ['CCO', 'c1ccccc1', 'CCN'], width: 150, height: 96 });
    expect(cache.get('CCO')).toMatch(/^data:image\/svg\+xml;charset=utf-8,%3Csvg/);
    cache.request(['CCO', 'CCN']);
    await settle();
    expect(core.calls('chem.depict')).toHaveLength(1);
  });

  it('splits large requests to the contract limit and marks undrawable ones null', async () => {
    const core = new MemoryCore();
    const cache = new DepictionCache(createClient(core));
    const smiles = Array.from({ length: 250 }, (_, i) => `C${i}`);
    cache.request([...smiles, 'not!a!smiles']);
    await settle();
    expect(core.calls('chem.depict').map((c) => (c.args.smiles as string[]).length)).toEqual([100, 100, 51]);
    expect(cache.get('not!a!smiles')).toBeNull();
    expect(cache.get('C249')).toBeTypeOf('string');
  });

  it('encodes the SVG so markup cannot break out of the image URL', () => {
    const url = svgDataUrl('<svg><text>"quoted" & #hash</text></svg>');
    expect(url).not.toMatch(/["<>#]/);
    expect(decodeURIComponent(url.slice(url.indexOf(',') + 1))).toBe('<svg><text>"quoted" & #hash</text></svg>');
  });
});
