// One bench worker thread: loads its own RDKit, warms up, then on 'run' computes the asked work over its
// share of the SMILES and reports how many molecules it did and how many failed.
import { parentPort, workerData } from 'node:worker_threads';
import { loadRDKit, parseMolFast } from './rdkit.ts';
import { computeProperties } from './properties.ts';

export type BenchMode = 'panel' | 'descriptors';
export interface BenchWorkerData {
  smiles: string[];
}
export type BenchRequest = { mode: BenchMode };
export type BenchReply = { kind: 'ready' } | { kind: 'done'; mode: BenchMode; done: number; failed: number };

const work: Record<BenchMode, (smiles: string) => boolean> = {
  panel: (s) => {
    const mol = parseMolFast(s);
    if (!mol) return false;
    try {
      return computeProperties(mol).qed !== null;
    } finally {
      mol.delete();
    }
  },
  descriptors: (s) => {
    const mol = parseMolFast(s);
    if (!mol) return false;
    try {
      return mol.get_descriptors().length > 0;
    } finally {
      mol.delete();
    }
  },
};

const port = parentPort;
if (!port) throw new Error('bench-worker.ts runs as a worker thread');
const { smiles } = workerData as BenchWorkerData;

await loadRDKit();
// warm-up: JIT, compiled SMARTS, the SA table
for (const s of smiles.slice(0, 100)) {
  work.panel(s);
  work.descriptors(s);
}
port.on('message', (msg: BenchRequest) => {
  let failed = 0;
  for (const s of smiles) if (!work[msg.mode](s)) failed++;
  port.postMessage({ kind: 'done', mode: msg.mode, done: smiles.length, failed } satisfies BenchReply);
});
port.postMessage({ kind: 'ready' } satisfies BenchReply);
