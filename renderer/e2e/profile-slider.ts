// Where the UI's share of a slider move goes: the walk panel on one ChEMBL seed, a sweep out and back to fill the
// page's answer cache, then sweeps over positions seen before (no call: pure UI work) with the V8 CPU profiler on
// (CDP Profiler). Prints, per move, the time to the walk panel's update (data-move set), to the drawing decoded
// and to the next frame, and the functions with the most self time in the profile. A diagnostic, not a bench:
//   vite build renderer --minify false && node --import tsx renderer/e2e/profile-slider.ts [moves]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { launchChromium, watchedPage } from './browser.ts';
import { serve } from './serve.ts';
import { sharedData } from './session.ts';
import { summarize } from './slider-timing.ts';

const MOVES = Number(process.argv[2] ?? 60);
const seed = readFileSync(path.join(sharedData, 'samples', 'chembl2321810-series.smi'), 'utf8').split('\n')[0].split(/\s+/)[0];

interface TraceEvent {
  name: string;
  ph: string;
  dur?: number;
  tid: number;
  pid: number;
  args?: { data?: unknown };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const [served, browser] = await Promise.all([serve(), launchChromium()]);
try {
  const { page, troubles } = await watchedPage(browser);
  await page.addInitScript('globalThis.__name = (fn) => fn');
  await page.goto(served.url);
  await page.getByTestId('import-input').setInputFiles({ name: 'seeds.smi', mimeType: 'text/plain', buffer: Buffer.from(`${seed}\n`) });
  await page.getByRole('heading', { name: 'seeds' }).waitFor({ timeout: 60_000 });
  await page.getByRole('tab', { name: 'Design' }).click();
  await page.locator('#walk-seed').fill(seed);
  await page.getByRole('button', { name: 'Walk', exact: true }).last().click();
  await page.getByTestId('walk-result').getByTestId('designed-molecule').waitFor({ timeout: 60_000 });

  const sweep = (moves: number) =>
    page.evaluate(async (moves) => {
      const slider = document.querySelector<HTMLInputElement>('input[type=range][data-direction="pc1"]')!;
      const result = document.querySelector<HTMLElement>('[data-testid=walk-result]')!;
      const step = Number(slider.step) || 0.25;
      const max = Number(slider.max);
      const shown = () => Number(result.dataset.move);
      const rows: { input: number; updated: number; decoded: number; frame: number }[] = [];
      let value = Number(slider.value);
      let sign = 1;
      for (let i = 0; i < moves; i++) {
        if (Math.abs(value + sign * step) > max / 2) sign = -sign;
        value = Math.round((value + sign * step) * 1000) / 1000;
        const before = shown();
        const t0 = performance.now();
        slider.value = String(value);
        slider.dispatchEvent(new Event('input', { bubbles: true }));
        const input = performance.now() - t0;
        await new Promise<void>((resolve) => {
          if (shown() > before) return resolve();
          const observer = new MutationObserver(() => {
            if (shown() > before) {
                observer.disconnect();
                resolve();
              }
          });
          observer.observe(result, { attributes: true, attributeFilter: ['data-move'] });
        });
        const updated = performance.now() - t0;
        const img = result.querySelector('img');
        if (img) await img.decode().catch(() => {});
        const decoded = performance.now() - t0;
        await new Promise((resolve) => requestAnimationFrame(resolve));
        rows.push({ input, updated, decoded, frame: performance.now() - t0 });
      }
      return rows;
    }, moves);

  // Fill the cache: out to the slider's half range and back covers every position the later sweeps visit.
  await sweep(2 * Math.round(4 / 0.25));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
  const rows = await sweep(MOVES);
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] };
  const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } };

  // Self time per function (url:line name), from the samples and their time deltas.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url ? `${path.basename(f.url)}:${f.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
  const col = (k: keyof (typeof rows)[0]) => summarize(rows.map((r) => r[k]));
  console.log(
    JSON.stringify({ moves: rows.length, input: col('input'), updated: col('updated'), decoded: col('decoded'), frame: col('frame'), troubles }, null, 1),
  );
  console.log(`profile: ${total.toFixed(0)} ms sampled over ${rows.length} moves (${(total / rows.length).toFixed(2)} ms a move, idle included)`);
  // Time per event name and thread (the page's main thread is the one with Layout and Paint).
  const perName = new Map<string, number>();
  for (const e of trace.traceEvents) if (e.ph === 'X' && e.dur) perName.set(`${e.name} [tid ${e.tid}]`, (perName.get(`${e.name} [tid ${e.tid}]`) ?? 0) + e.dur / 1000);
  console.log('trace: busiest events (ms a move, nested events counted inside their parents too)');
  for (const [k, ms] of [...perName.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${(ms / rows.length).toFixed(3).padStart(8)}  ${k}`);
  if (process.env.PAINTS) {
    const paints = trace.traceEvents.filter((e) => e.name === 'Paint' && e.ph === 'X');
    for (const e of paints.slice(-12)) console.log(`Paint ${((e.dur ?? 0) / 1000).toFixed(2)} ms ${JSON.stringify(e.args?.data)}`);
  }
  for (const [k, ms] of top) console.log(`${(ms / rows.length).toFixed(3).padStart(8)} ms/move  ${k}`);
} finally {
  await browser.close();
  await served.stop();
}
