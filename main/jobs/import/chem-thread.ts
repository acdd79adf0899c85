// A worker thread with its own RDKit: canonicalizes structures for the import job and computes properties
// for the properties job, one batch per message. Two of these keep both cores busy while the job's main
// thread reads the file and writes SQLite.
import { parentPort } from 'node:worker_threads';
import { loadRDKit, noteRDKitFault, parseMol, parseMolFast, rdkitGeneration, type JSMol } from '../../chem/rdkit.ts';
import { rdkitFailureReason } from './failure-reason.ts';
import { neutralizeSmiles, standardize } from '../../files/standardize.ts';
import type { ChemTask, ChemTaskResult, StandardizeFlags } from './chem-tasks.ts';

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

type Canonicalized = Omit<Extract<ChemTaskResult, { op: 'canonicalize' }>, 'op' | 'seq'>;

async function canonicalize(structures: string[], flags: StandardizeFlags = { largestFragment: false, neutralize: false }): Promise<Canonicalized> {
  const canonical: (string | null)[] = new Array(structures.length).fill(null);
  const errors: (string | null)[] = new Array(structures.length).fill(null);
  const stripped: boolean[] = new Array(structures.length).fill(false);
  const removed: (string | null)[] = new Array(structures.length).fill(null);
  const neutralized: boolean[] = new Array(structures.length).fill(false);
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
      let smiles = mol.get_smiles();
      // only structures that need it pay for a second parse: several fragments, or a charge
      if (flags.largestFragment && smiles.includes('.')) {
        const s = standardize(smiles, { largestFragment: true });
        if (s && s.removedFragments.length) {
          smiles = s.smiles;
          stripped[i] = true;
          removed[i] = s.removedFragments.join('.');
        }
      }
      if (flags.neutralize && /[+-]\d*\]/.test(smiles)) {
        const n = neutralizeSmiles(smiles);
        if (n.count > 0) {
          smiles = n.smiles;
          neutralized[i] = true;
        }
      }
      if (smiles) canonical[i] = smiles;
      else errors[i] = 'empty structure (no atoms)';
    } catch (err) {
      noteRDKitFault(err);
      errors[i] = `RDKit could not write a canonical SMILES: ${(err as Error).message}`;
    } finally {
      release(mol);
    }
  }
  return { canonical, errors, stripped, removed, neutralized };
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
    if (task.op === 'canonicalize') result = { op: 'canonicalize', seq: task.seq, ...(await canonicalize(task.structures, task.standardize)) };
    else result = { op: 'properties', seq: task.seq, props: await properties(task.smiles) };
  } catch (err) {
    // a bug or a toolkit that cannot load: this batch fails with the reason, the thread stays up
    result = { op: 'error', seq: task.seq, message: (err as Error)?.message ?? String(err) };
  }
  parentPort!.postMessage(result);
});
