// Positions decoded ahead: same answers as without it (a fresh core answering each position alone), a
// continued drag and the positions a page names are answered from the speculation, a move elsewhere stops it,
// chemistry comes from the chemistry thread, and provenance time is the real request's. Shipped model, real
// ONNX Runtime and RDKit (in the thread too).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls } from '../api/contract.ts';
import type { CallArgs, DesignedMolecule } from '../api/contract.ts';
import { designContext } from './design-context.ts';
import type { DesignContext } from './design-context.ts';
import { ModelService } from './model-service.ts';
import { defaultModelDir } from './model-path.ts';
import { ahead, walk } from './walk.ts';
import { WalkSpeculation, nextPosition, walkKey } from './walk-speculation.ts';
import type { AheadTask } from './walk-speculation.ts';
import { DecodeStopped } from '../../models/runtime/decode.ts';

const SEED = 'Cc1n[nH]cc1c2ccccc2Oc3ccc(cc3C(=O)N)S(=O)(=O)Nc4nccs4';
const withoutTime = (m: DesignedMolecule) => ({ ...m, provenance: { ...m.provenance, createdAt: '' } });
const args = (a: Omit<CallArgs<'latent.walk'>, 'seed'>) => {
  const { model: _, ...rest } = calls['latent.walk'].args.parse({ seed: SEED, draw: { width: 240, height: 180 }, ...a });
  return rest;
};
async function until(check: () => boolean, ms = 30_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
/** until the speculation under way (if any) has finished, chemistry included */
const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

let model: ModelService;
beforeAll(async () => {
  model = await ModelService.open(defaultModelDir());
});
afterAll(async () => {
  await model?.close();
});

describe('nextPosition', () => {
  it('continues the one slider that moved by the same step, keeping the order and the other sliders', () => {
    expect(nextPosition([{ direction: 'pc1', amount: 0.25 }], [{ direction: 'pc1', amount: 0.5 }])).toEqual([{ direction: 'pc1', amount: 0.75 }]);
    expect(nextPosition([{ direction: 'qed+', amount: 1 }], [{ direction: 'pc1', amount: -0.1 }, { direction: 'qed+', amount: 1 }])).toEqual([{ direction: 'pc1', amount: -0.2 }, { direction: 'qed+', amount: 1 }]);
    expect(nextPosition([{ direction: 'pc1', amount: 0.5 }], [{ direction: 'pc1', amount: 0.25 }])).toEqual([]);
    expect(nextPosition([{ direction: 'pc1', amount: 0.5 }], [{ direction: 'pc2', amount: 0.25 }])).toBeNull();
    expect(nextPosition([{ direction: 'pc1', amount: 0.5 }], [{ direction: 'pc1', amount: 0.5 }])).toBeNull();
  });

  it('keys positions by seed, the non-zero amounts in order and the random seed', () => {
    expect(walkKey('C', [{ direction: 'pc1', amount: 0 }, { direction: 'pc2', amount: 1 }], 0)).toBe(walkKey('C', [{ direction: 'pc2', amount: 1 }], 0));
    expect(walkKey('C', [{ direction: 'pc2', amount: 1 }], 0)).not.toBe(walkKey('C', [{ direction: 'pc2', amount: 1 }], 1));
  });
});

describe('WalkSpeculation', () => {
  /** A position whose decode ends when finish() is called, or as stopped at its next check. */
  function slowTask(key: string) {
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    let stopped = false;
    const task: AheadTask = {
      key,
      decode: async (shouldStop) => {
        while (true) {
          if (shouldStop()) {
            stopped = true;
            throw new DecodeStopped();
          }
          const done = await Promise.race([finished.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 5))]);
          if (done) return { raw: key, smiles: key, valid: true, tries: 1 };
        }
      },
    };
    return { task, finish, stopped: () => stopped };
  }

  it('never stops a decode a request waits for: not for a new plan, a new seed, nor a request elsewhere', async () => {
    const spec = new WalkSpeculation();
    const a = slowTask('A'), b = slowTask('B');
    spec.plan('g', [a.task]);
    await until(() => spec.stats.started === 1);
    const joined = spec.begin('A');
    expect(spec.stats.joined).toBe(1);
    spec.plan('g', [b.task]); // a page naming other positions now
    spec.plan('h', [b.task]); // another seed
    const elsewhere = spec.begin('C'); // a request for a position not speculated
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(a.stopped()).toBe(false);
    a.finish();
    expect((await joined.speculated)?.smiles).toBe('A');
    joined.end();
    elsewhere.end();
    expect(spec.stats.stopped).toBe(0);
    await spec.stop();
  });

  it('stops a decode no request waits for when the page names other positions', async () => {
    const spec = new WalkSpeculation();
    const a = slowTask('A'), b = slowTask('B');
    spec.plan('g', [a.task]);
    await until(() => spec.stats.started === 1);
    spec.plan('g', [b.task]);
    await until(() => a.stopped());
    expect(spec.stats.stopped).toBe(1);
    b.finish();
    await spec.stop();
  });
});

