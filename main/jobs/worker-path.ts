// Where the job process's entry module is. From TypeScript sources it is worker.ts beside this file (run
// with tsx); a bundled build emits it as worker.cjs beside the bundle holding this code (app/electron/build.mjs). The
// MOLSCAPE_JOB_WORKER variable overrides both (a packager that puts it elsewhere).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function siblingModule(metaUrl: string, sourceName: string, bundledName: string): string {
  const here = fileURLToPath(metaUrl);
  return join(dirname(here), here.endsWith('.ts') ? sourceName : bundledName);
}

export function defaultWorkerModule(): string {
  return process.env.MOLSCAPE_JOB_WORKER || siblingModule(import.meta.url, 'worker.ts', 'worker.cjs');
}
