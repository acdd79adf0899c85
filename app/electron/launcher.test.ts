// The utilityProcess launcher with a fork look-alike: what it starts, and how messages and exits come back.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { utilityLauncher, type Fork } from './launcher.ts';

class FakeChild extends EventEmitter {
  posted: unknown[] = [];
  killed = 0;
  postMessage(m: unknown) {
    this.posted.push(m);
  }
  kill() {
    this.killed++;
    return true;
  }
}

function setup() {
  const forks: Array<{ path: string; args?: string[]; options?: Electron.ForkOptions; child: FakeChild }> = [];
  const fork = ((path: string, args?: string[], options?: Electron.ForkOptions) => {
    const child = new FakeChild();
    forks.push({ path, args, options, child });
    return child;
  }) as unknown as Fork;
  const launch = utilityLauncher(fork, (requested) => requested.replace(/worker\.ts$/, 'worker.cjs'), { HOME: '/home/ada', MOLSCAPE_JOB_WORKER: '/x' });
  return { forks, launch };
}

describe('utilityLauncher', () => {
  it('forks the bundled worker with the parent environment plus the job environment', () => {
    const { forks, launch } = setup();
    launch('/app/main/jobs/worker.ts', { MOLSCAPE_JOB: '7' });
    expect(forks).toHaveLength(1);
    expect(forks[0].path).toBe('/app/main/jobs/worker.cjs');
    expect(forks[0].options?.env).toEqual({ HOME: '/home/ada', MOLSCAPE_JOB_WORKER: '/x', MOLSCAPE_JOB: '7' });
    expect(forks[0].options?.serviceName).toBe('Molscape job');
  });

  it('passes messages both ways and kills on request', () => {
    const { forks, launch } = setup();
    const job = launch('/w/worker.ts', {});
    const got: unknown[] = [];
    job.onMessage((m) => got.push(m));
    job.postMessage({ type: 'start' });
    forks[0].child.emit('message', { type: 'progress', done: 1 });
    job.kill();
    expect(forks[0].child.posted).toEqual([{ type: 'start' }]);
    expect(got).toEqual([{ type: 'progress', done: 1 }]);
    expect(forks[0].child.killed).toBe(1);
  });

  it("reports an exit once, with the code, or a crash ('error') with a reason", () => {
    const { forks, launch } = setup();
    const a = launch('/w/worker.ts', {});
    const b = launch('/w/worker.ts', {});
    const exits: unknown[] = [];
    a.onExit((code, signal) => exits.push(['a', code, signal]));
    b.onExit((code, signal) => exits.push(['b', code, signal]));
    forks[0].child.emit('exit', 0);
    forks[0].child.emit('exit', 0);
    forks[1].child.emit('error', 'FatalError', 'worker.cjs:1', '{}');
    forks[1].child.emit('exit', 134);
    expect(exits).toEqual([
      ['a', 0, null],
      ['b', null, 'FatalError'],
    ]);
  });

  it('hears of an exit that happened before it asked', () => {
    const { forks, launch } = setup();
    const job = launch('/w/worker.ts', {});
    forks[0].child.emit('exit', 3);
    const exits: unknown[] = [];
    job.onExit((code) => exits.push(code));
    expect(exits).toEqual([3]);
  });
});
