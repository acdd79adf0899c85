// PAINS (pan-assay interference compounds, Baell & Holloway 2010): the names of the filters a molecule
// matches, from resources/chem-data/pains.json. Each SMARTS is compiled once per process; the element screen
// skips the (many) filters that need an element or explicit hydrogen the molecule lacks.
import { readFileSync } from 'node:fs';
import { chemDataPath } from './resources.ts';
import { compileSmarts, hasMatch } from './queries.ts';
import type { MatchTarget } from './queries.ts';

interface PainsFile {
  filters: { smarts: string; name: string }[];
}

let filters: PainsFile['filters'] | null = null;

function painsFilters() {
  filters ??= (JSON.parse(readFileSync(chemDataPath('pains.json'), 'utf8')) as PainsFile).filters;
  return filters;
}

/** Names of the PAINS filters the molecule matches, in file order. */
export function painsMatches(target: MatchTarget): string[] {
  // compileSmarts is a map lookup after the first molecule, and recompiles if RDKit was ever reloaded
  return painsFilters()
    .filter((f) => hasMatch(target, compileSmarts(f.smarts)))
    .map((f) => f.name);
}
