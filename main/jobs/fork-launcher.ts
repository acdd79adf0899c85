// The JobLauncher for plain Node: child_process.fork. (Electron passes one built on utilityProcess.)
import { fork } from 'node:child_process';
import type { JobLauncher, JobProcess } from '../handlers/types.ts';
import { execArgvFor } from './tsx-args.ts';

export const forkLauncher: JobLauncher = (workerModule, env): JobProcess => {
  const child = fork(workerModule, [], {
    env: { ...process.env, ...env },
    // not the parent's execArgv: under a test runner or a bundler those are flags meant for the parent
    execArgv: execArgvFor(workerModule),
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exitListeners: ((code: number | null, signal: string | null) => void)[] = [];
  let exited: [number | null, string | null] | null = null;
  child.on('exit', (code, signal) => {
    exited = [code, signal];
    for (const l of exitListeners) l(code, signal);
  });
  // a failed spawn emits 'error' and then (usually) 'exit'; make sure listeners hear of it once
  child.on('error', () => {
    if (!exited && child.exitCode === null && child.pid === undefined) {
      exited = [null, 'SPAWN_FAILED'];
      for (const l of exitListeners) l(null, 'SPAWN_FAILED');
    }
  });
  return {
    postMessage(message) {
      if (child.connected) child.send(message as never);
    },
    onMessage(listener) {
      child.on('message', listener);
    },
    onExit(listener) {
      if (exited) listener(...exited);
      else exitListeners.push(listener);
    },
    kill() {
      if (!exited) child.kill('SIGKILL');
    },
  };
};
