// Benchmark of the layout job: N ZINC molecules (default 5000) encoded with the shipped model into a fresh
// workspace, then the layout job's runner in this process (what a job process does, without the start-up),
// timed as a whole and split into the neighbour graph and the optimisation epochs.
// Usage: node --import tsx main/jobs/layout/bench-layout.ts [N] — prints one JSON object.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSmilesFile } from '../../../models/vae/data.ts';
import { ModelService } from '../../design/model-service.ts';
import { createCollection } from '../../store/collections.ts';
import { openWorkspace } from '../../store/db.ts';
import { writeLatents, type LatentWrite } from '../../store/latent.ts';
import { insertMolecules, moleculesWithoutProperties } from '../../store/molecules.ts';
import { layoutJob, type LayoutResult } from './layout-job.ts';

const n = Number(process.argv[2] ?? 5000);
const dir = mkdtempSync(join(tmpdir(), 'molscape-bench-layout-'));
const file = join(dir, 'w.sqlite');

try {
  const smiles = readSmilesFile(new URL('../../../../shared/data/zinc250k/train.smi.gz', import.meta.url).pathname, n).smiles;
  const model = await ModelService.open();
  const db = openWorkspace(file);
  const cid = createCollection(db, { name: 'bench', kind: 'imported' });
  insertMolecules(db, cid, smiles.map((s, i) => ({ position: i + 1, name: null, smiles: s, canonicalSmiles: s, sourceLine: i + 1 })));
  const ids = moleculesWithoutProperties(db, cid, 0, n + 1).map((m) => m.id);
  let t = performance.now();
  for (let start = 0; start < ids.length; start += 512) {
    const batch = smiles.slice(start, start + 512);
    const { mu, rows } = await model.encode(batch);
    const writes: LatentWrite[] = rows.map((index, r) => ({ moleculeId: ids[start + index], z: mu.slice(r * model.latent, (r + 1) * model.latent) }));
    db.transaction(() => writeLatents(db, model.manifestSha256, writes)).immediate();
  }
  const encodeSeconds = (performance.now() - t) / 1000;
  db.close();

  let graphDone = 0;
  t = performance.now();
  const controller = new AbortController();
  const result = (await layoutJob({
    jobId: 1,
    workspace: file,
    args: { collectionId: cid, modelSha256: model.manifestSha256, latent: model.latent, model: model.name },
    progress: (done, total) => {
      if (total !== null && graphDone === 0) graphDone = performance.now();
    },
    emit: () => {},
    signal: controller.signal,
  })) as LayoutResult;
  const end = performance.now();
  await model.close();
  console.log(
    JSON.stringify({
      bench: 'layout (UMAP, umap-js)',
      molecules: n,
      points: result.points,
      latent: model.latent,
      nNeighbors: result.nNeighbors,
      nEpochs: result.nEpochs,
      encodeSeconds: +encodeSeconds.toFixed(1),
      neighbourGraphSeconds: +((graphDone - t) / 1000).toFixed(1),
      epochsSeconds: +((end - graphDone) / 1000).toFixed(1),
      layoutSeconds: +((end - t) / 1000).toFixed(1),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
