// new Worker for a module that may be TypeScript source (through ts-thread-boot.mjs) or bundled JavaScript.
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { siblingModule } from './worker-path.ts';

export function tsThread(module: string, options: WorkerOptions = {}): Worker {
  if (!module.endsWith('.ts')) return new Worker(module, options);
  const boot = siblingModule(import.meta.url, 'ts-thread-boot.mjs', 'ts-thread-boot.mjs');
  return new Worker(boot, { ...options, workerData: { ...(options.workerData ?? {}), __tsModule: pathToFileURL(module).href } });
}
