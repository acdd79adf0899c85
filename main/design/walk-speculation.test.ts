// The drag's next position decoded ahead: same answers as without it (a fresh core answering each position
// alone), a continued drag is answered from the speculation, a move elsewhere stops it, and provenance time
// is the real request's. Shipped model, real ONNX Runtime and RDKit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls } from '../api/contract.ts';
import type { CallArgs, DesignedMolecule } from '../api/contract.ts';
import { designContext } from './design-context.ts';
import type { DesignContext } from './design-context.ts';
import { ModelService } from './model-service.ts';
import { defaultModelDir } from './model-path.ts';
import { walk } from './walk.ts';
import { nextPosition, walkKey } from './walk-speculation.ts';

const SEED = 'Cc1n[nH]cc1c2ccccc2Oc3ccc(cc3C(=O)N)S(=O)(=O)Nc4nccs4';
const withoutTime = (m: DesignedMolecule) => ({ ...m, provenance: { ...m.provenance, createdAt: '' } });
const args = (a: Omit<CallArgs<'latent.walk'>, 'seed'>) => {
  const { model: _, ...rest } = calls['latent.walk'].args.parse({ seed: SEED, draw: { width: 240, height: 180 }, ...a });
  return rest;
};
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
