// Where the app's shipped data lives. A packaged build sets MOLSCAPE_RESOURCES (its resources folder); from a
// checkout it is <repo>/resources, found relative to this file so the working directory does not matter.
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

export function resourcesDir(): string {
  const fromEnv = process.env.MOLSCAPE_RESOURCES;
  if (fromEnv && fromEnv.trim() !== '') return resolve(fromEnv);
  return resolve(fileURLToPath(new URL('../../resources', import.meta.url)));
}

/** A file under resources/chem-data/. */
export function chemDataPath(name: string): string {
  return join(resourcesDir(), 'chem-data', name);
}
