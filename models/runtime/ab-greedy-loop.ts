// One-row greedy decodes stepped from JS (A) against one greedy Loop call each (B, greedy-loop.ts), in one
// process, interleaved round by round (A B B A …) so load from other work falls on both alike: a shipped
// bundle's decodes of the first --single means of a test set, one molecule at a time (what the single-molecule
// figure of bench:infer times). Per round: mean, p50 and p95 ms a decode. First checks that both give the same
// SMILES, tokens and log-probabilities, constrained and not.
// Usage: node --import tsx models/runtime/ab-greedy-loop.ts [--bundle DIR] [--data FILE] [--rounds 8] [--single 300]
// Prints one JSON line: per figure, A's and B's median and range over the rounds.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { abFigures } from '../bench/alternate.ts';
import { readSmiles } from '../train/smiles-data.ts';
import { loadBundle } from '../vae/bundle.ts';
import { greedyDecode } from './decode.ts';

const { values: a } = parseArgs({
  options: {
    bundle: { type: 'string', default: path.resolve(import.meta.dirname, '../../resources/models/zinc-chembl') },
    data: { type: 'string', default: path.resolve(import.meta.dirname, '../../../shared/data/zinc250k/test.smi.gz') },
    rounds: { type: 'string', default: '8' },
    single: { type: 'string', default: '300' },
    threads: { type: 'string', default: '2' },
  },
});
const rounds = Number(a.rounds), single = Number(a.single), threads = Number(a.threads);
const rts = { A: (await loadBundle(a.bundle!, { threads, greedyLoop: false })).runtime, B: (await loadBundle(a.bundle!, { threads })).runtime };
const L = rts.A.latent;
const enc = await rts.A.encode(readSmiles(a.data!, single));
const n = enc.rows.length;
const one = (i: number) => enc.mu.subarray(i * L, (i + 1) * L);

let same = true;
for (const constrained of [false, true])
  for (let i = 0; i < n; i++) {
    const [x] = await greedyDecode(rts.A, one(i), 1, { constrained });
    const [y] = await greedyDecode(rts.B, one(i), 1, { constrained });
    same &&= x.smiles === y.smiles && x.ids.join() === y.ids.join() && x.logProb === y.logProb && x.ended === y.ended;
  }

const loadBefore = os.loadavg()[0];
const t: Record<string, { A: number[]; B: number[] }> = {};
const record = (figure: string, k: 'A' | 'B', x: number) => ((t[figure] ??= { A: [], B: [] })[k].push(x));
const pct = (xs: number[], p: number) => [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
for (let r = 0; r < rounds; r++)
  for (const k of r % 2 ? (['B', 'A'] as const) : (['A', 'B'] as const)) {
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await greedyDecode(rts[k], one(i), 1);
      ms.push(performance.now() - t0);
    }
    record('mean ms a decode', k, ms.reduce((x, y) => x + y, 0) / n);
    record('p50 ms a decode', k, pct(ms, 0.5));
    record('p95 ms a decode', k, pct(ms, 0.95));
  }
await rts.A.release();
await rts.B.release();

console.log(JSON.stringify({
  bundle: path.basename(a.bundle!), data: path.basename(a.data!), threads, rounds, single: n, same_results: same,
  ...abFigures(t, ['A_stepped', 'B_greedy_loop'], 'B_over_A'),
  load_average_1m: { before: loadBefore, after: os.loadavg()[0] },
}));
