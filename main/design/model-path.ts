// Where the shipped model lives: resources/models/zinc250k (resources found like main/chem finds its data, so
// a packaged build and a checkout both work). Every --model option defaults to it.
import { join } from 'node:path';
import { resourcesDir } from '../chem/resources.ts';

export const DEFAULT_MODEL_NAME = 'zinc250k';

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
