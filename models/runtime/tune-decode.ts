// Single-molecule decode settings measured against each other in one run, interleaved point by point (A B C,
// B C A, …; --rounds passes), so load from other work falls on all of them alike. Each variant is a VaeRuntime with other
// RuntimeOptions greedy-decoding the same points one at a time (batch 1: what a slider needs); every variant's
// decodes must equal the first's. Then, at the session level, feeding decoder_step batch 1 and batch 256 three
// ways: new tensors every step (what vae-runtime.ts does), reused input tensors, and pre-bound outputs (ORT
// writes into JS buffers, the state double-buffered).
// Usage: node --import tsx models/runtime/tune-decode.ts [--bundle DIR] [--points 200] [--rounds 6] [--spinning]
// Prints one JSON line: per variant the median over rounds of the p50 and p95 (ms a decode), of the CPU time a
// decode (ms, all threads: the work, less sensitive to load than wall time) and their ranges.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readSmiles } from '../train/smiles-data.ts';
import { loadBundle } from '../vae/bundle.ts';
import { greedyDecode } from './decode.ts';
import { ort, sessionOptions } from './session.ts';
import type { RuntimeOptions } from './session.ts';

const { values: a } = parseArgs({
  options: {
    bundle: { type: 'string', default: path.resolve(import.meta.dirname, '../../resources/models/zinc250k') },
    data: { type: 'string', default: path.resolve(import.meta.dirname, '../../../shared/data/zinc250k/test.smi.gz') },
    points: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '6' },
    spinning: { type: 'boolean', default: false },
  },
});
const points = Number(a.points), rounds = Number(a.rounds);
const loadBefore = os.loadavg();
const spinning = (on: boolean) => ({ session: { set_denormal_as_zero: '1', intra_op: { allow_spinning: on ? '1' : '0' } } });
const variants: Record<string, RuntimeOptions> = {
  'threads 2 (before)': { threads: 2, smallStepRows: 0 },
  'threads 2, small steps on 1 thread': { threads: 2 },
  'threads 1': { threads: 1 },
  // spinning (allow_spinning 1) was 4× slower beside other work (2026-12-06) and its spinning threads slow the
  // variants measured after it: --spinning adds it
  ...(a.spinning ? { 'threads 2, spinning': { threads: 2, smallStepRows: 0, session: { extra: spinning(true) } } } : {}),
  'threads 1, optimization extended': { threads: 1, session: { graphOptimizationLevel: 'extended' } },
  'threads 1, optimization basic': { threads: 1, session: { graphOptimizationLevel: 'basic' } },
  'threads 1, execution parallel': { threads: 1, session: { executionMode: 'parallel' } },
};
const rts = Object.fromEntries(await Promise.all(Object.entries(variants).map(async ([k, o]) => [k, (await loadBundle(a.bundle!, o)).runtime] as const)));
const first = Object.values(rts)[0];
const L = first.latent;
const z = (await first.encode(readSmiles(a.data!, points))).mu;
const n = z.length / L;

