// Where a greedy decode's time goes, batch 1 (one molecule at a time, what a slider needs) and batch 256 (a
// decode job), on the shipped model: ONNX Runtime's own profiler (enableProfiling) gives the time inside
// InferenceSession::Run (model_run) and in each kernel; the decode's wall time and the time spent awaiting
// rt.step() and rt.initialState() give the rest. Per decoder step (the initial state counted in):
//   kernels    the GRU's and the output layer's math (sum of the node events, by operator)
//   ort        model_run minus kernels: ORT's own per-run work (input checks, allocation, the executor)
//   binding    awaiting ORT minus model_run: onnxruntime-node (tensors to and from JS, the setImmediate hop)
//              and our tensor creation
//   js         the rest of the decode: log-softmax, argmax, compaction, token bookkeeping
// Usage: node --import tsx models/runtime/profile-decode.ts [--bundle DIR] [--points 200] [--threads 2] [--small-step-rows N]
// (--small-step-rows 0: every step on the threads-wide session, as before issue 15)
// Prints one JSON line. The profiler adds a little to every kernel: take speeds from bench:infer, shares from here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readSmiles } from '../train/smiles-data.ts';
import { loadBundle } from '../vae/bundle.ts';
import { greedyDecode } from './decode.ts';
import type { VaeRuntime } from './vae-runtime.ts';

const { values: a } = parseArgs({
  options: {
    bundle: { type: 'string', default: path.resolve(import.meta.dirname, '../../resources/models/zinc250k') },
    data: { type: 'string', default: path.resolve(import.meta.dirname, '../../../shared/data/zinc250k/test.smi.gz') },
    points: { type: 'string', default: '200' },
    threads: { type: 'string', default: '2' },
    'small-step-rows': { type: 'string' },
  },
});
const threads = Number(a.threads), points = Number(a.points);
const smallStepRows = a['small-step-rows'] === undefined ? undefined : Number(a['small-step-rows']);
const loadBefore = os.loadavg()[0];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'profile-decode-'));
const smiles = readSmiles(a.data!, Math.max(points, 256));
const plain = (await loadBundle(a.bundle!, { threads })).runtime; // encodes, unprofiled

const batch1 = await phase('batch1', async (rt, z, L) => {
  for (let i = 0; i < points; i++) await greedyDecode(rt, z.subarray(i * L, (i + 1) * L), 1);
  return points;
});
const batch256 = await phase('batch256', async (rt, z) => {
  await greedyDecode(rt, z, 256);
  return 256;
});
await plain.release();
fs.rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ bundle: path.basename(a.bundle!), threads, small_step_rows: smallStepRows ?? 'default', batch1, batch256, load_average_1m: { before: loadBefore, after: os.loadavg()[0] } }));

async function phase(name: string, run: (rt: VaeRuntime, z: Float32Array, L: number) => Promise<number>) {
  const z = (await plain.encode(smiles)).mu;
  const prefix = path.join(dir, name);
  const rt = (await loadBundle(a.bundle!, { threads, smallStepRows, session: { enableProfiling: true, profileFilePrefix: prefix } })).runtime;
  // time spent awaiting ONNX Runtime (decoder steps and the initial state), wrapped on this instance only
  let inOrt = 0, steps = 0;
  for (const k of ['step', 'initialState'] as const) {
    const f = (rt[k] as (...x: unknown[]) => Promise<unknown>).bind(rt);
    (rt as unknown as Record<string, unknown>)[k] = async (...args: unknown[]) => {
      const t0 = performance.now();
      const r = await f(...args);
      inOrt += performance.now() - t0;
      if (k === 'step') steps++;
      return r;
    };
  }
  await run(rt, z, rt.latent); // the first pass warms up (first runs allocate); the second one is measured
  inOrt = steps = 0;
  const t0 = performance.now();
  const molecules = await run(rt, z, rt.latent);
  const wall = performance.now() - t0;
  await rt.release(); // ends the sessions' profiles: one JSON trace per session
  let modelRun = 0;
  const byOp = new Map<string, number>();
  for (const f of fs.readdirSync(dir).filter((x) => x.startsWith(name))) {
    const trace = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as TraceEvent[];
    const runs = trace.filter((e) => e.cat === 'Session' && e.name === 'model_run');
    const second = runs.slice(runs.length / 2); // both passes ran the same calls
    if (second.length === 0) continue;
    modelRun += second.reduce((s, e) => s + e.dur, 0) / 1000;
    for (const e of trace) {
      if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || e.ts < second[0].ts) continue;
      const op = e.args?.op_name ?? '?';
      byOp.set(op, (byOp.get(op) ?? 0) + e.dur / 1000);
    }
  }
  const kernels = [...byOp.values()].reduce((s, x) => s + x, 0);
  const us = (ms: number) => +((ms * 1000) / steps).toFixed(1);
  return {
    molecules, steps, wall_ms: +wall.toFixed(1), ms_per_molecule: +(wall / molecules).toFixed(2),
    per_step_us: { total: us(wall), kernels: us(kernels), ort: us(modelRun - kernels), binding: us(inOrt - modelRun), js: us(wall - inOrt) },
    kernels_per_step_us: Object.fromEntries([...byOp].sort((x, y) => y[1] - x[1]).map(([op, ms]) => [op, us(ms)])),
  };
}

interface TraceEvent {
  cat: string;
  name: string;
  ts: number;
  dur: number;
  args?: { op_name?: string };
}
