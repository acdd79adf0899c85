// Where a greedy decode's time goes, batch 1 (one molecule at a time, what a slider needs) and batch 256 (a
// decode job), on the shipped model: ONNX Runtime's own profiler (enableProfiling) gives the time inside
// InferenceSession::Run (model_run) and in each kernel; the decode's wall time and the time spent awaiting
// rt.step() and rt.initialState() give the rest. Per decoder step (the initial state counted in):
//   kernels    the GRU's and the output layer's math (sum of the node events, by operator)
//   ort        model_run minus kernels: ORT's own per-run work (input checks, allocation, the executor)
//   binding    awaiting ORT minus model_run: onnxruntime-node (tensors to and from JS, the setImmediate hop)
//              and our tensor creation
//   js         the rest of the decode: log-softmax, argmax, compaction, token bookkeeping
// and, without the profiler, empty_call_us: what one ORT call costs with nothing to compute (binding + ORT's
// per-run work), to set against the unprofiled step's time awaiting ORT (the rest is the kernels' math).
// Usage: node --import tsx models/runtime/profile-decode.ts [--bundle DIR] [--points 200] [--threads 2] [--small-step-rows N] [--exported-step]
// (--small-step-rows 0: every step on the threads-wide session, as before issue 15; --exported-step: decoder_step as
// exported, without one recurrent Gemm per gate (step-graph.ts), as before issue 15 too)
// Prints one JSON line. The profiler costs time of its own at every run and kernel (a batch-1 step about twice as
// long): `unprofiled` gives the same decodes without it (total, time awaiting ORT, JS).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Graph } from '../graph/builder.ts';
import { toOnnx } from '../graph/writer.ts';
import { readSmiles } from '../train/smiles-data.ts';
import { loadBundle } from '../vae/bundle.ts';
import { greedyDecode } from './decode.ts';
import { createSession, ort } from './session.ts';
import type { VaeRuntime } from './vae-runtime.ts';

const { values: a } = parseArgs({
  options: {
    bundle: { type: 'string', default: path.resolve(import.meta.dirname, '../../resources/models/zinc250k') },
    data: { type: 'string', default: path.resolve(import.meta.dirname, '../../../shared/data/zinc250k/test.smi.gz') },
    points: { type: 'string', default: '200' },
    threads: { type: 'string', default: '2' },
    'small-step-rows': { type: 'string' },
    'exported-step': { type: 'boolean', default: false },
  },
});
const threads = Number(a.threads), points = Number(a.points);
const smallStepRows = a['small-step-rows'] === undefined ? undefined : Number(a['small-step-rows']);
const splitGateGemms = !a['exported-step'];
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
const callUs = await emptyCallUs(plain.model.decoderHidden);
await plain.release();
fs.rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ bundle: path.basename(a.bundle!), threads, small_step_rows: smallStepRows ?? 'default', step: splitGateGemms ? 'one Gemm per gate' : 'as exported', empty_call_us: callUs, batch1, batch256, load_average_1m: { before: loadBefore, after: os.loadavg()[0] } }));

async function phase(name: string, run: (rt: VaeRuntime, z: Float32Array, L: number) => Promise<number>) {
  const z = (await plain.encode(smiles)).mu;
  const prefix = path.join(dir, name);
  const rt = (await loadBundle(a.bundle!, { threads, smallStepRows, splitGateGemms, session: { enableProfiling: true, profileFilePrefix: prefix } })).runtime;
  // the same without the profiler, which costs time of its own at every run and kernel
  const bare = (await loadBundle(a.bundle!, { threads, smallStepRows, splitGateGemms })).runtime;
  const timed = timeOrt(rt), bareTimed = timeOrt(bare);
  // the first passes warm up (first runs allocate); the second ones are measured
  await run(bare, z, bare.latent);
  await run(rt, z, rt.latent);
  const measure = async (r: VaeRuntime, t: typeof timed) => {
    t.inOrt = t.steps = 0;
    const t0 = performance.now();
    const molecules = await run(r, z, r.latent);
    return { molecules, wall: performance.now() - t0 };
  };
  const plainRun = await measure(bare, bareTimed);
  const { molecules, wall } = await measure(rt, timed);
  const { inOrt, steps } = timed;
  await bare.release();
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
  const bareUs = (ms: number) => +((ms * 1000) / bareTimed.steps).toFixed(1);
  return {
    molecules, steps,
    unprofiled: { ms_per_molecule: +(plainRun.wall / molecules).toFixed(2), per_step_us: { total: bareUs(plainRun.wall), awaiting_ort: bareUs(bareTimed.inOrt), js: bareUs(plainRun.wall - bareTimed.inOrt) } },
    wall_ms: +wall.toFixed(1), ms_per_molecule: +(wall / molecules).toFixed(2),
    per_step_us: { total: us(wall), kernels: us(kernels), ort: us(modelRun - kernels), binding: us(inOrt - modelRun), js: us(wall - inOrt) },
    kernels_per_step_us: Object.fromEntries([...byOp].sort((x, y) => y[1] - x[1]).map(([op, ms]) => [op, us(ms)])),
  };
}

/**
 * What calling ORT costs with nearly nothing to compute: a graph with decoder_step's three batch-1 inputs and
 * one 512-element Add, fed new tensors as VaeRuntime.step feeds them, on one thread, no profiler (median µs a run
 * of 5 blocks of 1,000).
 */
async function emptyCallUs(H: number): Promise<number> {
  const g = new Graph();
  g.input('zproj', 'float32', [1, 3 * H]);
  g.input('token', 'int64', [1]);
  const h = g.input('h', 'float32', [1, H]);
  g.output('h_next', g.add(h, h));
  const s = await createSession(toOnnx(g, { name: 'empty', keepAllInputs: true }), { threads: 1 });
  const zproj = new Float32Array(3 * H), hv = new Float32Array(H), tok = new BigInt64Array(1);
  const blocks: number[] = [];
  for (let b = 0; b < 6; b++) {
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) await s.run({ zproj: new ort.Tensor('float32', zproj, [1, 3 * H]), token: new ort.Tensor('int64', tok, [1]), h: new ort.Tensor('float32', hv, [1, H]) });
    if (b > 0) blocks.push(performance.now() - t0); // the first block warms up
  }
  await s.release();
  return +blocks.sort((x, y) => x - y)[2].toFixed(1); // ms for 1,000 runs = µs a run
}

/** Wraps rt.step and rt.initialState on this instance to add up the time spent awaiting them. */
function timeOrt(rt: VaeRuntime) {
  const t = { inOrt: 0, steps: 0 };
  for (const k of ['step', 'initialState'] as const) {
    const f = (rt[k] as (...x: unknown[]) => Promise<unknown>).bind(rt);
    (rt as unknown as Record<string, unknown>)[k] = async (...args: unknown[]) => {
      const t0 = performance.now();
      const r = await f(...args);
      t.inOrt += performance.now() - t0;
      if (k === 'step') t.steps++;
      return r;
    };
  }
  return t;
}

interface TraceEvent {
  cat: string;
  name: string;
  ts: number;
  dur: number;
  args?: { op_name?: string };
}