const pct = (xs: number[], p: number) => [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const summary = (xs: number[]) => ({ median: +pct(xs, 0.5).toFixed(2), range: [+Math.min(...xs).toFixed(2), +Math.max(...xs).toFixed(2)] });
const want: string[] = [];
const names = Object.keys(rts);
const runs: Record<string, { p50: number[]; p95: number[]; cpu: number[]; identical: boolean }> = {};
for (const k of names) runs[k] = { p50: [], p95: [], cpu: [], identical: true };
// Interleaved point by point (the order rotating), so a burst of load from other work hits every variant alike.
for (let round = 0; round < rounds; round++) {
  const times: Record<string, number[]> = {}, cpu: Record<string, number[]> = {};
  for (let i = 0; i < n; i++)
    for (let v = 0; v < names.length; v++) {
      const k = names[(v + i + round) % names.length];
      const c0 = process.cpuUsage(), t0 = performance.now();
      const [d] = await greedyDecode(rts[k], z.subarray(i * L, (i + 1) * L), 1);
      (times[k] ??= []).push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      (cpu[k] ??= []).push((c.user + c.system) / 1000);
      if (want[i] === undefined) want[i] = d.smiles;
      else if (want[i] !== d.smiles) runs[k].identical = false;
    }
  for (const k of names) {
    runs[k].p50.push(pct(times[k], 0.5));
    runs[k].p95.push(pct(times[k], 0.95));
    runs[k].cpu.push(cpu[k].reduce((x, y) => x + y, 0) / n);
  }
}
const decoders = Object.fromEntries(Object.entries(runs).map(([k, r]) => [k, { p50_ms: summary(r.p50), p95_ms: summary(r.p95), cpu_ms_per_decode: summary(r.cpu), identical: r.identical }]));

// Session level: one decoder_step session, 40-step chains fed three ways.
const H = first.model.decoderHidden, V = first.vocabulary.size;
const step = await ort.InferenceSession.create(first.model.graphs.decoderStep, sessionOptions({ threads: 2 }));
async function chain(rows: number, mode: 'new tensors' | 'reused inputs' | 'pre-bound outputs'): Promise<Float32Array> {
  const zproj = Float32Array.from({ length: rows * 3 * H }, (_, i) => Math.sin(i) * 0.5);
  const tok = new BigInt64Array(rows).fill(1n);
  const zT = new ort.Tensor('float32', zproj, [rows, 3 * H]), tokT = new ort.Tensor('int64', tok, [rows]);
  const hs = [new Float32Array(rows * H), new Float32Array(rows * H)], logits = new Float32Array(rows * V);
  const hT = hs.map((x) => new ort.Tensor('float32', x, [rows, H])), logitsT = new ort.Tensor('float32', logits, [rows, V]);
  let h: Float32Array = hs[0], lg: Float32Array = logits;
  for (let t = 0; t < 40; t++) {
    let out;
    if (mode === 'new tensors') out = await step.run({ zproj: new ort.Tensor('float32', zproj, [rows, 3 * H]), token: new ort.Tensor('int64', tok.slice(), [rows]), h: new ort.Tensor('float32', h, [rows, H]) });
    else if (mode === 'reused inputs') out = await step.run({ zproj: zT, token: tokT, h: new ort.Tensor('float32', h, [rows, H]) });
    else out = await step.run({ zproj: zT, token: tokT, h: hT[t % 2] }, { logits: logitsT, h_next: hT[(t + 1) % 2] });
    lg = out.logits.data as Float32Array;
    h = out.h_next.data as Float32Array;
    for (let r = 0; r < rows; r++) {
      let best = 0;
      for (let v = 1; v < V; v++) if (lg[r * V + v] > lg[r * V + best]) best = v;
      tok[r] = BigInt(best === 2 ? 4 : best); // never <eos>: every chain runs 40 steps
    }
  }
  return lg.slice();
}
const modes = ['new tensors', 'reused inputs', 'pre-bound outputs'] as const;
const sessionLevel: Record<string, unknown> = {};
for (const rows of [1, 256]) {
  const base = await chain(rows, 'new tensors');
  const perStep: Record<string, number[]> = {}, same: Record<string, boolean> = {};
  for (let round = 0; round < rounds * 2; round++)
    for (const m of round % 2 ? [...modes].reverse() : modes) {
      const reps = rows === 1 ? 10 : 1;
      const t0 = performance.now();
      let out = base;
      for (let k = 0; k < reps; k++) out = await chain(rows, m);
      (perStep[m] ??= []).push(((performance.now() - t0) * 1000) / (reps * 40));
      same[m] = (same[m] ?? true) && out.every((x, i) => x === base[i]);
    }
  sessionLevel[`batch ${rows}, µs a step`] = Object.fromEntries(modes.map((m) => [m, { ...summary(perStep[m]), identical: same[m] }]));
}
await step.release();
for (const rt of Object.values(rts)) await rt.release();
console.log(JSON.stringify({ bundle: path.basename(a.bundle!), points: n, rounds, single_decode: decoders, session_level: sessionLevel, load_average: { before: loadBefore, after: os.loadavg() } }));
