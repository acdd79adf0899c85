// new Worker for a module that may be TypeScript source (through ts-thread-boot.mjs) or bundled JavaScript, and
// where such a module sits: beside the source that starts it, or, bundled, beside the bundle (app/electron/build.mjs).
// Generic, so both the runtime (models/) and the core (main/) start their threads with it; startThreads starts a
// set of them and waits until each says it is ready.
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** sourceName beside the TypeScript file of metaUrl, or bundledName beside the bundle holding it. */
export function siblingModule(metaUrl: string, sourceName: string, bundledName: string): string {
  const here = fileURLToPath(metaUrl);
  return join(dirname(here), here.endsWith('.ts') ? sourceName : bundledName);
}

export function tsThread(module: string, options: WorkerOptions = {}): Worker {
  if (!module.endsWith('.ts')) return new Worker(module, options);
  const boot = siblingModule(import.meta.url, 'ts-thread-boot.mjs', 'ts-thread-boot.mjs');
  return new Worker(boot, { ...options, workerData: { ...(options.workerData ?? {}), __tsModule: pathToFileURL(module).href } });
}

/**
 * One thread per workerData, each started with tsThread and waited for until it posts `{ ready: true }`; if any
 * fails or stops while starting, all are stopped and the error is thrown (`what` names them in it).
 */
export async function startThreads(module: string, data: readonly unknown[], what: string): Promise<Worker[]> {
  const workers = data.map((workerData) => tsThread(module, { workerData }));
  try {
    await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
      w.on('message', (r: { ready?: boolean }) => r?.ready === true && resolve());
      w.once('error', reject);
      w.once('exit', (code) => reject(new Error(`${what} stopped (exit code ${code}) while starting`)));
    })));
  } catch (error) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw error;
  }
  return workers;
}
