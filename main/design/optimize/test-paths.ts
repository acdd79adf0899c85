// Where the tests and the benchmark find ../shared/data (the project's shared data sets, beside the repository).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function sharedDataPath(rel: string): string {
  return path.resolve(repo, '..', 'shared', 'data', rel);
}
