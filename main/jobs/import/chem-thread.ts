// A worker thread with its own RDKit: canonicalizes structures for the import job and computes properties
// for the properties job, one batch per message. Two of these keep both cores busy while the job's main
// thread reads the file and writes SQLite.
import { parentPort } from 'node:worker_threads';
import { loadRDKit, noteRDKitFault, parseMol, parseMolFast, rdkitGeneration, type JSMol } from '../../chem/rdkit.ts';
import { rdkitFailureReason } from './failure-reason.ts';
import type { ChemTask, ChemTaskResult } from './chem-tasks.ts';

let generation = -1;

/**
 * Waits for RDKit when it is not there: at start, and after a WebAssembly trap made main/chem drop the
 * instance and load a fresh one (the molecule that trapped is reported; the batch goes on).
 */
async function rdkitReady(): Promise<void> {
  if (generation === rdkitGeneration()) return;
  await loadRDKit();
  generation = rdkitGeneration();
}

function release(mol: JSMol): void {
  try {
    mol.delete();
  } catch (err) {
    noteRDKitFault(err);
  }
}

async function canonicalize(structures: string[]): Promise<{ canonical: (string | null)[]; errors: (string | null)[] }> {
  const canonical: (string | null)[] = new Array(structures.length).fill(null);
  const errors: (string | null)[] = new Array(structures.length).fill(null);
  for (let i = 0; i < structures.length; i++) {
    if (generation !== rdkitGeneration()) await rdkitReady();
    const s = structures[i];
    // no second sanitization where there is no explicit H atom to remove: the same canonical SMILES, sooner
    const mol = parseMolFast(s);
    if (!mol) {
      errors[i] = generation === rdkitGeneration() ? rdkitFailureReason(s) : 'RDKit failed on this structure (the toolkit was restarted)';
      continue;
    }
    try {
      const smiles = mol.get_smiles();
      if (smiles) canonical[i] = smiles;
      else errors[i] = 'empty structure (no atoms)';
    } catch (err) {
      noteRDKitFault(err);
      errors[i] = `RDKit could not write a canonical SMILES: ${(err as Error).message}`;
    } finally {
      release(mol);
    }
  }
  return { canonical, errors };
}

type ComputeProperties = (mol: JSMol) => Record<string, number | string | boolean | null>;
/** Loaded on the first properties batch: an import thread never needs the property panel's code. */
let computeProperties: ComputeProperties | null = null;

async function properties(smiles: string[]): Promise<(Record<string, number | string | boolean | null> | null)[]> {
  computeProperties ??= (await import('../../chem/properties.ts')).computeProperties;
  const out: (Record<string, number | string | boolean | null> | null)[] = [];
  for (const s of smiles) {
    if (generation !== rdkitGeneration()) await rdkitReady();
    const mol = parseMol(s);
    if (!mol) {
      out.push(null);
      continue;
    }
    try {
      out.push(computeProperties(mol));
    } catch (err) {
      noteRDKitFault(err);
      out.push(null);
    } finally {
      release(mol);
    }
  }
  return out;
}

parentPort!.on('message', async (task: ChemTask) => {
  let result: ChemTaskResult;
  try {
    if (task.op === 'canonicalize') result = { op: 'canonicalize', seq: task.seq, ...(await canonicalize(task.structures)) };
    else result = { op: 'properties', seq: task.seq, props: await properties(task.smiles) };
  } catch (err) {
    // a bug or a toolkit that cannot load: this batch fails with the reason, the thread stays up
    result = { op: 'error', seq: task.seq, message: (err as Error)?.message ?? String(err) };
  }
  parentPort!.postMessage(result);
});
