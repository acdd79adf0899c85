// SMARTS queries compiled once per process (get_qmol) and kept, each with its element screen. Query molecules
// live as long as the process: they are few (PAINS, QED alerts, user searches up to a bounded cache).
import { noteRDKitFault, rdkit, rdkitGeneration } from './rdkit.ts';
import type { JSMol } from './rdkit.ts';
import { elementCounts, mayMatch, screenFor } from './smarts-screen.ts';
import type { ElementCounts, Screen } from './smarts-screen.ts';
import type { MolGraph } from './mol-graph.ts';

export interface CompiledQuery {
  smarts: string;
  qmol: JSMol;
  screen: Screen;
}

const cache = new Map<string, CompiledQuery>();
let cacheGeneration = -1;

/** Compile a SMARTS once; throws with the SMARTS in the message when RDKit refuses it. */
export function compileSmarts(smarts: string): CompiledQuery {
  if (cacheGeneration !== rdkitGeneration()) {
    // queries of a replaced RDKit instance are dead: recompile on demand
    cache.clear();
    cacheGeneration = rdkitGeneration();
  }
  const hit = cache.get(smarts);
  if (hit) return hit;
  let qmol: JSMol | null = null;
  try {
    qmol = rdkit().get_qmol(smarts);
  } catch (error) {
    noteRDKitFault(error);
    qmol = null;
  }
  if (!qmol || !qmol.is_valid()) {
    qmol?.delete();
    throw new Error(`Invalid SMARTS: ${smarts}`);
  }
  const compiled = { smarts, qmol, screen: screenFor(smarts) };
  cache.set(smarts, compiled);
  return compiled;
}

/** The molecule-side inputs of a screened search, computed once per molecule. */
export interface MatchTarget {
  mol: JSMol;
  counts: ElementCounts;
}

export function matchTarget(mol: JSMol, graph: MolGraph): MatchTarget {
  return { mol, counts: elementCounts(graph) };
}

export function hasMatch(target: MatchTarget, q: CompiledQuery): boolean {
  if (!mayMatch(q.screen, target.counts)) return false;
  return target.mol.get_substruct_match(q.qmol) !== '{}';
}

/** Number of unique matches (RDKit's GetSubstructMatches count, uniquified). */
export function countMatches(target: MatchTarget, q: CompiledQuery): number {
  if (!mayMatch(q.screen, target.counts)) return 0;
  const json = target.mol.get_substruct_matches(q.qmol);
  return json === '{}' ? 0 : (JSON.parse(json) as unknown[]).length;
}
