// A job process whose host dies does not live on: it sees its IPC channel close and exits.
import { fork } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { openWorkspace } from '../store/db.ts';
import { tempDir } from '../store/test-util.ts';
import { execArgvFor } from './tsx-args.ts';
import { defaultWorkerModule } from './worker-path.ts';

describe('job process without its host', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());

  it('exits when the channel to the host closes', async () => {
    const workspace = tmp.file('w.sqlite');
    openWorkspace(workspace).close();
    const module = defaultWorkerModule();
    const child = fork(module, [], { execArgv: execArgvFor(module), serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const progressed = new Promise<void>((resolve) => child.on('message', () => resolve()));
    child.send({ type: 'start', jobId: 1, kind: 'test', args: { steps: 100_000, stepMs: 5 }, workspace });
    await progressed;
    // what the host's death looks like from the child: the channel closes
    child.disconnect();
    expect(await exited).toBe(1);
  });
});
