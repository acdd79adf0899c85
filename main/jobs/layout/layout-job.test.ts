// The layout job's runner on a real workspace file with vectors written through the store (three clusters
// far apart in 16-D), so the tests need no model: every vector gets a point, clusters stay apart, the same
// seed gives the same layout, a cancel writes nothing, and what cannot be laid out is refused with a reason.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Rng } from '../../../models/graph/rng.ts';
import { createCollection } from '../../store/collections.ts';
import { openWorkspace, type Db } from '../../store/db.ts';
import { writeLatents } from '../../store/latent.ts';
import { findLayout, readLayout } from '../../store/layouts.ts';
import { insertMolecules, moleculesWithoutProperties } from '../../store/molecules.ts';
import { tempDir } from '../../store/test-util.ts';
import type { JobContext } from '../runner.ts';
import { JobCancelled } from '../runner.ts';
import { layoutJob, type LayoutJobArgs, type LayoutResult } from './layout-job.ts';
import { MAX_LAYOUT_MOLECULES } from './limits.ts';

const L = 16;
const SHA = 'f'.repeat(64);
const PER_CLUSTER = 40;

describe('layout job (UMAP)', () => {
  const tmp = tempDir();
  let db: Db;
  afterEach(() => {
    db.close();
    tmp.remove();
  });

  /** A collection of n molecules, the first `encoded` of them with a vector: cluster i % 3 around 10·e_i. */
  function collection(n: number, encoded = n): { cid: number; ids: number[]; cluster: Map<number, number> } {
    const cid = createCollection(db, { name: `set of ${n}`, kind: 'imported' });
    const rows = Array.from({ length: n }, (_, i) => ({ position: i + 1, name: `m${i}`, smiles: 'C'.repeat(1 + (i % 30)), canonicalSmiles: 'C', sourceLine: i + 1 }));
    insertMolecules(db, cid, rows);
    const ids = moleculesWithoutProperties(db, cid, 0, n + 1).map((m) => m.id);
    const rng = new Rng(42);
    const cluster = new Map<number, number>();
    const writes = ids.slice(0, encoded).map((id, i) => {
      const z = new Float32Array(L);
      for (let d = 0; d < L; d++) z[d] = 0.3 * rng.normal();
      z[i % 3] += 10;
      cluster.set(id, i % 3);
      return { moleculeId: id, z };
    });
    db.transaction(() => writeLatents(db, SHA, writes))();
    return { cid, ids, cluster };
  }

  function context(args: LayoutJobArgs, onProgress?: (done: number, total: number | null, abort: () => void) => void): JobContext {
    const controller = new AbortController();
    return {
      jobId: 1,
      workspace: tmp.file('w.sqlite'),
      args,
      progress: (done, total) => onProgress?.(done, total, () => controller.abort()),
      emit: () => {},
      signal: controller.signal,
    };
  }

  const args = (cid: number, randomSeed = 0): LayoutJobArgs => ({ collectionId: cid, modelSha256: SHA, latent: L, model: 'test', randomSeed, nEpochs: 150 });

  beforeEach(() => {
    db = openWorkspace(tmp.file('w.sqlite'));
  });

  it('lays out every encoded molecule, keeps clusters apart, reports epochs, and is the same for the same seed', async () => {
    const { cid, ids, cluster } = collection(3 * PER_CLUSTER + 2, 3 * PER_CLUSTER);
    const seen: [number, number | null][] = [];
    const result = (await layoutJob(context(args(cid), (done, total) => seen.push([done, total])))) as LayoutResult;
    expect(result).toMatchObject({ collectionId: cid, modelSha256: SHA, method: 'umap', points: 3 * PER_CLUSTER, nEpochs: 150, nNeighbors: 15, randomSeed: 0 });
    // per-epoch progress up to the total, never backwards
    const epochs = seen.filter(([, total]) => total !== null);
    expect(epochs.at(-1)).toEqual([150, 150]);
    expect(epochs.every(([d], i) => i === 0 || d >= epochs[i - 1][0])).toBe(true);
    expect(epochs.length).toBeGreaterThan(100);

    const layout = readLayout(db, cid, SHA, 'umap');
    // the two molecules without a vector have no point
    expect(layout.ids).toEqual(ids.slice(0, 3 * PER_CLUSTER));
    expect(layout.molecules).toBe(3 * PER_CLUSTER + 2);
    expect([...layout.x, ...layout.y].every(Number.isFinite)).toBe(true);
    // each point's nearest neighbour on the plane is from its own cluster (nearly always)
    let same = 0;
    for (let i = 0; i < layout.ids.length; i++) {
      let best = -1;
      let bestD = Infinity;
      for (let j = 0; j < layout.ids.length; j++) {
        const d = (layout.x[i] - layout.x[j]) ** 2 + (layout.y[i] - layout.y[j]) ** 2;
        if (j !== i && d < bestD) [best, bestD] = [j, d];
      }
      if (cluster.get(layout.ids[i]) === cluster.get(layout.ids[best])) same++;
    }
    expect(same / layout.ids.length).toBeGreaterThan(0.95);
    expect(findLayout(db, cid, SHA, 'umap')).toMatchObject({ points: 3 * PER_CLUSTER, params: { nNeighbors: 15, minDist: 0.1, randomSeed: 0, nEpochs: 150 } });

    // the same seed: the same layout; another seed replaces it with another
    await layoutJob(context(args(cid)));
    expect(readLayout(db, cid, SHA, 'umap')).toEqual(layout);
    await layoutJob(context(args(cid, 7)));
    const other = readLayout(db, cid, SHA, 'umap');
    expect(other.ids).toEqual(layout.ids);
    expect(other.x).not.toEqual(layout.x);
    expect(findLayout(db, cid, SHA, 'umap')!.params.randomSeed).toBe(7);
  });

  it('writes nothing when cancelled: no layout, or the previous one intact', async () => {
    const { cid } = collection(3 * PER_CLUSTER);
    const cancelAt = (done: number, total: number | null, abort: () => void) => {
      if (total !== null && done >= 20) abort();
    };
    await expect(layoutJob(context(args(cid), cancelAt))).rejects.toBeInstanceOf(JobCancelled);
    expect(findLayout(db, cid, SHA, 'umap')).toBeNull();
    expect(readLayout(db, cid, SHA, 'umap').ids).toEqual([]);

    await layoutJob(context(args(cid)));
    const first = readLayout(db, cid, SHA, 'umap');
    await expect(layoutJob(context(args(cid, 3), cancelAt))).rejects.toBeInstanceOf(JobCancelled);
    expect(readLayout(db, cid, SHA, 'umap')).toEqual(first);
    expect(findLayout(db, cid, SHA, 'umap')!.params.randomSeed).toBe(0);
  });

  it('refuses a collection without vectors, with too few, or with too many, saying why', async () => {
    await expect(layoutJob(context(args(collection(10, 0).cid)))).rejects.toThrow(/no latent vectors.*encode it first/);
    await expect(layoutJob(context(args(collection(10, 3).cid)))).rejects.toThrow(/at least 5 encoded molecules.* has 3/);
    const big = createCollection(db, { name: 'big', kind: 'imported' });
    const n = MAX_LAYOUT_MOLECULES + 1;
    insertMolecules(db, big, Array.from({ length: n }, (_, i) => ({ position: i + 1, name: null, smiles: 'C', canonicalSmiles: 'C', sourceLine: null })));
    const bigIds = moleculesWithoutProperties(db, big, 0, n + 1).map((m) => m.id);
    const z = new Float32Array(L);
    db.transaction(() => writeLatents(db, SHA, bigIds.map((id) => ({ moleculeId: id, z }))))();
    await expect(layoutJob(context(args(big)))).rejects.toThrow(/limited to 50,000 molecules.*has 50,001 encoded/);
    expect(findLayout(db, big, SHA, 'umap')).toBeNull();
  });
});
