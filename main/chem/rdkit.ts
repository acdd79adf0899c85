// One RDKit (WebAssembly) per process: loaded once, shared by everything in this process. Every molecule
// object is deleted by withMol; get_mol's two ways of failing (a null result and a thrown error) are both
// turned into a null so callers have one case to handle.
import initRDKitModule from '@rdkit/rdkit';
import type { MainModule as RDKitModule, Mol as JSMol } from '@rdkit/rdkit';

export type { JSMol, RDKitModule };

let loading: Promise<RDKitModule> | null = null;
let loaded: RDKitModule | null = null;

export function loadRDKit(): Promise<RDKitModule> {
  loading ??= initRDKitModule().then((m) => (loaded = m));
  return loading;
}

/** The module once loadRDKit() has resolved; throws before, so hot loops stay synchronous. */
export function rdkit(): RDKitModule {
  if (!loaded) throw new Error('RDKit is not loaded yet: await loadRDKit() first.');
  return loaded;
}

/** Parse a SMILES or molblock; null when RDKit refuses it (never throws, never leaks). */
export function parseMol(input: string, details?: Record<string, unknown>): JSMol | null {
  let mol: JSMol | null = null;
  try {
    mol = details ? rdkit().get_mol(input, JSON.stringify(details)) : rdkit().get_mol(input);
  } catch {
    return null;
  }
  if (mol && !mol.is_valid()) {
    mol.delete();
    return null;
  }
  return mol;
}

/** Run fn on a parsed molecule and delete it afterwards; undefined when the input does not parse. */
export function withMol<T>(input: string, fn: (mol: JSMol) => T, details?: Record<string, unknown>): T | undefined {
  const mol = parseMol(input, details);
  if (!mol) return undefined;
  try {
    return fn(mol);
  } finally {
    mol.delete();
  }
}
