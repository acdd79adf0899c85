// Jobs in the desktop app run in an Electron utility process (a Node child of the main process that a native
// crash cannot take the window down with), behind the same JobLauncher interface as child_process.fork.
import type { UtilityProcess } from 'electron';
import type { JobLauncher, JobProcess } from '../../main/handlers/types.ts';

export type Fork = (modulePath: string, args?: string[], options?: Electron.ForkOptions) => Pick<UtilityProcess, 'postMessage' | 'on' | 'kill'>;

/**
 * `resolveWorker` maps the module the core asks for (main/jobs/worker.ts under Node) to the bundle that runs
 * in the app (dist/electron/worker.cjs, built by build.mjs).
 */
export function utilityLauncher(fork: Fork, resolveWorker: (requested: string) => string, baseEnv: NodeJS.ProcessEnv = process.env): JobLauncher {
  return (workerModule, env): JobProcess => {
    const child = fork(resolveWorker(workerModule), [], {
      env: { ...baseEnv, ...env },
      serviceName: 'Molscape job',
      stdio: 'inherit',
    });
    let exited: [number | null, string | null] | null = null;
    const exitListeners: Array<(code: number | null, signal: string | null) => void> = [];
    const exit = (code: number | null, signal: string | null) => {
      if (exited) return;
      exited = [code, signal];
      for (const l of exitListeners) l(code, signal);
    };
    child.on('exit', (code: number) => exit(code, null));
    // A utility process that crashes natively reports 'error' (FatalError) before its exit: that is the reason.
    child.on('error', (type: string) => exit(null, type));
    return {
      postMessage: (message) => child.postMessage(message),
      onMessage: (listener) => void child.on('message', listener),
      onExit: (listener) => {
        if (exited) listener(...exited);
        else exitListeners.push(listener);
      },
      kill: () => {
        if (!exited) child.kill();
      },
    };
  };
}
