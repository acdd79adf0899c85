// Entry point of a job process. Speaks to the host over child_process IPC (process.send) or, in Electron,
// over the utilityProcess parentPort; runs one job, reports its end, and exits.
import type { EventName, EventPayload } from '../api/contract.ts';
import type { HostMessage, WorkerMessage } from './protocol.ts';
import { JobCancelled } from './runner.ts';
import { runners } from './runners/index.ts';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function send(message: WorkerMessage): Promise<void> {
  if (parentPort) {
    parentPort.postMessage(message);
    return Promise.resolve();
  }
  if (!process.send) return Promise.resolve();
  return new Promise((resolve) => process.send!(message, undefined, {}, () => resolve()));
}

function onHostMessage(listener: (m: HostMessage) => void): void {
  if (parentPort) parentPort.on('message', (e) => listener(e.data as HostMessage));
  else process.on('message', (m) => listener(m as HostMessage));
}

async function finish(message: WorkerMessage, code: number): Promise<never> {
  await send(message);
  process.exit(code);
}

const PROGRESS_INTERVAL_MS = 100;
const controller = new AbortController();
let started = false;

process.on('uncaughtException', (err) => void finish({ type: 'failed', error: `Job process error: ${err.message}` }, 1));
process.on('unhandledRejection', (err) => void finish({ type: 'failed', error: `Job process error: ${(err as Error)?.message ?? String(err)}` }, 1));

// A forked job whose host died (crash, kill -9) would go on writing to a workspace whose next host has
// already marked the job failed: without its channel, it stops.
if (!parentPort) process.on('disconnect', () => process.exit(1));

onHostMessage((message) => {
  if (message.type === 'cancel') controller.abort();
  else if (message.type === 'start' && !started) {
    started = true;
    void run(message);
  }
});

async function run(start: Extract<HostMessage, { type: 'start' }>): Promise<void> {
  const runner = runners[start.kind];
  if (!runner) return void (await finish({ type: 'failed', error: `No job of kind '${start.kind}' exists in this version.` }, 1));
  // Progress is forwarded at most every PROGRESS_INTERVAL_MS; the latest value always goes out in the end.
  let last = 0;
  let pending: WorkerMessage | null = null;
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending) void send(pending);
    pending = null;
    last = Date.now();
  };
  try {
    const result = await runner({
      jobId: start.jobId,
      workspace: start.workspace,
      args: start.args,
      signal: controller.signal,
      progress(done, total, msg = null) {
        pending = { type: 'progress', done, total, message: msg };
        const wait = last + PROGRESS_INTERVAL_MS - Date.now();
        if (wait <= 0) flush();
        else timer ??= setTimeout(flush, wait);
      },
      emit<E extends EventName>(event: E, payload: EventPayload<E>) {
        void send({ type: 'event', event, payload });
      },
    });
    flush();
    if (controller.signal.aborted) await finish({ type: 'cancelled' }, 0);
    await finish({ type: 'done', result: result ?? null }, 0);
  } catch (err) {
    flush();
    if (err instanceof JobCancelled || controller.signal.aborted) await finish({ type: 'cancelled' }, 0);
    await finish({ type: 'failed', error: (err as Error)?.message ?? String(err) }, 1);
  }
}
