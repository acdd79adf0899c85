// npm run bench:import — imports ZINC-250k's training split (220,011 SMILES) into a temp workspace with the
// real job code (JobManager, a forked job process, the RDKit thread pool, SQLite), several times, and prints
// one JSON line. The rate counts every record read (parsed, canonicalized, stored or dropped as a duplicate
// or problem) over the job's wall time, process start-up included.
//   BENCH_RUNS=3 (default)   BENCH_FILE=path (default ../shared/data/zinc250k/train.smi.gz)
import { availableParallelism, cpus, loadavg } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openWorkspace } from '../store/db.ts';
import { forkLauncher } from './fork-launcher.ts';
import { JobManager } from './manager.ts';
import { defaultWorkerModule } from './worker-path.ts';
import type { ImportResult } from './import/import-args.ts';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const file = process.env.BENCH_FILE ?? resolve(root, '../shared/data/zinc250k/train.smi.gz');
const runs = Number(process.env.BENCH_RUNS ?? 3);

const rates: number[] = [];
const perCpuSecond: number[] = [];
let last: ImportResult | null = null;
for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'molscape-bench-'));
  const workspace = join(dir, 'bench.sqlite');
  const db = openWorkspace(workspace);
  const manager = new JobManager({ db, workspace, launcher: forkLauncher, workerModule: defaultWorkerModule(), emit: () => {} });
  const t0 = performance.now();
  const id = manager.start('import', 'bench', { path: file, name: 'bench', sourcePath: file });
  const job = await manager.whenFinished(id);
  const seconds = (performance.now() - t0) / 1000;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  if (job.status !== 'done') throw new Error(`bench import ${job.status}: ${job.error}`);
  last = job.result as ImportResult;
  rates.push(last.records / seconds);
  perCpuSecond.push(last.records / last.cpuSeconds);
  process.stderr.write(
    `run ${i + 1}: ${last.records} records in ${seconds.toFixed(2)} s = ${(last.records / seconds).toFixed(0)} molecules/s ` +
      `(job process CPU ${last.cpuSeconds.toFixed(1)} s; load average ${loadavg()[0].toFixed(1)})\n`,
  );
}
const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
console.log(
  JSON.stringify({
    bench: 'import',
    file: file.replace(/^.*[\\/]/, ''),
    molecules_per_s: Math.round(median(rates)),
    runs,
    rates: rates.map(Math.round),
    // the work itself, independent of other load on the machine: records per CPU-second of the job process
    // (all threads); on an idle machine the wall rate approaches this times the cores the job keeps busy
    molecules_per_cpu_s: Math.round(median(perCpuSecond)),
    load_average: +loadavg()[0].toFixed(1),
    records: last?.records,
    imported: last?.imported,
    duplicates: last?.duplicates,
    problems: last?.problems,
    machine: { cpus: availableParallelism(), model: cpus()[0]?.model ?? null, node: process.version },
  }),
);
