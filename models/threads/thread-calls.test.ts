// ThreadCalls (thread-calls.ts) with real worker threads: replies find their calls by id, an error reply rejects
// its call with the threads' name, a thread that exits fails what waits and what comes after, and close() lets a
// thread finish the task it holds before stopping it (a task counter shared with the thread says it finished).
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { ThreadCalls } from './thread-calls.ts';

type Task = { id: number; kind: 'echo' | 'fail' | 'exit' | 'slow'; value?: number };
type Reply = { id: number; value?: number; error?: string };

// A thread that answers echo at once, fail with an error, exit by leaving, and slow after 150 ms of work, counting
// the slow tasks it finished in done[0].
const source = `
const { parentPort, workerData } = require('node:worker_threads');
const done = workerData.done;
parentPort.on('message', (t) => {
  if (t.kind === 'echo') parentPort.postMessage({ id: t.id, value: t.value * 2 });
  else if (t.kind === 'fail') parentPort.postMessage({ id: t.id, error: 'no such thing' });
  else if (t.kind === 'exit') process.exit(3);
  else if (t.kind === 'slow') {
    const until = Date.now() + 150;
    while (Date.now() < until);
    Atomics.add(done, 0, 1);
    parentPort.postMessage({ id: t.id, value: 1 });
  }
});
parentPort.postMessage({ ready: true });
`;

let opened: ThreadCalls<Task, Reply>[] = [];
function threads(n: number): { calls: ThreadCalls<Task, Reply>; done: Int32Array } {
  const done = new Int32Array(new SharedArrayBuffer(4));
  const calls = new ThreadCalls<Task, Reply>(Array.from({ length: n }, () => new Worker(source, { eval: true, workerData: { done } })), 'test thread');
  opened.push(calls);
  return { calls, done };
}
afterEach(async () => {
  await Promise.all(opened.map((c) => c.close(new Error('test over'))));
  opened = [];
});

describe('ThreadCalls', () => {
  it('answers each call with its own reply, on whichever thread it went to', async () => {
    const { calls } = threads(2);
    const replies = await Promise.all([1, 2, 3, 4].map((v, i) => calls.call(calls.workers[i % 2], (id) => ({ id, kind: 'echo', value: v }))));
    expect(replies.map((r) => r.value)).toEqual([2, 4, 6, 8]);
    expect(new Set(replies.map((r) => r.id)).size).toBe(4);
    expect(calls.pending).toBe(0);
    expect(calls.usable).toBe(true);
  });

  it('an error reply rejects its call only, named after the threads', async () => {
    const { calls } = threads(1);
    await expect(calls.call(calls.workers[0], (id) => ({ id, kind: 'fail' }))).rejects.toThrow('test thread: no such thing');
    expect((await calls.call(calls.workers[0], (id) => ({ id, kind: 'echo', value: 5 }))).value).toBe(10);
  });

  it('a thread that exits fails the calls waiting and every call after', async () => {
    const { calls } = threads(1);
    await expect(calls.call(calls.workers[0], (id) => ({ id, kind: 'exit' }))).rejects.toThrow(/test thread: stopped \(exit code 3\)/);
    expect(calls.usable).toBe(false);
    expect(() => calls.throwIfFailed()).toThrow(/exit code 3/);
    await expect(calls.call(calls.workers[0], (id) => ({ id, kind: 'echo', value: 1 }))).rejects.toThrow(/exit code 3/);
  });

  it('close() fails the calls waiting but lets each thread finish the task it holds before stopping it', async () => {
    const { calls, done } = threads(2);
    const slow = calls.workers.map((w) => calls.call(w, (id) => ({ id, kind: 'slow' })));
    const failed = Promise.all(slow.map((p) => expect(p).rejects.toThrow('shut')));
    await calls.close(new Error('shut'));
    await failed;
    // both tasks ran to their end: neither thread was stopped in the middle of one
    expect(Atomics.load(done, 0)).toBe(2);
    expect(calls.usable).toBe(false);
  });
});
