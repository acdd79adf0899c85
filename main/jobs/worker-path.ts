// Where the job process's entry module is. From TypeScript sources it is worker.ts beside this file (run
// with tsx); a bundled build emits it as worker.cjs beside the bundle holding this code (app/electron/build.mjs). The
// MOLSCAPE_JOB_WORKER variable overrides both (a packager that puts it elsewhere).
import { siblingModule } from '../../models/threads/ts-thread.ts';

export { siblingModule };

export function defaultWorkerModule(): string {
  return process.env.MOLSCAPE_JOB_WORKER || siblingModule(import.meta.url, 'worker.ts', 'worker.cjs');
}
