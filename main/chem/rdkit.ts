// One RDKit (WebAssembly) per process: loaded once, shared by everything in this process. Every molecule
// object is deleted by withMol; get_mol's two ways of failing (a null result and a thrown error) are both
// turned into a null so callers have one case to handle. Input RDKit's WASM cannot survive (very long
// chains overflow its stack) is refused before parsing; should a WebAssembly trap happen anyway, this
// instance is dropped and a fresh one loads (rdkitGeneration() tells caches holding query molecules).
import initRDKitModule from '@rdkit/rdkit';
import type { MainModule as RDKitModule, Mol as JSMol } from '@rdkit/rdkit';
import { inputProblem } from './atom-count.ts';

export type { JSMol, RDKitModule };
export { MAX_ATOMS, inputProblem } from './atom-count.ts';

let loading: Promise<RDKitModule> | null = null;
let loaded: RDKitModule | null = null;
let generation = 0;

export function loadRDKit(): Promise<RDKitModule> {
  loading ??= initRDKitModule().then((m) => {
    // SMILES canonicalization and stereo flags must not depend on RDKit's global default
    m.use_legacy_stereo_perception(true);
    loaded = m;
    return m;
  });
  return loading;
}

/** The module once loadRDKit() has resolved; throws before, so hot loops stay synchronous. */
export function rdkit(): RDKitModule {
  if (!loaded) throw new Error('RDKit is not loaded yet: await loadRDKit() first.');
  return loaded;
}

/** Changes whenever the RDKit instance is replaced: objects made by an older one are dead. */
export function rdkitGeneration(): number {
  return generation;
}

/**
 * Call with any error caught around an RDKit call: a WebAssembly trap (RuntimeError) means this instance's
 * memory can no longer be trusted, so it is dropped and a new one starts loading. Returns true for a trap.
 */
export function noteRDKitFault(error: unknown): boolean {
  if (!(error instanceof Error && error.name === 'RuntimeError')) return false;
  if (loaded) {
    loaded = null;
    loading = null;
    generation++;
    void loadRDKit();
  }
  return true;
}

/** Parse a SMILES or molblock; null when RDKit refuses it (never throws, never leaks). */
export function parseMol(input: string, details?: Record<string, unknown>): JSMol | null {
  if (inputProblem(input) !== null) return null;
  let mol: JSMol | null = null;
  try {
    mol = details ? rdkit().get_mol(input, JSON.stringify(details)) : rdkit().get_mol(input);
  } catch (error) {
    if (noteRDKitFault(error)) return null;
    if (!loaded) throw error; // not loaded: a programming error, not bad input
    return null;
  }
  if (mol && !mol.is_valid()) {
    mol.delete();
    return null;
  }
  return mol;
}

/**
 * RDKit's parser ends by removing explicit hydrogen atoms, which sanitizes the molecule a second time (about
 * a third of the parse). A SMILES without a hydrogen atom of its own ([H], [2H]; not the H count of [nH] or
 * [C@H]) has none to remove, so it is parsed without that step: the same molecule, sooner. Anything else,
 * molblocks included, takes the full path.
 */
const EXPLICIT_H_ATOM = /\[\d*H(?![a-z])/;
const NO_REMOVE_HS = { removeHs: false };

export function parseMolFast(input: string): JSMol | null {
  return input.includes('\n') || EXPLICIT_H_ATOM.test(input) ? parseMol(input) : parseMol(input, NO_REMOVE_HS);
}

/** Run fn on a parsed molecule and delete it afterwards; undefined when the input does not parse. */
export function withMol<T>(input: string, fn: (mol: JSMol) => T, details?: Record<string, unknown>): T | undefined {
  const mol = parseMol(input, details);
  if (!mol) return undefined;
  const gen = generation;
  try {
    return fn(mol);
  } catch (error) {
    noteRDKitFault(error);
    throw error;
  } finally {
    // a molecule of a dropped instance cannot be deleted (its memory is gone with it)
    if (gen === generation) mol.delete();
  }
}
