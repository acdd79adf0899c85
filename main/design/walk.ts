// latent.walk: the molecule at seed + Σ amount·unit·direction, decoded valid-first. The seed's encoding and
// its property directions come from the seed cache, so moving a slider costs one decode, one RDKit parse
// and (when asked) one drawing. After answering, the positions the page expects next (or, without its
// word, one step further along the drag) are decoded in the background (walk-speculation.ts) and their
// chemistry made in a thread (chem-ahead.ts), so a drag's next move is usually a lookup.
import type { CallResult, ParsedArgs } from '../api/contract.ts';
import { DecodeStopped } from '../../models/runtime/decode.ts';
import { designedMolecule } from './designed-molecule.ts';
import type { DecodeOutcome, DrawSize } from './designed-molecule.ts';
import { membership, provenance, seedMolecule } from './design-context.ts';
import type { DesignContext } from './design-context.ts';
import { resolveDirection } from './directions.ts';
import { moveAlong } from './latent-math.ts';
import type { Seed } from './seeds.ts';
import { nextPosition, walkGroup, walkKey } from './walk-speculation.ts';
import type { AheadTask, Offset, WalkDecode } from './walk-speculation.ts';

/** MOLSCAPE_WALK_TRACE=1 or 2: one line per walk on stderr (how it was answered, where the time went), for bench:slider. */
const TRACE = process.env.MOLSCAPE_WALK_TRACE === '1' || process.env.MOLSCAPE_WALK_TRACE === '2';

/**
 * valid-first on a slider position: greedy alone (one greedy-Loop call, ~3 ms), then, when it is invalid, the
 * sampled tries four at a time (then eight). Greedy in a batch with three tries, as before, cost a 4-row step
 * loop from JavaScript for every position, valid or not. Same answer as one try at a time.
 */
const WALK_LOOKAHEAD = 3;

export type WalkArgs = Omit<ParsedArgs<'latent.walk'>, 'model'>;

/** The latent point of a walk position. */
async function pointOf(ctx: DesignContext, seed: Seed, offsets: readonly Offset[]): Promise<Float32Array> {
  const moves = await Promise.all(offsets.map(async (o) => {
    const { dir, unit } = await resolveDirection(ctx.model, seed, o.direction);
    return { dir, scale: o.amount * unit };
  }));
  return moveAlong(seed.z, moves);
}

/** The molecule of a decode at z, with provenance made now (a speculated decode gets the real request's time). */
function outcome(ctx: DesignContext, seed: Seed, z: Float32Array, d: WalkDecode, offsets: readonly Offset[], randomSeed: number): DecodeOutcome {
  const { x, y } = ctx.model.project(z, 1);
  const { inTraining, inWorkspace } = membership(ctx, [d.smiles]);
  return {
    raw: d.raw, smiles: d.smiles, z, map: [x[0], y[0]], tries: d.tries, inTraining: inTraining[0], inWorkspace: inWorkspace[0],
    provenance: provenance(ctx, 'walk', seed.canonical, { offsets: offsets.filter((o) => o.amount !== 0) }, randomSeed),
  };
}

/**
 * The valid-first decode of one walk position (a real request's, or one made ahead with its stop check). Alternating
 * pairs of bench:slider back to back (2026-12-07 07:08–07:11, 5 pairs): p95 37.9 / 37.5 / 53.8 / 49.9 / 43.0 ms with
 * greedy in a decode thread, 58.4 / 45.1 / 50.4 / 48.2 / 51.3 without.
 */
async function decodeAt(ctx: DesignContext, z: Float32Array, randomSeed: number, shouldStop?: () => boolean): Promise<WalkDecode> {
  // valid-first's first try in a decode thread, the core's thread free meanwhile (a greedy decode cannot be
  // stopped there: the stop is heeded after it); valid-first then judges it and, refused, goes on to the samples
  const greedy = (await ctx.model.greedyOffThread(z)) ?? undefined;
  if (greedy && shouldStop?.()) throw new DecodeStopped();
  return (await ctx.model.decodeCounted(z, 1, { strategy: 'valid-first', seed: randomSeed, shouldStop, lookahead: WALK_LOOKAHEAD, greedyFirst: true, greedy }))[0];
}

