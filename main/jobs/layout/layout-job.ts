// The layout job ('latent.layout'): a UMAP (umap-js, PAIR-code) of one collection's latent vectors for one
// model, stored for the latent map's 'umap' projection. It fits the collection's vectors only: the bundle keeps
// the training set as PCA points, not latents, so a UMAP view has no training background.
// Reproducible: umap-js draws every random number (RP trees, NN-descent, the initial embedding, negative
// sampling) from the function it is given, here a seeded Rng, and the vectors are read in molecule id order.
// Progress is per optimisation epoch; a cancel stops between epochs and writes nothing (the previous layout,
// if any, stays); the result is written in one transaction.
import { UMAP } from 'umap-js';
import { z } from 'zod';
import { Rng } from '../../../models/graph/rng.ts';
import { getCollection } from '../../store/collections.ts';
import { openWorkspace } from '../../store/db.ts';
import { latentCounts, readCollectionLatents } from '../../store/latent.ts';
import { writeLayout } from '../../store/layouts.ts';
import type { JobRunner } from '../runner.ts';
import { JobCancelled, throwIfCancelled } from '../runner.ts';
import { MAX_LAYOUT_MOLECULES, layoutRefusal } from './limits.ts';

export const LayoutJobArgs = z.object({
  collectionId: z.number().int().positive(),
  /** the model's manifest sha256 (which vectors to read) and latent size, resolved by the caller */
  modelSha256: z.string().min(1),
  latent: z.number().int().positive(),
  model: z.string().min(1),
  nNeighbors: z.number().int().min(2).max(200).default(15),
  minDist: z.number().min(0).max(1).default(0.1),
  randomSeed: z.number().int().nonnegative().default(0),
  /** optimisation epochs; umap-js's own choice (500 for small sets down to 200 above 7,500 points) when left out */
  nEpochs: z.number().int().positive().max(5000).optional(),
});
export type LayoutJobArgs = z.input<typeof LayoutJobArgs>;

export interface LayoutResult {
  collectionId: number;
  model: string;
  modelSha256: string;
  method: 'umap';
  points: number;
  nNeighbors: number;
  minDist: number;
  randomSeed: number;
  nEpochs: number;
  seconds: number;
}

export const layoutJob: JobRunner = async (ctx): Promise<LayoutResult> => {
  const args = LayoutJobArgs.parse(ctx.args);
  const db = openWorkspace(ctx.workspace);
  try {
    const started = Date.now();
    const cid = args.collectionId;
    const collection = getCollection(db, cid);
    // refused before reading 50,000+ vectors for nothing
    const encoded = latentCounts(db, cid, args.modelSha256).encoded;
    if (encoded > MAX_LAYOUT_MOLECULES) throw new Error(layoutRefusal(encoded, collection.name)!);
    ctx.progress(0, null, 'reading the latent vectors');
    const lat = readCollectionLatents(db, cid, args.modelSha256, args.latent);
    const n = lat.ids.length;
    const refusal = layoutRefusal(n, collection.name);
    if (refusal) throw new Error(refusal);
    const X: number[][] = [];
    for (let i = 0; i < n; i++) X.push(Array.from(lat.z.subarray(i * args.latent, (i + 1) * args.latent)));
    const rng = new Rng(args.randomSeed);
    const nNeighbors = Math.min(args.nNeighbors, n - 1);
    const umap = new UMAP({ nComponents: 2, nNeighbors, minDist: args.minDist, nEpochs: args.nEpochs, random: () => rng.uniform() });
    throwIfCancelled(ctx.signal);
    // the neighbour graph: one synchronous step (a cancel during it lands once it is done)
    ctx.progress(0, null, `finding the ${nNeighbors} nearest neighbours of ${n.toLocaleString('en-US')} molecules`);
    const nEpochs = umap.initializeFit(X);
    ctx.progress(0, nEpochs, `optimising the layout of ${n.toLocaleString('en-US')} molecules`);
    // fitAsync sees the same X already initialised and goes straight to the epochs, one per timer tick, so the
    // cancel message is heard between epochs; returning false stops it
    await umap.fitAsync(X, (epoch) => {
      if (ctx.signal.aborted) return false;
      ctx.progress(epoch, nEpochs, null);
      return true;
    });
    if (ctx.signal.aborted) throw new JobCancelled();
    const embedding = umap.getEmbedding();
    const x = embedding.map((p) => p[0]);
    const y = embedding.map((p) => p[1]);
    if (!x.every(Number.isFinite) || !y.every(Number.isFinite)) throw new Error('The UMAP layout came out with non-finite coordinates; try another random seed or more neighbours.');
    const seconds = (Date.now() - started) / 1000;
    const params = { nNeighbors, minDist: args.minDist, randomSeed: args.randomSeed, nEpochs, seconds, model: args.model };
    writeLayout(db, { collectionId: cid, modelSha256: args.modelSha256, method: 'umap', ids: lat.ids, x, y, params });
    return { collectionId: cid, model: args.model, modelSha256: args.modelSha256, method: 'umap', points: n, nNeighbors, minDist: args.minDist, randomSeed: args.randomSeed, nEpochs, seconds };
  } finally {
    db.close();
  }
};