describe('walk with the next position decoded ahead', () => {
  it('answers a continued drag from the speculation, the same as a core answering that position alone, with the request\'s own time', async () => {
    const ctx: DesignContext = designContext(model, null);
    const positions = [0.25, 0.5, 0.75, 1, 1.25, 1.5];
    const answers = [];
    for (const amount of positions) {
      answers.push(await walk(ctx, args({ offsets: [{ direction: 'pc1', amount }], randomSeed: 3 })));
      await settle();
    }
    // from the third move on, each position was decoded ahead
    expect(ctx.walkAhead.stats.started).toBeGreaterThanOrEqual(positions.length - 2);
    expect(ctx.walkAhead.stats.hits + ctx.walkAhead.stats.joined).toBeGreaterThanOrEqual(positions.length - 2);
    for (const [i, amount] of positions.entries()) {
      const alone = await walk(designContext(model, null), args({ offsets: [{ direction: 'pc1', amount }], randomSeed: 3 }));
      expect(withoutTime(answers[i].molecule)).toEqual(withoutTime(alone.molecule));
    }
    // the last hit's createdAt is its request's time, not the speculation's
    const t0 = Date.now();
    await settle();
    const hit = await walk(ctx, args({ offsets: [{ direction: 'pc1', amount: 1.75 }], randomSeed: 3 }));
    expect(Date.parse(hit.molecule.provenance.createdAt)).toBeGreaterThanOrEqual(t0 + 300);
  });

  it('a prefetch (a page fetching the next position ahead of the hand) is answered as a walk but is not a move', async () => {
    const ctx: DesignContext = designContext(model, null);
    await walk(ctx, args({ offsets: [{ direction: 'pc1', amount: 0.25 }], randomSeed: 2 }));
    const fetched = await walk(ctx, args({ offsets: [{ direction: 'pc1', amount: 0.5 }], randomSeed: 2, ahead: [[{ direction: 'pc1', amount: 2 }]], prefetch: true }));
    await settle();
    // a move from 0.25 to 0.5 would have planned 0.75, and the names in ahead would be decoded: neither
    expect(ctx.walkAhead.stats.started).toBe(0);
    const alone = await walk(designContext(model, null), args({ offsets: [{ direction: 'pc1', amount: 0.5 }], randomSeed: 2 }));
    expect(withoutTime(fetched.molecule)).toEqual(withoutTime(alone.molecule));
    // the real move there continues the drag from 0.25 (the last real position): 0.75 is decoded ahead
    await walk(ctx, args({ offsets: [{ direction: 'pc1', amount: 0.5 }], randomSeed: 2 }));
    await until(() => ctx.walkAhead.stats.started === 1);
    await settle();
    const next = await walk(ctx, args({ offsets: [{ direction: 'pc1', amount: 0.75 }], randomSeed: 2 }));
    expect(ctx.walkAhead.stats.hits).toBe(1);
    expect(next.molecule.provenance.operation).toBe('walk');
    await Promise.all([ctx.chemAhead.close(), ctx.walkAhead.stop()]);
  });

  it('a move elsewhere stops the speculation under way and gets its own answer', async () => {
    const ctx: DesignContext = designContext(model, null);
    await walk(ctx, args({ offsets: [{ direction: 'pc2', amount: 0.5 }] }));
    await walk(ctx, args({ offsets: [{ direction: 'pc2', amount: 1 }] }));
    // the speculation of pc2 = 1.5 starts on the next turn of the event loop; a jump elsewhere comes at once after
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const elsewhere = await walk(ctx, args({ offsets: [{ direction: 'pc2', amount: -2 }] }));
    expect(ctx.walkAhead.stats.started).toBe(1);
    expect(ctx.walkAhead.stats.stopped).toBe(1);
    const alone = await walk(designContext(model, null), args({ offsets: [{ direction: 'pc2', amount: -2 }] }));
    expect(withoutTime(elsewhere.molecule)).toEqual(withoutTime(alone.molecule));
  });

  it('decodes the positions a page names (ahead, latent.ahead) in the background, chemistry made in its thread', async () => {
    const ctx: DesignContext = designContext(model, null);
    const one = (direction: string, amount: number) => [{ direction, amount }];
    // the thread loaded first: a move drops the chemistry still waiting for positions decoded after a pause
    ctx.chemAhead.warm();
    await until(() => ctx.chemAhead.loaded);
    // at the seed: one step either way on two sliders (the later ones after a pause of the walks)
    await walk(ctx, args({ offsets: [], ahead: [one('pc1', 0.5), one('pc1', -0.5), one('qed+', 0.5), one('qed+', -0.5)] }));
    await until(() => ctx.walkAhead.stats.started === 4);
    await settle();
    const answers = [];
    for (const [d, a] of [['qed+', -0.5], ['pc1', 0.5]] as const) answers.push(await walk(ctx, args({ offsets: one(d, a) })));
    expect(ctx.walkAhead.stats.hits).toBe(2);
    // a page that answered a move itself names positions with latent.ahead
    await ahead(ctx, { seed: SEED, ahead: [one('pc2', 1)], randomSeed: 0, draw: { width: 240, height: 180 } });
    await settle();
    answers.push(await walk(ctx, args({ offsets: one('pc2', 1) })));
    expect(ctx.walkAhead.stats.hits).toBe(3);
    // the chemistry thread (loading its RDKit meanwhile) made the speculated molecules' chemistry
    await until(() => ctx.chemAhead.stats.made >= 3);
    const fresh = designContext(model, null);
    for (const [i, [d, a]] of ([['qed+', -0.5], ['pc1', 0.5], ['pc2', 1]] as const).entries()) {
      const alone = await walk(fresh, args({ offsets: one(d, a) }));
      expect(withoutTime(answers[i].molecule)).toEqual(withoutTime(alone.molecule));
    }
    await Promise.all([ctx.chemAhead.close(), fresh.chemAhead.close(), ctx.walkAhead.stop(), fresh.walkAhead.stop()]);
  });

  it('a new seed drops the positions still queued for the old one (and each move the stale chemistry)', async () => {
    const ctx: DesignContext = designContext(model, null);
    const many = Array.from({ length: 20 }, (_, i) => [{ direction: 'pc3', amount: (i + 1) / 4 }]);
    // each move also drops the chemistry still waiting for the positions planned before it
    let drops = 0;
    ctx.chemAhead.dropStale = () => void drops++;
    await walk(ctx, args({ offsets: [], ahead: many }));
    await walk(ctx, { ...args({ offsets: [] }), seed: 'CC(=O)Nc1ccc(O)cc1' });
    expect(drops).toBe(2);
    const started = ctx.walkAhead.stats.started;
    expect(started).toBeLessThan(20);
    await settle();
    expect(ctx.walkAhead.stats.started).toBe(started);
    await Promise.all([ctx.chemAhead.close(), ctx.walkAhead.stop()]);
  });

  it('stop() (closing the model) ends the speculation under way; walks are still answered, none speculated', async () => {
    const ctx: DesignContext = designContext(model, null);
    await walk(ctx, args({ offsets: [{ direction: 'pc1', amount: -0.5 }] }));
    await walk(ctx, args({ offsets: [{ direction: 'pc1', amount: -1 }] }));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ctx.walkAhead.stats.started).toBe(1);
    await ctx.walkAhead.stop();
    const r = await walk(ctx, args({ offsets: [{ direction: 'pc1', amount: -1.5 }] }));
    await settle();
    expect(r.molecule.z.length).toBe(model.latent);
    expect(ctx.walkAhead.stats.started).toBe(1);
  });
});
