// From a slider move to the new structure drawn, in Debian's Chromium against the real browser-mode server
// with the shipped model: a fresh workspace, a few seeds from a ChEMBL series typed into the walk panel, and
// for each seed moves sweeping a slider out and back (pc1, then a property direction), one move at a time.
// The page times each move (slider-timing.ts); a wrapper around fetch times the latent.walk calls themselves,
// so the UI's share is the difference. Moves to a position visited before (the sweep coming back) are answered
// from the page's cache; they are counted apart. A new position the page fetched before the hand got there
// (a prefetch: latent.walk with prefetch true, sent once the move before is drawn) is a new position answered
// without a call; the prefetches are timed apart and counted. Before each sweep, REACH ms pass (the hand going to the slider: 300 by default,
// a fast chemist), during which the core decodes ahead what the page named (one step either way along every
// slider). A move starts no sooner than PACE ms after the one before started: 60 by default, a brisk drag of
// at most ~16 positions a second (half the slider's range in a second at the default step); 0 sends each move
// as soon as the last one is drawn (the stress case). Prints one JSON line.
//   npm run bench:slider [-- moves [reach-ms [pace-ms]]]   (= vite build renderer && node --import tsx renderer/e2e/bench-slider.ts)
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchChromium, watchedPage } from './browser.ts';
import { serve } from './serve.ts';
import { sharedData } from './session.ts';
import { summarize, timeSliderMoves } from './slider-timing.ts';

