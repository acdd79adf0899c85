// How the molecules table holds up with 250,000 rows, in Debian's Chromium against the real browser-mode
// server. The workspace is written straight through main/store (this measures the UI, not the importer:
// `npm run bench:import` does that), then: time to the first drawn structures, frame times while scrolling
// fast for a few seconds, rows shown without data during that scroll, and a jump to the middle (rows, then
// structures). Prints one JSON line.
//   node --import tsx renderer/e2e/bench-scroll.ts
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { openWorkspace } from '../../main/store/db.ts';
import { createCollection, finishImport, updateCollectionCounts } from '../../main/store/collections.ts';
import { insertMolecules, setProperties } from '../../main/store/molecules.ts';
import { launchChromium, watchedPage } from './browser.ts';
import { serve } from './serve.ts';

const ROWS = 250_000;
const zincDir = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'zinc250k');

function buildWorkspace(file: string) {
  const smiles = ['train', 'valid', 'test'].flatMap((part) =>
    gunzipSync(readFileSync(path.join(zincDir, `${part}.smi.gz`))).toString('utf8').split('\n').filter(Boolean),
  );
  const db = openWorkspace(file);
  const id = createCollection(db, { name: 'zinc-250k', kind: 'imported' });
  db.transaction(() => {
    const rows = Array.from({ length: ROWS }, (_, i) => {
      const s = smiles[i % smiles.length];
      return { position: i + 1, name: `ZINC-${i + 1}`, smiles: s, canonicalSmiles: s, sourceLine: i + 1 };
    });
    insertMolecules(db, id, rows);
    // Property values only need to look real for the table to draw them the same way.
    const ids = db.prepare('SELECT id, length(smiles) AS n FROM molecules WHERE collection_id = ?').all(id) as { id: number; n: number }[];
    setProperties(db, ids.map((r) => ({ id: r.id, props: { mol_wt: 9.1 * r.n, clogp: (r.n % 11) / 2 - 1, tpsa: 2.3 * r.n, hbd: r.n % 4, hba: r.n % 9 } })));
    updateCollectionCounts(db, id, { moleculeCount: ROWS, propertiesDone: ROWS, problemCount: 0, duplicateCount: 0 });
    finishImport(db, id);
  })();
  db.close();
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'molscape-bench-ui-'));
const workspace = path.join(dir, 'workspace.sqlite');
const builtAt = Date.now();
buildWorkspace(workspace);
const buildSeconds = (Date.now() - builtAt) / 1000;

const [served, browser] = await Promise.all([serve(workspace), launchChromium()]);
try {
  const { page, troubles } = await watchedPage(browser);
  // tsx (esbuild keepNames) wraps named functions in __name(); functions sent into the page need it too.
  await page.addInitScript('globalThis.__name = (fn) => fn');
  const opened = Date.now();
  await page.goto(served.url);
  const firstImage = page.locator('img[alt^="Structure of"]').first();
  await firstImage.waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll('img')].some((img) => img.complete && img.naturalWidth > 0));
  const openMs = Date.now() - opened;
  const domRows = await page.locator('[role=row][aria-rowindex]').count();

  // Fast scrolling: 400 px a frame (about 4 rows a frame, 230 rows/s at 60 Hz) for 4 s.
  const scroll = await page.getByTestId('molecule-scroller').evaluate(
    (el) =>
      new Promise<{ frames: number[]; blankFrames: number; undrawnFrames: number; rowsPassed: number }>((resolve) => {
        const frames: number[] = [];
        let blankFrames = 0;
        let undrawnFrames = 0;
        let last = performance.now();
        const start = last;
        const step = (now: number) => {
          frames.push(now - last);
          last = now;
          el.scrollTop += 400;
          // Rows in the viewport (not the overscan) that have no data yet, or no drawing yet.
          const view = el.getBoundingClientRect();
          const inView = [...el.querySelectorAll('[role=row]')].filter((row) => {
            const r = row.getBoundingClientRect();
            return r.bottom > view.top && r.top < view.bottom;
          });
          if (inView.some((row) => row.querySelector('.loading'))) blankFrames++;
          if (inView.some((row) => row.querySelector('.placeholder:not(.line)'))) undrawnFrames++;
          if (now - start < 4000) requestAnimationFrame(step);
          else resolve({ frames: frames.slice(1), blankFrames, undrawnFrames, rowsPassed: Math.round(el.scrollTop / 104) });
        };
        requestAnimationFrame(step);
      }),
  );
  const sorted = [...scroll.frames].sort((a, b) => a - b);
  const pct = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] * 10) / 10;

  // Jump to the middle, as dragging the scrollbar does: time to rows with data, then to their drawings.
  const target = Math.floor(ROWS * 0.6);
  const jumped = Date.now();
  await page.getByTestId('molecule-scroller').evaluate((el, row) => (el.scrollTop = row * 104), target);
  await page.locator(`[role=row][aria-rowindex="${target + 2}"] [role=cell]`).first().waitFor();
  const jumpRowsMs = Date.now() - jumped;
  await page.waitForFunction((index) => {
    const img = document.querySelector(`[role=row][aria-rowindex="${index}"] img`) as HTMLImageElement | null;
    return img !== null && img.complete && img.naturalWidth > 0;
  }, target + 2);
  const jumpStructuresMs = Date.now() - jumped;

  console.log(
    JSON.stringify({
      bench: 'ui-table-scroll',
      rows: ROWS,
      workspace_build_s: buildSeconds,
      open_to_first_structure_ms: openMs,
      dom_rows: domRows,
      scroll_frames: scroll.frames.length,
      frame_ms_p50: pct(0.5),
      frame_ms_p95: pct(0.95),
      frame_ms_max: pct(1),
      frames_with_rows_loading_pct: Math.round((1000 * scroll.blankFrames) / scroll.frames.length) / 10,
      frames_with_structures_pending_pct: Math.round((1000 * scroll.undrawnFrames) / scroll.frames.length) / 10,
      rows_scrolled: scroll.rowsPassed,
      jump_to_rows_ms: jumpRowsMs,
      jump_to_structures_ms: jumpStructuresMs,
      troubles: troubles.length,
      machine: { cpus: os.cpus().length, chromium: browser.version() },
    }),
  );
} finally {
  await browser.close();
  await served.stop();
  rmSync(dir, { recursive: true, force: true });
}
