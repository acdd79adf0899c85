// The walk's chemistry thread gives what the core's own thread would (same chemPart, same RDKit), keeps it in
// the cache, lets a request wait for a molecule it has in hand or queued, and drops the stale ones when the
// chemist moves. Real RDKit in a real worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRDKit } from '../chem/rdkit.ts';
import { ChemAhead } from './chem-ahead.ts';
import { ChemCache, chemPart, seedChem } from './designed-molecule.ts';

const SEED = 'Cc1n[nH]cc1-c1ccccc1Oc1ccc(S(=O)(=O)Nc2nccs2)cc1C(N)=O';
const MOLECULES = ['Cc1n[nH]cc1-c1ccccc1Oc1ccc(S(=O)(=O)Nc2nccs2)cc1C(=O)O', 'CC(=O)Nc1ccc(O)cc1', 'Cc1n[nH]cc1-c1ccccc1Oc1ccc(S(N)(=O)=O)cc1'];
const draw = { width: 240, height: 180 };

let cache: ChemCache;
let ahead: ChemAhead;
beforeAll(async () => {
  await loadRDKit();
  cache = new ChemCache();
  ahead = new ChemAhead(cache);
});
afterAll(async () => {
  await ahead?.close();
});

async function until(check: () => boolean, ms = 20_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A cache that records, in order, the molecules put into it. */
function recordingCache(): { cache: ChemCache; made: string[] } {
  const cache = new ChemCache();
  const made: string[] = [];
  const put = cache.put.bind(cache);
  cache.put = (...a: Parameters<ChemCache['put']>) => {
    made.push(a[0]);
    return put(...a);
  };
  return { cache, made };
}

describe('ChemAhead', () => {
  it("makes the same panel, similarity, changed atoms and drawing as the core's thread, into the cache", async () => {
    ahead.warm();
    for (const m of MOLECULES) ahead.make(m, SEED, draw);
    await until(() => MOLECULES.every((m) => cache.has(m, SEED, draw)));
    const seed = seedChem(SEED)!;
    for (const m of MOLECULES) {
      const fromThread = cache.get(m, seed, draw, () => {
        throw new Error('not in the cache');
      });
      expect(fromThread).toEqual(chemPart(m, seed, draw));
    }
    expect(ahead.stats).toMatchObject({ made: 3, failed: 0 });
  });

  it('a molecule known already is not sent again; one RDKit cannot read is counted, not cached', async () => {
    const made = ahead.stats.made;
    ahead.make(MOLECULES[0], SEED, draw);
    ahead.make('C1CC', SEED, draw);
    await until(() => ahead.stats.made + ahead.stats.failed > made || ahead.current('C1CC', SEED, draw) === undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ahead.stats.made).toBe(made);
    expect(cache.has('C1CC', SEED, draw)).toBe(false);
  });

  it("an urgent molecule (a drag's next position) goes ahead of those waiting", async () => {
    const { cache: c, made } = recordingCache();
    const own = new ChemAhead(c);
    own.warm();
    const waiting = Array.from({ length: 12 }, (_, i) => `${'C'.repeat(i + 2)}N`);
    for (const m of waiting) own.make(m, SEED, draw);
    own.make('c1ccccc1O', SEED, draw, true);
    own.make(waiting[11], SEED, draw, true); // one already waiting, made urgent: to the front too
    await until(() => made.length === 13);
    // two at a time go to the thread: only those handed over before the urgent ones came are made first
    expect(made.slice(0, 4).sort()).toEqual([waiting[0], waiting[1], waiting[11], 'c1ccccc1O'].sort());
    expect(made.indexOf(waiting[11])).toBeLessThan(made.indexOf('c1ccccc1O'));
    await own.close();
  });

  it('a request waits for a molecule the thread has queued (moved to the front); a move drops the stale ones', async () => {
    const { cache: c, made } = recordingCache();
    const own = new ChemAhead(c);
    own.warm();
    await until(() => own.loaded);
    const waiting = Array.from({ length: 12 }, (_, i) => `${'C'.repeat(i + 2)}O`);
    for (const m of waiting) own.make(m, SEED, draw);
    own.make('c1ccccc1N', SEED, draw, true);
    expect(own.current('CCCCCCCCCCCCCCCCO', SEED, draw)).toBeUndefined(); // not the thread's
    const asked = own.current(waiting[10], SEED, draw);
    expect(asked).toBeDefined();
    own.dropStale();
    await asked;
    expect(c.has(waiting[10], SEED, draw)).toBe(true);
    await until(() => made.length === 4);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // the two handed over before, the one asked for (ahead of the urgent one), the urgent one; the rest dropped
    expect(made).toEqual([waiting[0], waiting[1], waiting[10], 'c1ccccc1N']);
    expect(own.stats.dropped).toBe(9);
    await own.close();
  });

  it('after close() nothing is sent and the caller makes chemistry itself', async () => {
    const own = new ChemAhead(new ChemCache());
    own.warm();
    await own.close();
    expect(own.available).toBe(false);
    own.make('CCO', null, undefined);
    expect(own.current('CCO', null, undefined)).toBeUndefined();
  });
});
