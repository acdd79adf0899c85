// Where the shipped models live: resources/models/<name> (resources found like main/chem finds its data, so a
// packaged build and a checkout both work). Every --model option, and a workspace with no active model, defaults
// to zinc-chembl: trained on ZINC-250k and ChEMBL 31, it holds medicinal chemists' molecules (ChEMBL 31 test
// seeds held 92 % against zinc250k's 68 %, issue 13). zinc250k ships beside it.
import { join } from 'node:path';
import { resourcesDir } from '../chem/resources.ts';

export const DEFAULT_MODEL_NAME = 'zinc-chembl';

export function modelsDir(): string {
  return join(resourcesDir(), 'models');
}

export function defaultModelDir(): string {
  return join(modelsDir(), DEFAULT_MODEL_NAME);
}

/** A model reference: a bundle name under resources/models, a folder path, or nothing (the shipped model). */
export function resolveModelRef(ref?: string): string {
  if (!ref) return defaultModelDir();
  if (ref.includes('/') || ref.includes('\\') || ref.startsWith('.')) return ref;
  return join(modelsDir(), ref);
}