const MOVES = Number(process.argv[2] ?? 100);
const REACH = Number(process.argv[3] ?? 300);
const PACE = Number(process.argv[4] ?? 60);
const TRACE = process.env.MOLSCAPE_WALK_TRACE;
const SEEDS = 5;
const seeds = readFileSync(path.join(sharedData, 'samples', 'chembl2321810-series.smi'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => line.split(/\s+/)[0])
  .filter((_, i) => i % 37 === 0)
  .slice(0, SEEDS + 1);

function walkTrace(stderr: string) {
  const all = [...stderr.matchAll(/^walk-trace (.*)$/gm)].map((m) => JSON.parse(m[1]) as { how: string; prefetch: boolean; chemReady: boolean; decode: number; chemWait: number; chem: number });
  // the server's share of a move's call (from its handler to the response flushed): the rest of walkCall is
  // the browser's network path and the kernel
  const http = [...stderr.matchAll(/^http-trace (.*)$/gm)].map((m) => JSON.parse(m[1]) as { prefetch: boolean; offsets: number; ms: number });
  // the moves' walks; the page's prefetches counted apart
  const rows = all.filter((r) => !r.prefetch);
  const count = (f: (r: (typeof rows)[number]) => boolean) => rows.filter(f).length;
  return {
    walks: rows.length,
    prefetches: all.length - rows.length,
    hit: count((r) => r.how === 'hit'), joined: count((r) => r.how === 'joined'), miss: count((r) => r.how === 'miss'),
    chemReady: count((r) => r.chemReady),
    decode: summarize(rows.map((r) => r.decode)), chemWait: summarize(rows.map((r) => r.chemWait)), chem: summarize(rows.map((r) => r.chem)),
    total: summarize(rows.map((r) => r.decode + r.chemWait + r.chem)),
    inServer: summarize(http.filter((h) => !h.prefetch && h.offsets > 0).map((h) => h.ms)),
    prefetchInServer: summarize(http.filter((h) => h.prefetch).map((h) => h.ms)),
  };
}

const [served, browser] = await Promise.all([serve(), launchChromium()]);
try {
  const { page, troubles } = await watchedPage(browser);
  // tsx (esbuild keepNames) wraps named functions in __name(); functions sent into the page need it too.
  await page.addInitScript('globalThis.__name = (fn) => fn');
  await page.addInitScript(() => {
    const w = window as unknown as { __walkCalls: number[]; __prefetchCalls: number[] };
    w.__walkCalls = [];
    w.__prefetchCalls = [];
    const original = window.fetch.bind(window);
    window.fetch = async (input, init) => {
      const t0 = performance.now();
      const response = await original(input, init);
      // A slider move (the seed's own decode, offsets [], is not one), or a page's prefetch of one.
      const walkCall = String(input instanceof Request ? input.url : input).includes('/api/latent.walk') && typeof init?.body === 'string';
      const body = walkCall ? (JSON.parse(init!.body as string) as { offsets?: unknown[]; prefetch?: boolean }) : null;
      if (body?.offsets?.length) {
        await response.clone().text();
        (body.prefetch ? w.__prefetchCalls : w.__walkCalls).push(performance.now() - t0);
      }
      return response;
    };
  });
  await page.goto(served.url);
  // The design view sits beside a collection: import a small one.
  await page.getByTestId('import-input').setInputFiles({ name: 'seeds.smi', mimeType: 'text/plain', buffer: Buffer.from(`${seeds.join('\n')}\n`) });
  await page.getByRole('heading', { name: 'seeds' }).waitFor({ timeout: 60_000 });
  await page.getByRole('tab', { name: 'Design' }).click();

  const times: number[] = [];
  const revisits: boolean[] = [];
  const callMs: (number | null)[] = [];
  const decoded: number[] = [];
  const perSeed = Math.ceil(MOVES / SEEDS);
  // The first seed warms the server up (RDKit's property tables and drawing code, ONNX Runtime's first runs,
  // the walk's chemistry thread loading): a few moves on it, not counted. The first walk after a start takes
  // seconds; that is start-up, not a slider move.
  for (const [i, seed] of seeds.entries()) {
    const warmUp = i === 0;
    await page.locator('#walk-seed').fill(seed);
    await page.getByRole('button', { name: 'Walk', exact: true }).last().click();
    await page.getByTestId('walk-result').getByTestId('designed-molecule').waitFor({ timeout: 60_000 });
    // Warm up this seed (the core encodes it once and caches it), then measure.
    await page.getByRole('button', { name: 'Snap back to seed' }).isVisible();
    const half = Math.ceil(perSeed / 2);
    await page.waitForTimeout(REACH);
    const a = await timeSliderMoves(page, half, 'pc1', PACE);
    await page.waitForTimeout(REACH);
    const b = await timeSliderMoves(page, perSeed - half, i % 2 ? 'qed+' : 'clogp+', PACE);
    if (warmUp) {
      await page.evaluate(() => {
        const w = window as unknown as { __walkCalls: number[]; __prefetchCalls: number[] };
        w.__walkCalls.length = 0;
        w.__prefetchCalls.length = 0;
      });
      continue;
    }
    times.push(...a.times, ...b.times);
    revisits.push(...a.revisits, ...b.revisits);
    callMs.push(...a.callMs, ...b.callMs);
    decoded.push(...a.toDecoded, ...b.toDecoded);
  }
  const { calls, prefetches } = await page.evaluate(() => {
    const w = window as unknown as { __walkCalls: number[]; __prefetchCalls: number[] };
    return { calls: w.__walkCalls, prefetches: w.__prefetchCalls };
  });
  // Positions not visited before in the sweep; some were fetched ahead by the page and make no call.
  const isNew = times.map((_, i) => !revisits[i]);
  const fresh = times.filter((_, i) => isNew[i]);
  const withCall = times.flatMap((t, i) => (isNew[i] && callMs[i] !== null ? [t - callMs[i]!] : []));
  const result = {
    bench: 'slider',
    host: `browser mode, Chromium headless, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`,
    seeds: seeds.length - 1,
    reachMs: REACH,
    paceMs: PACE,
    moveToDrawn: summarize(times),
    newPosition: summarize(fresh),
    positionVisitedBefore: summarize(times.filter((_, i) => revisits[i])),
    newPositionFetchedAhead: isNew.filter((n, i) => n && callMs[i] === null).length,
    walkCall: summarize(calls),
    prefetchCall: summarize(prefetches),
    // The page's own work: to the drawing decoded, before the wait for the next frame (positions seen before:
    // no call), and a new position's time less the call it made (those fetched ahead made none).
    pageWorkVisitedBefore: summarize(decoded.filter((_, i) => revisits[i])),
    newPositionLessCall: summarize(withCall),
    target: { p95: 50, goal: 30 },
    // MOLSCAPE_WALK_TRACE=1: how the core answered each walk (speculation hit, joined, miss), where its time
    // went, and the server's whole time for a call (inServer; the warm-up seed's moves included); =2: every
    // walk's line and every new position's time and call instead (to find the slowest moves)
    core: TRACE === '1' ? walkTrace(served.stderr()) : undefined,
    trace: TRACE === '2' ? served.stderr().split('\n').filter((l) => l.startsWith('walk-trace ')).map((l) => l.slice('walk-trace '.length)) : undefined,
    newPositionTimes: TRACE === '2' ? fresh : undefined,
    newPositionCallMs: TRACE === '2' ? callMs.filter((_, i) => isNew[i]) : undefined,
    walkCallTimes: TRACE === '2' ? calls : undefined,
    troubles,
  };
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
  await served.stop();
}
