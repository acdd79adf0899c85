// The workspace side of the latent space: an encode job per collection and model (only what is missing), and
// a collection on the model's latent map (the PCA plane of the training latents) with a colour value per
// point and the training set as a faint background. Models come loaded from the design handlers (one copy
// per bundle in the host); the projection is the model service's. A UMAP layout of a collection (a layout
// job, umap-js) is the map's other projection: stored points, no training background.
import type { Handlers, Job } from '../api/contract.ts';
import type { ModelService } from '../design/model-service.ts';
import type { EncodeJobArgs } from '../jobs/encode/encode-job.ts';
import type { LayoutJobArgs } from '../jobs/layout/layout-job.ts';
import { layoutRefusal } from '../jobs/layout/limits.ts';
import type { Db } from '../store/db.ts';
import { CONFIDENCE_KEYS, latentCounts, latentValues, readCollectionLatents } from '../store/latent.ts';
import { findLayout, readLayout } from '../store/layouts.ts';
import { UserError, badRequest, requireCollection } from './errors.ts';
import { keyExpression } from './molecule-query.ts';

type LatentCalls = 'latent.encodeCollection' | 'latent.map' | 'latent.layout' | 'latent.layoutInfo';

export interface LatentJobs {
  start(kind: Job['kind'], title: string, args: unknown): number;
  onFinished(listener: (job: Job) => Record<string, unknown> | void): void;
}

export interface LatentHandlers {
  handlers: Pick<Handlers, LatentCalls>;
  /** encode and layout jobs running for a collection (to cancel them before the collection is deleted) */
  jobsFor(collectionId: number): number[];
  /** forget the map points of a collection (all with null): the core calls it on every collections.changed */
  invalidate(collectionId: number | null): void;
}

interface MapPoints {
  ids: number[];
  x: number[];
  y: number[];
  missing: number;
  unencodable: number;
}

/** Maps kept for re-colouring: 250k points cost about 6 MB and most of a map's reading time. */
const CACHED_MAPS = 2;

/** Coordinates to 1e-4: a map point needs no more, and 250k points go over IPC/HTTP as JSON. */
const round = (v: number) => Math.round(v * 1e4) / 1e4;

/** "PC1 (12.3 % of variance)" */
export function axisLabel(variances: readonly number[], k: number): string {
  const total = variances.reduce((a, b) => a + b, 0);
  const share = total > 0 ? (100 * (variances[k] ?? 0)) / total : 0;
  return `PC${k + 1} (${share.toFixed(share < 10 ? 1 : 0)} % of variance)`;
}

/** At most n points of the training background, evenly strided so the subset keeps the cloud's shape. */
export function backgroundPoints(bg: { x: number[]; y: number[] } | undefined, n: number): { x: number[]; y: number[] } {
  if (!bg || n <= 0 || !Array.isArray(bg.x) || !Array.isArray(bg.y)) return { x: [], y: [] };
  const size = Math.min(bg.x.length, bg.y.length);
  const count = Math.min(size, n);
  const x: number[] = [], y: number[] = [];
  for (let i = 0; i < count; i++) {
    const j = Math.floor((i * size) / count);
    x.push(round(bg.x[j]));
    y.push(round(bg.y[j]));
  }
  return { x, y };
}

