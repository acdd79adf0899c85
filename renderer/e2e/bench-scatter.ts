// The scatter plot with 250,000 points, in Debian's Chromium against the real browser-mode server: a workspace
// with N molecules whose MW, cLogP and QED are drawn at random (written straight through main/store, as
// bench-map.ts does), then: time from "Plot" to the points on screen (one collections.columnValues call of
// typed arrays), and the redraw of every point per zoom step and per pan step (the page's 'scatter-points'
// measures, from the view change to the pixels put on the canvas). Prints one JSON line: median, p95 and range
// per step, and the load average before and after.
//   npm run bench:scatter [-- N]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng } from '../../models/graph/rng.ts';
import { createCollection, finishImport, updateCollectionCounts } from '../../main/store/collections.ts';
import { openWorkspace } from '../../main/store/db.ts';
import { launchChromium, watchedPage } from './browser.ts';
import { serve } from './serve.ts';

const N = Number(process.argv[2] ?? 250_000);
const dir = mkdtempSync(path.join(os.tmpdir(), 'molscape-bench-scatter-'));
const workspace = path.join(dir, 'workspace.sqlite');

function buildWorkspace() {
  const db = openWorkspace(workspace);
  const cid = createCollection(db, { name: 'scatter-bench', kind: 'imported' });
  const rng = new Rng(1);
  const insert = db.prepare(
    'INSERT INTO molecules (collection_id, position, name, smiles, canonical_smiles, props, mol_wt, clogp, tpsa, hbd, hba) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const BATCH = 10_000;
  for (let start = 0; start < N; start += BATCH) {
    db.transaction(() => {
      for (let i = start; i < Math.min(N, start + BATCH); i++) {
        // a drug-like cloud: MW and cLogP correlated, QED falling with both
        const mw = 180 + 420 * rng.uniform();
        const clogp = (mw - 180) / 120 - 1 + 2.2 * (rng.uniform() - 0.5) * 2;
        const qed = Math.max(0.05, Math.min(0.95, 0.9 - (mw - 180) / 900 - Math.abs(clogp - 2.5) / 12 + 0.1 * (rng.uniform() - 0.5)));
        const props = { mol_wt: mw, clogp, qed, tpsa: 20 + 100 * rng.uniform(), hbd: 0, hba: 3 };
        insert.run(cid, i + 1, `M-${i + 1}`, 'c1ccccc1CCO', 'OCCc1ccccc1', JSON.stringify(props), mw, clogp, props.tpsa, 0, 3);
      }
    })();
  }
  updateCollectionCounts(db, cid, { moleculeCount: N, propertiesDone: N, problemCount: 0, duplicateCount: 0 });
  finishImport(db, cid);
  db.close();
}

function summarize(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))];
  const r = (v: number) => Math.round(v * 10) / 10;
  return { n: s.length, median: r(at(0.5)), p95: r(at(0.95)), min: r(s[0]), max: r(s[s.length - 1]) };
}

const loadBefore = os.loadavg().map((v) => Number(v.toFixed(2)));
const built = performance.now();
buildWorkspace();
const buildSeconds = (performance.now() - built) / 1000;

const [served, browser] = await Promise.all([serve(workspace), launchChromium()]);
try {
  const { page, troubles } = await watchedPage(browser);
  await page.addInitScript('globalThis.__name = (fn) => fn');
  await page.goto(served.url);
  await page.getByRole('heading', { name: 'scatter-bench' }).waitFor({ timeout: 60_000 });
  const opened = performance.now();
  await page.getByRole('button', { name: 'Plot', exact: true }).click();
  await page.getByTestId('scatter-count').filter({ hasText: `${N.toLocaleString('en-US')} molecules` }).waitFor({ timeout: 120_000 });
  await page.waitForFunction(() => performance.getEntriesByName('scatter-points').length > 0, undefined, { timeout: 60_000 });
  const openMs = performance.now() - opened;

  const canvas = page.getByTestId('scatter-plot');
  const box = (await canvas.boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const frames = () => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  const clear = () => page.evaluate(() => performance.clearMeasures());
  const measures = () => page.evaluate(() => performance.getEntriesByName('scatter-points').map((e) => e.duration));

  // zoom in and out about points near the centre, one wheel step a frame
  await clear();
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < 40; i++) {
      await page.mouse.move(cx + (i % 5) * 20 - 40, cy - (i % 3) * 20 + 20);
      await page.mouse.wheel(0, i < 20 ? -120 : 120);
      await frames();
    }
  }
  const zoom = await measures();

  // pan: a drag, one move a frame
  await clear();
  await page.mouse.move(cx - 150, cy - 80);
  await page.mouse.down();
  for (let i = 0; i < 80; i++) {
    await page.mouse.move(cx - 150 + 4 * i, cy - 80 + 2 * i);
    await frames();
  }
  await page.mouse.up();
  const pan = await measures();

  const all = [...zoom, ...pan];
  console.log(
    JSON.stringify({
      bench: 'scatter',
      points: N,
      host: `browser mode, Chromium headless, ${os.cpus().length} cores`,
      loadAverageBefore: loadBefore,
      loadAverageAfter: os.loadavg().map((v) => Number(v.toFixed(2))),
      buildSeconds: +buildSeconds.toFixed(1),
      plotToPointsMs: Math.round(openMs),
      redrawPerStepMs: summarize(all),
      redrawPerZoomStepMs: summarize(zoom),
      redrawPerPanStepMs: summarize(pan),
      floorP95Ms: 50,
      met: summarize(all).p95 <= 50,
      troubles,
    }),
  );
} finally {
  await browser.close();
  await served.stop();
  rmSync(dir, { recursive: true, force: true });
}
