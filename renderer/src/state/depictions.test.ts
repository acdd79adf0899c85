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
    await settle(100);
    const calls = core.calls('chem.depict');
    expect(calls).toHaveLength(1);
    expect(calls[0].args).toEqual({ smiles: ['CCO', 'c1ccccc1', 'CCN'], width: 150, height: 96 });
    expect(cache.get('CCO')).toMatch(/^data:image\/svg\+xml;charset=utf-8,%3Csvg/);
    cache.request(['CCO', 'CCN']);
    await settle(100);
    expect(core.calls('chem.depict')).toHaveLength(1);
  });

  it('splits large requests to the contract limit and marks undrawable ones null', async () => {
    const core = new MemoryCore();
    const cache = new DepictionCache(createClient(core));
    const smiles = Array.from({ length: 250 }, (_, i) => `C${i}`);
    cache.request([...smiles, 'not!a!smiles']);
    await settle(100);
    expect(core.calls('chem.depict').map((c) => (c.args.smiles as string[]).length)).toEqual([100, 100, 51]);
    expect(cache.get('not!a!smiles')).toBeNull();
    expect(cache.get('C249')).toBeTypeOf('string');
  });

  it('draws only what is still in view once scrolling pauses', async () => {
    const core = new MemoryCore();
    const cache = new DepictionCache(createClient(core));
    // A fling: each frame shows other rows; none of them stays.
    for (let frame = 0; frame < 5; frame++) {
      cache.show([`C${frame}N`, `C${frame}O`]);
      await settle(10);
    }
    cache.show(['CCCl', 'CCBr']);
    await settle(120);
    expect(core.calls('chem.depict').map((c) => c.args.smiles)).toEqual([['CCCl', 'CCBr']]);
  });

  it('still draws during a long slow scroll, at least every few hundred ms', async () => {
    const core = new MemoryCore();
    const cache = new DepictionCache(createClient(core));
    for (let frame = 0; frame < 40; frame++) {
      cache.show([`C${frame}N`]);
      await settle(16);
    }
    expect(core.calls('chem.depict').length).toBeGreaterThan(0);
  });

  it('encodes the SVG so markup cannot break out of the image URL', () => {
    const url = svgDataUrl('<svg><text>"quoted" & #hash</text></svg>');
    expect(url).not.toMatch(/["<>#]/);
    expect(decodeURIComponent(url.slice(url.indexOf(',') + 1))).toBe('<svg><text>"quoted" & #hash</text></svg>');
  });
});
