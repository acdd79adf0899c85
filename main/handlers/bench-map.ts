// Benchmark of latent.map on a large collection: a workspace with N molecules (default 250,000) and a latent
// vector for each (random, for the shipped model), then the latent.map handler: a map read from the
// workspace (every vector in one statement, projected on the PCA plane, colour values, background), and a
// map re-coloured (points kept, only the values read). Also the size of the result as JSON (what goes over
// IPC / HTTP) and the time to serialize it.
// Usage: npm run bench:map [-- N] (BENCH_RUNS=5 by default). Prints one JSON object.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../models/graph/rng.ts';
import { ModelService } from '../design/model-service.ts';
import { createCollection, updateCollectionCounts } from '../store/collections.ts';
import { openWorkspace } from '../store/db.ts';
import { writeLatents } from '../store/latent.ts';
import { latentHandlers } from './latent-handlers.ts';

const n = Number(process.argv[2] ?? 250_000);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'molscape-bench-map-'));
const file = join(dir, 'w.sqlite');

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

try {
  const model = await ModelService.open();
  const { manifestSha256: sha, latent, latentStats } = model;

  // the workspace: molecules with a qed value to colour by, and one vector each around the training mean
  let t = performance.now();
  const db = openWorkspace(file);
  const cid = createCollection(db, { name: 'bench', kind: 'imported' });
  const rng = new Rng(1);
  const insert = db.prepare('INSERT INTO molecules (collection_id, position, smiles, canonical_smiles, props) VALUES (?, ?, ?, ?, ?)');
  const BATCH = 10_000;
  for (let start = 0; start < n; start += BATCH) {
    db.transaction(() => {
      const writes = [];
      for (let i = start; i < Math.min(n, start + BATCH); i++) {
        const id = Number(insert.run(cid, i + 1, 'CCO', `C${i}`, JSON.stringify({ qed: rng.uniform(), sa: 1 + 9 * rng.uniform() })).lastInsertRowid);
        const z = Float32Array.from(rng.normals(latent), (v, k) => latentStats.mean[k] + v);
        writes.push({ moleculeId: id, z });
      }
      writeLatents(db, sha, writes);
    }).immediate();
  }
  updateCollectionCounts(db, cid, { moleculeCount: n });
  db.close();
  const setupSeconds = (performance.now() - t) / 1000;

  const wdb = openWorkspace(file);
  // the handlers as the core makes them, with the model already loaded; no job is started here
  const latentCalls = latentHandlers(wdb, { start: () => 0, onFinished: () => undefined }, async () => model, () => undefined);
  const map = latentCalls.handlers['latent.map'];
  const coldTimes: number[] = [];
  const recolourTimes: number[] = [];
  const jsonTimes: number[] = [];
  let bytes = 0;
  let points = 0;
  for (let r = 0; r < runs; r++) {
    latentCalls.invalidate(cid);
    t = performance.now();
    const res = await map({ collectionId: cid, colorBy: 'qed', background: 5000 });
    coldTimes.push(performance.now() - t);
    points = res.ids.length;
    t = performance.now();
    bytes = JSON.stringify(res).length;
    jsonTimes.push(performance.now() - t);
    t = performance.now();
    await map({ collectionId: cid, colorBy: 'sa', background: 5000 });
    recolourTimes.push(performance.now() - t);
  }
  wdb.close();
  await model.close();
  console.log(
    JSON.stringify(
      {
        bench: 'latent.map',
        molecules: n,
        points,
        latent,
        runs,
        setupSeconds: +setupSeconds.toFixed(1),
        mapMs: { p50: Math.round(pct(coldTimes, 50)), max: Math.round(Math.max(...coldTimes)) },
        recolourMs: { p50: Math.round(pct(recolourTimes, 50)), max: Math.round(Math.max(...recolourTimes)) },
        jsonMs: { p50: Math.round(pct(jsonTimes, 50)) },
        jsonMegabytes: +(bytes / 1e6).toFixed(1),
      },
      null,
      1,
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
