// Reader throughput and memory on large generated files (the shared samples repeated), to show that
// reading streams in constant memory: peak heap stays flat while the file grows.
// Run: node --import tsx main/files/bench.ts [repeat=40]
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import type { Writable } from 'node:stream';
import { loadRDKit } from '../chem/rdkit.ts';
import { readMoleculeFile } from './read.ts';

const SAMPLES = join(import.meta.dirname, '../../../shared/data/samples');
const repeat = Number(process.argv[2] ?? 40);
const dir = mkdtempSync(join(tmpdir(), 'molscape-bench-'));

async function writeRepeated(name: string, header: string, body: string, times: number, gzip = false): Promise<string> {
  const path = join(dir, gzip ? `${name}.gz` : name);
  const file = createWriteStream(path);
  let out: Writable = file;
  if (gzip) {
    out = createGzip();
    out.pipe(file);
  }
  if (!out.write(header)) await once(out, 'drain');
  for (let i = 0; i < times; i++) if (!out.write(body)) await once(out, 'drain');
  out.end();
  await once(file, 'close');
  return path;
}

async function measure(path: string): Promise<void> {
  global.gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed - base)), 20);
  const start = performance.now();
  let records = 0;
  let problems = 0;
  for await (const item of readMoleculeFile(path)) {
    if (item.kind === 'record') records++;
    else problems++;
  }
  const seconds = (performance.now() - start) / 1000;
  clearInterval(timer);
  const mb = statSync(path).size / 2 ** 20;
  console.log(
    `${path.replace(/^.*\//, '').padEnd(22)} ${mb.toFixed(1).padStart(7)} MB  ${String(records).padStart(8)} records  ${problems} problems  ` +
      `${(records / seconds).toFixed(0).padStart(7)} records/s  ${(mb / seconds).toFixed(1)} MB/s  peak heap +${(peak / 2 ** 20).toFixed(0)} MB`,
  );
}

await loadRDKit();
const text = (name: string) => readFileSync(join(SAMPLES, name), 'utf8');
const [csvHeader, ...csvRows] = text('lipophilicity.csv').split('\n');
const smi = text('chembl2321810-series.smi');
const sdf = text('nci-200.props.sdf');
const files = [
  await writeRepeated('series.smi', '', smi, repeat * 4),
  await writeRepeated('series.smi', '', smi, repeat * 4, true),
  await writeRepeated('lipo.csv', `${csvHeader}\n`, `${csvRows.join('\n').trimEnd()}\n`, repeat),
  await writeRepeated('nci.sdf', '', sdf, repeat),
  await writeRepeated('nci-x4.sdf', '', sdf, repeat * 4),
];
console.log(`repeat=${repeat}, node ${process.version}`);
for (const f of files) await measure(f);
rmSync(dir, { recursive: true, force: true });