/** A position to decode ahead: its decode, then its chemistry in the chemistry thread (or here, when idle). */
function aheadTask(ctx: DesignContext, seed: Seed, offsets: Offset[], randomSeed: number, draw: DrawSize | undefined): AheadTask {
  return {
    key: walkKey(seed.canonical, offsets, randomSeed),
    decode: async (shouldStop) => decodeAt(ctx, await pointOf(ctx, seed, offsets), randomSeed, shouldStop),
    then: (d, soon) => {
      const smiles = d.smiles;
      if (smiles === null) return;
      if (ctx.chemAhead.available) ctx.chemAhead.make(smiles, seed.canonical, draw, soon);
      else if (!ctx.walkAhead.busy) ctx.chem.get(smiles, seed.chem, draw);
    },
  };
}

/**
 * Queues positions to decode ahead for this seed (none: a walk on another seed still drops what is queued for
 * the one before); the chemistry thread, if not loaded yet, loads its RDKit while the first of them decode.
 */
function planAhead(ctx: DesignContext, seed: Seed, positions: Offset[][], randomSeed: number, draw: DrawSize | undefined): void {
  if (positions.length) ctx.chemAhead.warm();
  // the chemistry still waiting for the last plan's sliders (after a pause, dozens) is stale now
  ctx.chemAhead.dropStale();
  ctx.walkAhead.plan(walkGroup(seed.canonical, randomSeed), positions.map((p) => aheadTask(ctx, seed, p, randomSeed, draw)));
}

export async function walk(ctx: DesignContext, a: WalkArgs): Promise<CallResult<'latent.walk'>> {
  const spec = ctx.walkAhead;
  const seed = await ctx.seeds.get(a.seed);
  const key = walkKey(seed.canonical, a.offsets, a.randomSeed);
  const t0 = TRACE ? performance.now() : 0;
  const hitsBefore = spec.stats.hits, joinedBefore = spec.stats.joined;
  const { speculated, end } = spec.begin(key, { background: a.prefetch === true });
  let result: CallResult<'latent.walk'>;
  try {
    const z = await pointOf(ctx, seed, a.offsets);
    const d = (await speculated) ?? (await decodeAt(ctx, z, a.randomSeed));
    const t1 = TRACE ? performance.now() : 0;
    const made = TRACE && d.smiles !== null && ctx.chem.has(d.smiles, seed.canonical, a.draw);
    // its chemistry may be in the chemistry thread's hands or queue: wait for it there rather than make it twice
    if (d.smiles !== null) await ctx.chemAhead.current(d.smiles, seed.canonical, a.draw);
    const t2 = TRACE ? performance.now() : 0;
    const molecule = designedMolecule(outcome(ctx, seed, z, d, a.offsets, a.randomSeed), seed.chem, a.draw, ctx.chem);
    if (TRACE) {
      const how = spec.stats.hits > hitsBefore ? 'hit' : spec.stats.joined > joinedBefore ? 'joined' : 'miss';
      const ms = (x: number) => +x.toFixed(1);
      console.error(`walk-trace ${JSON.stringify({ how, prefetch: a.prefetch === true, at: a.offsets.map((o) => `${o.direction}${o.amount}`).join(' '), ahead: a.ahead?.length, chemReady: made, tries: d.tries, spec: { ...spec.stats }, decode: ms(t1 - t0), chemWait: ms(t2 - t1), chem: ms(performance.now() - t2) })}`);
    }
    // drawSeed false: the caller has the seed's drawing already (a drag's earlier moves); its panel still comes
    result = { seed: seedMolecule(ctx, seed, a.drawSeed === false ? undefined : a.draw), molecule };
  } finally {
    end();
  }
  if (a.prefetch) return result; // not where the chemist is: neither a move to infer from nor a place to plan around
  const before = spec.moved(seed.canonical, a.randomSeed, a.offsets);
  const inferred = before ? nextPosition(before, a.offsets) : null;
  planAhead(ctx, seed, a.ahead ?? (inferred ? [inferred] : []), a.randomSeed, a.draw);
  return result;
}

/** latent.ahead: positions to decode in the background, as a walk's `ahead` but without a walk. */
export async function ahead(ctx: DesignContext, a: Omit<ParsedArgs<'latent.ahead'>, 'model'>): Promise<CallResult<'latent.ahead'>> {
  planAhead(ctx, await ctx.seeds.get(a.seed), a.ahead, a.randomSeed, a.draw);
  return { planned: a.ahead.length };
}
