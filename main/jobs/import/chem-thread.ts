// A worker thread with its own RDKit: canonicalizes structures for the import job and computes properties
// for the properties job, one batch per message. Two of these keep both cores busy while the job's main
// thread reads the file and writes SQLite.
import { parentPort } from 'node:worker_threads';
import { loadRDKit, parseMol, type JSMol } from '../../chem/rdkit.ts';
import { rdkitFailureReason } from './failure-reason.ts';
import type { ChemTask, ChemTaskResult } from './chem-tasks.ts';

const ready = loadRDKit();

/**
 * RDKit's parser ends by removing explicit hydrogen atoms, which sanitizes the molecule a second time: about
 * a third of the import's time. A SMILES without a hydrogen atom of its own ([H], [2H]; not the H count of
 * [nH] or [C@H]) has nothing to remove, so it is parsed without that step; the canonical SMILES is the same
 * (checked on 30k ZINC and MoleculeNet structures). Anything else, molblocks included, takes the full path.
 */
const EXPLICIT_H_ATOM = /\[\d*H(?![a-z])/;
const NO_REMOVE_HS = { removeHs: false };

function parseForCanonical(structure: string) {
  return structure.includes('\n') || EXPLICIT_H_ATOM.test(structure) ? parseMol(structure) : parseMol(structure, NO_REMOVE_HS);
}

function canonicalize(structures: string[]): { canonical: (string | null)[]; errors: (string | null)[] } {
  const canonical: (string | null)[] = new Array(structures.length).fill(null);
  const errors: (string | null)[] = new Array(structures.length).fill(null);
  structures.forEach((s, i) => {
    const mol = parseForCanonical(s);
    if (!mol) {
      errors[i] = rdkitFailureReason(s);
      return;
    }
    try {
      const smiles = mol.get_smiles();
      if (smiles) canonical[i] = smiles;
      else errors[i] = 'empty structure (no atoms)';
    } catch (err) {
      errors[i] = `RDKit could not write a canonical SMILES: ${(err as Error).message}`;
    } finally {
      mol.delete();
    }
  });
  return { canonical, errors };
}

type ComputeProperties = (mol: JSMol) => Record<string, number | string | boolean | null>;
/** Loaded on the first properties batch: an import thread never needs the property panel's code. */
let computeProperties: ComputeProperties | null = null;

async function properties(smiles: string[]): Promise<(Record<string, number | string | boolean | null> | null)[]> {
  computeProperties ??= (await import('../../chem/properties.ts')).computeProperties;
  const compute = computeProperties;
  return smiles.map((s) => {
    const mol = parseMol(s);
    if (!mol) return null;
    try {
      return compute(mol);
    } catch {
      return null;
    } finally {
      mol.delete();
    }
  });
}

parentPort!.on('message', async (task: ChemTask) => {
  await ready;
  let result: ChemTaskResult;
  if (task.op === 'canonicalize') result = { op: 'canonicalize', seq: task.seq, ...canonicalize(task.structures) };
  else result = { op: 'properties', seq: task.seq, props: await properties(task.smiles) };
  parentPort!.postMessage(result);
});
