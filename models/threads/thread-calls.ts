// Calls to a set of worker threads that answer each task with one reply carrying its id (and `error`, a string,
// when it failed; a `{ ready: true }` message is not a reply): the ids, the promises
// waiting for answers, failure (a thread's error or exit fails every call waiting, and every call after), and a
// close that waits for the tasks the threads still work on before stopping them. That wait matters: a thread
// terminated inside an ONNX Runtime call aborts the whole process (Napi), so a close during a decode or a
// training step must let the thread finish it. The decode pool and the sharded training step both use it.
import type { Worker } from 'node:worker_threads';

export class ThreadCalls<Task extends { id: number }, Reply extends { id: number }> {
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  /** tasks a thread has not answered yet, each settled by its answer or the thread's end (close waits for them) */
  private readonly unanswered = new Map<number, { worker: Worker; settle: () => void; settled: Promise<void> }>();
  private failure: Error | null = null;

  /** `what` names the threads in errors ("decode thread: ..."). */
  constructor(
    readonly workers: readonly Worker[],
    what: string,
  ) {
    for (const w of workers) {
      w.on('message', (r: Reply | { ready: true }) => {
        if ('ready' in r) return;
        this.unanswered.get(r.id)?.settle();
        this.unanswered.delete(r.id);
        const p = this.waiting.get(r.id);
        this.waiting.delete(r.id);
        const error = (r as { error?: unknown }).error;
        if (typeof error === 'string') p?.reject(new Error(`${what}: ${error}`));
        else p?.resolve(r);
      });
      w.on('error', (e) => this.fail(new Error(`${what}: ${e.message}`)));
      w.on('exit', (code) => {
        for (const [id, u] of this.unanswered) {
          if (u.worker !== w) continue;
          u.settle();
          this.unanswered.delete(id);
        }
        this.fail(new Error(`${what}: stopped (exit code ${code})`));
      });
    }
  }

  /** False once a thread failed or the calls were closed: nothing more can be asked. */
  get usable(): boolean {
    return this.failure === null;
  }

  /** Throws the failure, if the threads failed or were closed. */
  throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  /** Calls waiting for their answers. */
  get pending(): number {
    return this.waiting.size;
  }

  /** Sends worker the task made with a fresh id; resolves with its reply, rejects with its error or the threads' failure. */
  call(worker: Worker, task: (id: number) => Task): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = ++this.seq;
    let settle = () => {};
    const settled = new Promise<void>((resolve) => (settle = resolve));
    this.unanswered.set(id, { worker, settle, settled });
    return new Promise<Reply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage(task(id));
    });
  }

  /** Fails every call waiting and every call after (the first failure is the one kept). */
  fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const p of this.waiting.values()) p.reject(error);
    this.waiting.clear();
  }

  /**
   * Fails the calls waiting with `error`, waits until the threads have answered (or left) the tasks they hold,
   * then stops them.
   */
  async close(error: Error): Promise<void> {
    this.fail(error);
    await Promise.all([...this.unanswered.values()].map((u) => u.settled));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
