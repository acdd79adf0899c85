// The latent map with 250,000 points, in Debian's Chromium against the real browser-mode server: a workspace
// with N molecules and a latent vector each (random around the training mean, for the shipped model; written
// straight through main/store, as main/handlers/bench-map.ts does), then: time from opening the Design tab to
// the points on screen (first open, with the model loading in the core, and again), the redraw of every point per zoom / pan step (the page's 'map-points' measures),
// and the hit test per mousemove (the grid index; 'map-hit' measures). Prints one JSON line.
//   node --import tsx renderer/e2e/bench-map.ts [N]     (after `vite build renderer`)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng } from '../../models/graph/rng.ts';
import { ModelService } from '../../main/design/model-service.ts';
import { createCollection, finishImport, updateCollectionCounts } from '../../main/store/collections.ts';
import { openWorkspace } from '../../main/store/db.ts';
import { writeLatents } from '../../main/store/latent.ts';
import { launchChromium, watchedPage } from './browser.ts';
import { serve } from './serve.ts';
import { summarize } from './slider-timing.ts';

const N = Number(process.argv[2] ?? 250_000);
const dir = mkdtempSync(path.join(os.tmpdir(), 'molscape-bench-map-ui-'));
const workspace = path.join(dir, 'workspace.sqlite');

async function buildWorkspace() {
  const model = await ModelService.open();
  const { manifestSha256: sha, latent, latentStats } = model;
  const db = openWorkspace(workspace);
  const cid = createCollection(db, { name: 'map-bench', kind: 'imported' });
  const rng = new Rng(1);
  const insert = db.prepare('INSERT INTO molecules (collection_id, position, name, smiles, canonical_smiles, props) VALUES (?, ?, ?, ?, ?, ?)');
  const BATCH = 10_000;
  for (let start = 0; start < N; start += BATCH) {
    db.transaction(() => {
      const writes = [];
      for (let i = start; i < Math.min(N, start + BATCH); i++) {
        const id = Number(insert.run(cid, i + 1, `M-${i + 1}`, 'c1ccccc1CCO', 'OCCc1ccccc1', JSON.stringify({ qed: rng.uniform(), clogp: 6 * rng.uniform() - 1 })).lastInsertRowid);
        writes.push({ moleculeId: id, z: Float32Array.from(rng.normals(latent), (v, k) => latentStats.mean[k] + v) });
      }
      writeLatents(db, sha, writes);
    })();
  }
  updateCollectionCounts(db, cid, { moleculeCount: N, propertiesDone: N, problemCount: 0, duplicateCount: 0 });
  finishImport(db, cid);
  db.close();
  await model.close();
}

const built = performance.now();
await buildWorkspace();
const buildSeconds = (performance.now() - built) / 1000;

const [served, browser] = await Promise.all([serve(workspace), launchChromium()]);
try {
  const { page, troubles } = await watchedPage(browser);
  await page.addInitScript('globalThis.__name = (fn) => fn');
  await page.goto(served.url);
  await page.getByRole('heading', { name: 'map-bench' }).waitFor();
  const opened = performance.now();
  await page.getByRole('tab', { name: 'Design' }).click();
  await page.getByTestId('encode-status').filter({ hasText: `${N.toLocaleString('en-US')} on the map` }).waitFor({ timeout: 120_000 });
  await page.waitForFunction(() => performance.getEntriesByName('map-points').length > 0, undefined, { timeout: 60_000 });
  const openMs = performance.now() - opened;
  // The hover drawing needs the molecules' SMILES, read in pages behind the map: until when does it wait?
  {
    const c = (await page.getByTestId('latent-map').boundingBox())!;
    const tip = page.getByTestId('map-tooltip');
    // Rest the pointer on a point (near the centre, where the cloud is dense).
    for (let k = 0; k < 60 && !(await tip.isVisible()); k++) {
      await page.mouse.move(c.x + c.width / 2 + 9 * (k % 8) - 36, c.y + c.height / 2 + 9 * Math.floor(k / 8) - 36);
    }
    await tip.locator('strong').waitFor({ timeout: 300_000 });
  }
  const hoverReadyMs = performance.now() - opened;
  // Again, with the model loaded in the core (the first open includes loading it).
  await page.getByRole('tab', { name: 'Molecules' }).click();
  await page.evaluate(() => performance.clearMeasures());
  const reopened = performance.now();
  await page.getByRole('tab', { name: 'Design' }).click();
  await page.getByTestId('encode-status').filter({ hasText: `${N.toLocaleString('en-US')} on the map` }).waitFor({ timeout: 120_000 });
  await page.waitForFunction(() => performance.getEntriesByName('map-points').length > 0, undefined, { timeout: 60_000 });
  const reopenMs = performance.now() - reopened;

  const canvas = page.getByTestId('latent-map');
  const box = (await canvas.boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const frames = () => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  const clear = () => page.evaluate(() => performance.clearMeasures());
  const measures = (name: string) => page.evaluate((n) => performance.getEntriesByName(n).map((e) => e.duration), name);

  await clear();
  for (let i = 0; i < 30; i++) {
    await page.mouse.move(cx + (i % 5) * 20, cy - (i % 3) * 20);
    await page.mouse.wheel(0, i < 15 ? -120 : 120);
    await frames();
  }
  const zoom = await measures('map-points');

  await clear();
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  for (let i = 0; i < 30; i++) {
    await page.mouse.move(cx + 6 * i, cy + 3 * i);
    await frames();
  }
  await page.mouse.up();
  const pan = await measures('map-points');

  await clear();
  for (let i = 0; i < 200; i++) {
    await page.mouse.move(box.x + 20 + ((i * 37) % (box.width - 40)), box.y + 20 + ((i * 53) % (box.height - 40)));
  }
  const hit = await measures('map-hit');

  console.log(
    JSON.stringify({
      bench: 'map-ui',
      points: N,
      host: `browser mode, Chromium headless, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`,
      buildSeconds: +buildSeconds.toFixed(1),
      openToPointsMs: Math.round(openMs),
      reopenToPointsMs: Math.round(reopenMs),
      openToHoverStructureMs: Math.round(hoverReadyMs),
      redrawPerZoomMs: summarize(zoom),
      redrawPerPanMs: summarize(pan),
      hitTestPerMousemoveMs: summarize(hit),
      troubles,
    }),
  );
} finally {
  await browser.close();
  await served.stop();
  rmSync(dir, { recursive: true, force: true });
}