export function latentHandlers(
  db: Db,
  jobs: LatentJobs,
  model: (ref?: string) => Promise<ModelService>,
  onChanged: (collectionId: number) => void,
): LatentHandlers {
  /** `${collectionId} ${modelSha256}` -> the encode job running for it */
  const running = new Map<string, number>();
  const keyOf = (collectionId: number, sha: string) => `${collectionId} ${sha}`;

  /** the same for layout jobs */
  const layouts = new Map<string, number>();

  jobs.onFinished((job) => {
    if (job.kind === 'layout') {
      for (const [k, id] of layouts) if (id === job.id) layouts.delete(k);
      return;
    }
    if (job.kind !== 'encode') return;
    for (const [k, id] of running) {
      if (id !== job.id) continue;
      running.delete(k);
      onChanged(Number(k.split(' ')[0]));
    }
  });

  /** map points by collection, its creation time and size, and model (oldest first) */
  const maps = new Map<string, MapPoints>();

  const handlers: Pick<Handlers, LatentCalls> = {
    'latent.encodeCollection': async ({ collectionId, model: ref }) => {
      const c = requireCollection(db, collectionId);
      // loading the model here makes a bad reference a 400 now rather than a failed job later
      const m = await model(ref);
      const key = keyOf(collectionId, m.manifestSha256);
      const already = running.get(key);
      if (already !== undefined) return { jobId: already };
      const args: EncodeJobArgs = { collectionId, modelDir: m.dir };
      const jobId = jobs.start('encode', `Encode ${c.name} with ${m.name}`, args);
      running.set(key, jobId);
      return { jobId };
    },

    'latent.layout': async ({ collectionId, model: ref, nNeighbors, minDist, randomSeed }) => {
      const c = requireCollection(db, collectionId);
      const m = await model(ref);
      const refusal = layoutRefusal(latentCounts(db, collectionId, m.manifestSha256).encoded, c.name);
      if (refusal) throw badRequest(refusal);
      const key = keyOf(collectionId, m.manifestSha256);
      const already = layouts.get(key);
      if (already !== undefined) return { jobId: already };
      const args: LayoutJobArgs = { collectionId, modelSha256: m.manifestSha256, latent: m.latent, model: m.name, nNeighbors, minDist, randomSeed };
      const jobId = jobs.start('layout', `UMAP layout of ${c.name} (${m.name})`, args);
      layouts.set(key, jobId);
      return { jobId };
    },

    'latent.layoutInfo': async ({ collectionId, model: ref }) => {
      requireCollection(db, collectionId);
      const m = await model(ref);
      return { umap: findLayout(db, collectionId, m.manifestSha256, 'umap'), runningJobId: layouts.get(keyOf(collectionId, m.manifestSha256)) ?? null };
    },

    'latent.map': async ({ collectionId, model: ref, colorBy, background, projection }) => {
      const c = requireCollection(db, collectionId);
      if (colorBy !== undefined && !(colorBy in CONFIDENCE_KEYS)) keyExpression(colorBy); // a bad key is a 400
      const m = await model(ref);
      if (projection === 'umap') {
        // read each time, not cached: a layout has at most 50,000 points
        if (!findLayout(db, collectionId, m.manifestSha256, 'umap')) {
          throw new UserError(`${c.name} has no UMAP layout for the model ${m.name} yet: compute one first (Compute UMAP layout on the map, or latent.layout).`, 409);
        }
        const layout = readLayout(db, collectionId, m.manifestSha256, 'umap', colorBy);
        const { unencodable } = latentCounts(db, collectionId, m.manifestSha256);
        return {
          ids: layout.ids,
          x: layout.x.map(round),
          y: layout.y.map(round),
          values: layout.values,
          // molecules without a point: not encoded when the layout was fitted, or added since
          missing: Math.max(0, layout.molecules - layout.ids.length - unencodable),
          unencodable,
          background: { x: [], y: [] },
          axes: ['UMAP 1', 'UMAP 2'],
        };
      }
      const stats = m.latentStats;
      if (!Array.isArray(stats.variances) || stats.variances.length < 2) throw badRequest(`The model ${m.name} has no latent statistics to draw a map with.`);
      // the collection's creation time and size in the key: SQLite reuses the ids of deleted collections, and
      // a change made by another process (which sends this core no event) mostly changes the size
      const key = `${collectionId}|${c.createdAt}|${c.moleculeCount}|${m.manifestSha256}`;
      let points = maps.get(key);
      let values: (number | null)[] | null = null;
      if (points) {
        if (colorBy !== undefined) values = latentValues(db, collectionId, m.manifestSha256, m.latent, colorBy);
      } else {
        const lat = readCollectionLatents(db, collectionId, m.manifestSha256, m.latent, colorBy);
        const { x, y } = m.project(lat.z, lat.ids.length);
        points = { ids: lat.ids, x: x.map(round), y: y.map(round), missing: lat.counts.missing, unencodable: lat.counts.unencodable };
        values = lat.values;
        maps.set(key, points);
        while (maps.size > CACHED_MAPS) maps.delete(maps.keys().next().value!);
      }
      return {
        ids: points.ids,
        x: points.x,
        y: points.y,
        values,
        missing: points.missing,
        unencodable: points.unencodable,
        background: backgroundPoints(stats.background, background),
        axes: [axisLabel(stats.variances, 0), axisLabel(stats.variances, 1)],
      };
    },
  };

  return {
    handlers,
    jobsFor: (collectionId) => [...running, ...layouts].filter(([k]) => Number(k.split(' ')[0]) === collectionId).map(([, id]) => id),
    invalidate(collectionId) {
      for (const k of [...maps.keys()]) if (collectionId === null || k.startsWith(`${collectionId}|`)) maps.delete(k);
    },
  };
}
