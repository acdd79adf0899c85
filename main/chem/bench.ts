// npm run bench:chem — molecules per second for the full property panel on 20,000 ZINC molecules, using both
// cores (two worker threads, each with its own RDKit), compared in the same run with RDKit's get_descriptors
// alone (parse + descriptors). Prints one JSON line: wall-clock rates, and CPU time per molecule with the
// rate it gives on two free cores (the wall-clock rate is only that on an otherwise idle machine).
//   MOLSCAPE_BENCH_N=5000 npm run bench:chem     # fewer molecules
//   MOLSCAPE_BENCH_THREADS=1 npm run bench:chem  # one core
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { BenchMode, BenchReply, BenchWorkerData } from './bench-worker.ts';

const N = Number(process.env.MOLSCAPE_BENCH_N ?? 20_000);
const THREADS = Number(process.env.MOLSCAPE_BENCH_THREADS ?? 2);
const source = fileURLToPath(new URL('../../../shared/data/zinc250k/train.smi.gz', import.meta.url));

const smiles = gunzipSync(readFileSync(source))
  .toString('utf8')
  .split('\n')
  .map((l) => l.trim().split(/\s+/)[0])
  .filter((s) => s)
  .slice(0, N);

function startWorker(share: string[]): Promise<Worker> {
  // bench-boot.mjs registers tsx in the thread, then loads bench-worker.ts
  const worker = new Worker(new URL('./bench-boot.mjs', import.meta.url), {
    workerData: { smiles: share } satisfies BenchWorkerData,
  });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m: BenchReply) => (m.kind === 'ready' ? resolve(worker) : reject(new Error('unexpected'))));
  });
}

async function timed(workers: Worker[], mode: BenchMode) {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage(); // process-wide: the worker threads' CPU time is in it
  const replies = await Promise.all(
    workers.map(
      (w) =>
        new Promise<Extract<BenchReply, { kind: 'done' }>>((resolve) => {
          w.once('message', resolve);
          w.postMessage({ mode });
        }),
    ),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const done = replies.reduce((n, r) => n + r.done, 0);
  const failed = replies.reduce((n, r) => n + r.failed, 0);
  const cpuMicrosPerMol = (cpu.user + cpu.system) / done;
  return { seconds, perSecond: done / seconds, failed, cpuMicrosPerMol };
}

const shares = Array.from({ length: THREADS }, (_, t) => smiles.filter((_, i) => i % THREADS === t));
const workers = await Promise.all(shares.map(startWorker));
try {
  const descriptors = await timed(workers, 'descriptors');
  const panel = await timed(workers, 'panel');
  console.log(
    JSON.stringify({
      bench: 'chem',
      molecules: smiles.length,
      threads: THREADS,
      cpus: availableParallelism(),
      panel_mol_per_s: Math.round(panel.perSecond),
      descriptors_only_mol_per_s: Math.round(descriptors.perSecond),
      panel_vs_descriptors: Number((panel.perSecond / descriptors.perSecond).toFixed(3)),
      // CPU time per molecule, and the rate it gives when each thread has a core to itself: on a busy
      // machine the wall-clock rates above measure the neighbours as much as this code
      panel_cpu_us_per_mol: Math.round(panel.cpuMicrosPerMol),
      descriptors_cpu_us_per_mol: Math.round(descriptors.cpuMicrosPerMol),
      panel_mol_per_s_if_cores_free: Math.round((THREADS * 1e6) / panel.cpuMicrosPerMol),
      descriptors_mol_per_s_if_cores_free: Math.round((THREADS * 1e6) / descriptors.cpuMicrosPerMol),
      panel_seconds: Number(panel.seconds.toFixed(2)),
      descriptors_seconds: Number(descriptors.seconds.toFixed(2)),
      panel_failed: panel.failed,
    }),
  );
} finally {
  await Promise.all(workers.map((w) => w.terminate()));
}
