import { describe, expect, it, vi } from 'vitest';
import { createClient } from '../../../main/api/client.ts';
import { MemoryCore } from '../test-support/memory-core.ts';
import { PREFETCH_MIN_INTERVAL_MS, WalkState, deltas } from './walk.svelte.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** prefetch off unless asked: these tests count the calls moves make */
async function setup(prefetch = false) {
  const core = new MemoryCore();
  const walk = new WalkState(createClient(core), { prefetch });
  await walk.loadDirections();
  return { core, walk };
}

describe('WalkState', () => {
  it('reads the directions and starts every slider at zero', async () => {
    const { core, walk } = await setup();
    expect(walk.directions.map((d) => d.name)).toEqual(['pc1', 'pc2', 'clogp+', 'qed+', 'sa-']);
    expect(Object.values(walk.amounts)).toEqual([0, 0, 0, 0, 0]);
    expect(core.calls('latent.walk')).toHaveLength(0);
  });

  it('decodes the seed at once, then the molecule at each slider position, with drawings', async () => {
    const { core, walk } = await setup();
    await walk.setSeed(' CCO ');
    expect(walk.seedSmiles).toBe('CCO');
    expect(walk.current?.smiles).toBe('CCO');
    await walk.setAmount('pc1', 1.5);
    const last = core.calls('latent.walk').at(-1)!.args;
    expect(last).toMatchObject({ seed: 'CCO', offsets: [{ direction: 'pc1', amount: 1.5 }], draw: { width: 340, height: 250 } });
    expect(walk.current?.smiles).toBe('CCOCCC');
    expect(walk.atSeed).toBe(false);
    expect(deltas(walk.current!, walk.seed).mol_wt).toBe(36);
  });

  it("asks for the seed's drawing once per seed, and keeps showing it while the sliders move", async () => {
    const { core, walk } = await setup();
    await walk.setSeed('CCO');
    const drawn = walk.seed;
    expect(drawn?.svg).toContain('<svg');
    await walk.setAmount('pc1', 0.5);
    await walk.setAmount('pc1', 1);
    const calls = core.calls('latent.walk').map((c) => c.args.drawSeed);
    expect(calls).toEqual([undefined, false, false]);
    // The same seed object, drawing and all: nothing showing the seed has to update.
    expect(walk.seed).toBe(drawn);
    expect(walk.current?.smiles).toBe('CCOCC');
    // A new seed is drawn again.
    await walk.setSeed('CCN');
    expect(core.calls('latent.walk').at(-1)!.args.drawSeed).toBeUndefined();
    expect(walk.seed?.svg).toContain('<svg');
    expect(walk.seed?.smiles).toBe('CCN');
  });

  it('keeps at most one call in flight: moves made meanwhile become one call with the latest positions', async () => {
    const { core, walk } = await setup();
    await walk.setSeed('CCO');
    let open!: () => void;
    core.gate = new Promise((resolve) => (open = resolve));
    const moves = [0.25, 0.5, 0.75, 1].map((a) => walk.setAmount('clogp+', a));
    const before = core.calls('latent.walk').length;
    core.gate = null;
    open();
    await Promise.all(moves);
    const made = core.calls('latent.walk').slice(before - 1);
    expect(made).toHaveLength(2);
    expect(made.at(-1)!.args.offsets).toEqual([{ direction: 'clogp+', amount: 1 }]);
    expect(walk.shown).toBe(walk.requested);
  });

  it('steps by the step size within the slider range, and snaps back to the seed', async () => {
    const { walk } = await setup();
    await walk.setSeed('CCO');
    walk.stepSize = 0.5;
    await walk.step('pc2', 1);
    await walk.step('pc2', 1);
    expect(walk.amounts.pc2).toBe(1);
    await walk.setAmount('pc2', 99);
    expect(walk.amounts.pc2).toBe(4);
    await walk.snapBack();
    expect(walk.atSeed).toBe(true);
    expect(walk.current?.smiles).toBe('CCO');
  });

  it('remembers every distinct molecule visited, once, and starts afresh with a new seed', async () => {
    const { walk } = await setup();
    await walk.setSeed('CCO');
    await walk.setAmount('pc1', 1);
    await walk.setAmount('pc1', 1.1); // the same decode again
    await walk.setAmount('pc1', 0);
    expect(walk.history.map((m) => m.smiles)).toEqual(['CCO', 'CCOCC']);
    await walk.setSeed('c1ccccc1');
    expect(walk.history.map((m) => m.smiles)).toEqual(['c1ccccc1']);
    expect(walk.amounts.pc1).toBe(0);
  });

  it('shows a position visited before again without a call', async () => {
    const { core, walk } = await setup();
    await walk.setSeed('CCO');
    await walk.setAmount('pc1', 1);
    await walk.setAmount('pc2', 0.5);
    const calls = core.calls('latent.walk').length;
    await walk.setAmount('pc2', 0);
    await walk.setAmount('pc2', 0.5);
    expect(core.calls('latent.walk')).toHaveLength(calls);
    expect(walk.current?.smiles).toBe('CCOCCC');
    expect(walk.shown).toBe(walk.requested);
    // Another seed is another walk.
    await walk.setSeed('CCN');
    expect(core.calls('latent.walk')).toHaveLength(calls + 1);
  });

  it('names the likely next positions to the core: one step either way on every slider at the seed, then the drag going on', async () => {
    const { core, walk } = await setup();
    await walk.setSeed('CCO');
    const atSeed = core.calls('latent.walk').at(-1)!.args.ahead as { direction: string; amount: number }[][];
    expect(atSeed).toEqual(walk.directions.flatMap((d) => [[{ direction: d.name, amount: 0.25 }], [{ direction: d.name, amount: -0.25 }]]));
    await walk.setAmount('pc1', 0.25);
    await walk.setAmount('pc1', 0.5);
    const ahead = core.calls('latent.walk').at(-1)!.args.ahead as { direction: string; amount: number }[][];
    // on the same way first (one step, two steps), never a position the page has an answer for (0.25, the seed)
    expect(ahead.slice(0, 2)).toEqual([[{ direction: 'pc1', amount: 0.75 }], [{ direction: 'pc1', amount: 1 }]]);
    expect(ahead).not.toContainEqual([{ direction: 'pc1', amount: 0.25 }]);
    expect(ahead).not.toContainEqual([]);
    // another slider one step from where the chemist is, in the directions' order (the order the core sums them)
    expect(ahead).toContainEqual([{ direction: 'pc1', amount: 0.5 }, { direction: 'qed+', amount: 0.25 }]);
    expect(ahead.length).toBeLessThanOrEqual(24);
  });

  it('a move answered from its own cache still tells the core where the chemist is (latent.ahead)', async () => {
    const { core, walk } = await setup();
    await walk.setSeed('CCO');
    await walk.setAmount('clogp+', 0.25);
    await walk.setAmount('clogp+', 0.5);
    expect(core.calls('latent.ahead')).toHaveLength(0);
    await walk.setAmount('clogp+', 0.25); // answered here
    const told = core.calls('latent.ahead');
    expect(told).toHaveLength(1);
    const ahead = told[0].args.ahead as { direction: string; amount: number }[][];
    // going back down: the seed and 0.5 are known here, so the first new position is the other side of the seed
    expect(ahead[0]).toEqual([{ direction: 'clogp+', amount: -0.25 }]);
  });

  it('fetches the drag\'s next position once a move is drawn, so the move there is answered without a call', async () => {
    const { core, walk } = await setup(true);
    const moves = () => core.calls('latent.walk').filter((c) => !c.args.prefetch);
    const fetched = () => core.calls('latent.walk').filter((c) => c.args.prefetch);
    await walk.setSeed('CCO');
    await sleep(PREFETCH_MIN_INTERVAL_MS);
    await walk.setAmount('pc1', 0.25);
    await vi.waitFor(() => expect(fetched().map((c) => c.args.offsets)).toContainEqual([{ direction: 'pc1', amount: 0.5 }]), { timeout: 90 });
    const prefetch = fetched().find((c) => (c.args.offsets as { amount: number }[])[0]?.amount === 0.5)!.args;
    // not a move: the core plans nothing around it, and the seed's drawing is not sent again
    expect(prefetch).toMatchObject({ seed: 'CCO', ahead: [], drawSeed: false, prefetch: true, draw: { width: 340, height: 250 } });
    const before = moves().length;
    await walk.setAmount('pc1', 0.5);
    expect(moves()).toHaveLength(before);
    expect(walk.current?.smiles).toBe('CCOC');
    expect(walk.shown).toBe(walk.requested);
    // the core still hears where the chemist is
    expect(core.calls('latent.ahead').length).toBeGreaterThan(0);
  });

  it('a move to a position being fetched waits for that call instead of asking again', async () => {
    const { core, walk } = await setup(true);
    const target = JSON.stringify([{ direction: 'qed+', amount: 0.5 }]);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const call = core.call.bind(core);
    core.call = async (name, args) => {
      const a = args as { prefetch?: boolean; offsets?: unknown };
      if (name === 'latent.walk' && a.prefetch && JSON.stringify(a.offsets) === target) await held;
      return call(name, args);
    };
    const at = () => core.calls('latent.walk').filter((c) => JSON.stringify(c.args.offsets) === target);
    await walk.setSeed('CCO');
    await sleep(PREFETCH_MIN_INTERVAL_MS);
    await walk.setAmount('qed+', 0.25);
    // the fetch of qed+ 0.5 is under way, held
    await vi.waitFor(() => expect(walk.busy).toBe(false));
    const move = walk.setAmount('qed+', 0.5);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(walk.shown).toBeLessThan(walk.requested);
    release();
    await move;
    await vi.waitFor(() => expect(walk.shown).toBe(walk.requested));
    expect(walk.current?.smiles).toBe('CCOC');
    expect(at().map((c) => c.args.prefetch)).toEqual([true]);
  });

  it('after a pause, fetches one step either way on every slider, one call at a time; a move stops it', async () => {
    const { core, walk } = await setup(true);
    let inFlight = 0, most = 0;
    const call = core.call.bind(core);
    core.call = async (name, args) => {
      inFlight++;
      most = Math.max(most, inFlight);
      try {
        return await call(name, args);
      } finally {
        inFlight--;
      }
    };
    await walk.setSeed('CCO');
    const fetched = () => core.calls('latent.walk').filter((c) => c.args.prefetch).map((c) => JSON.stringify(c.args.offsets));
    await vi.waitFor(() => expect(fetched()).toHaveLength(2 * walk.directions.length), { timeout: 2000 });
    await sleep(300);
    expect(fetched()).toHaveLength(2 * walk.directions.length);
    expect(new Set(fetched()).size).toBe(fetched().length);
    expect(most).toBe(1);
    // every one of them is now a move without a call
    const before = core.calls('latent.walk').length;
    await walk.setAmount('sa-', -0.25);
    expect(core.calls('latent.walk').filter((c) => !c.args.prefetch)).toHaveLength(1);
    expect(core.calls('latent.walk').length).toBeGreaterThanOrEqual(before);
    // a move stops the fetching for the position left: a move elsewhere at once asks for itself
    await walk.setAmount('pc2', 3);
    expect(core.calls('latent.walk').filter((c) => !c.args.prefetch).at(-1)!.args.offsets).toEqual([{ direction: 'pc2', amount: 3 }, { direction: 'sa-', amount: -0.25 }]);
  });

  it('fetches nothing at once while the hand moves faster than a fetch could be answered; after a pause it does', async () => {
    const { core, walk } = await setup(true);
    const next = () => core.calls('latent.walk').filter((c) => c.args.prefetch && JSON.stringify(c.args.offsets) === JSON.stringify([{ direction: 'pc2', amount: 0.75 }]));
    await walk.setSeed('CCO');
    await sleep(PREFETCH_MIN_INTERVAL_MS);
    await walk.setAmount('pc2', 0.25);
    await walk.setAmount('pc2', 0.5); // right after the move before
    await sleep(PREFETCH_MIN_INTERVAL_MS / 2); // under the pause
    expect(next()).toHaveLength(0);
    await vi.waitFor(() => expect(next()).toHaveLength(1), { timeout: 1000 });
  });

  it("shows the core's reason when the model cannot read the seed", async () => {
    const { walk } = await setup();
    await walk.setSeed('C!C');
    expect(walk.error).toMatch(/cannot read '!'/);
    expect(walk.current).toBeNull();
  });
});
