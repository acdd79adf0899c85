// What browser mode promises a client at most, as a Jupyter or Node server does: a small body cap for ordinary
// calls (the large one only for calls that carry an upload), header, request and body-idle timeouts, and a
// bound on the calls one connection, and all connections together, may have running.
import type { Socket } from 'node:net';
import { calls, type CallName } from '../../main/api/contract.ts';
import { largestStringBound } from './schema-bounds.ts';

export interface Limits {
  /** body cap of an ordinary call */
  maxBodyBytes: number;
  /** body cap of a call whose arguments may carry a file's bytes (an upload's base64) */
  maxUploadBodyBytes: number;
  /** all headers must arrive within this (a slow-headers client is answered 408 and dropped) */
  headersTimeoutMs: number;
  /** the whole request (headers and body) must arrive within this */
  requestTimeoutMs: number;
  /** a body that sends nothing for this long is dropped */
  bodyIdleTimeoutMs: number;
  /** calls one connection may have open at once (HTTP pipelining); more are answered 429 */
  maxCallsPerConnection: number;
  /** calls running at once over all connections; more wait in line */
  maxRunningCalls: number;
  /** calls waiting for a turn; more are answered 429 */
  maxWaitingCalls: number;
  /** open connections; Node drops the ones beyond */
  maxConnections: number;
  /** event sockets open at once (a page holds one); more are refused with 429 */
  maxEventSockets: number;
}

export const defaultLimits: Limits = {
  // a latent.decode of 5,000 rows of 56 numbers is ~6 MB of JSON; everything else is far smaller
  maxBodyBytes: 8 * 1024 * 1024,
  // the contract allows ~280 MB of base64 in an upload, plus room for the rest of the body
  maxUploadBodyBytes: 300 * 1024 * 1024,
  headersTimeoutMs: 20_000,
  // a 300 MB upload over loopback takes seconds; five minutes leaves room for a slow, busy machine
  requestTimeoutMs: 300_000,
  bodyIdleTimeoutMs: 15_000,
  maxCallsPerConnection: 4,
  maxRunningCalls: 16,
  maxWaitingCalls: 256,
  maxConnections: 256,
  maxEventSockets: 32,
};

/** Calls whose argument schema admits a string larger than an ordinary body: those carry uploads. */
const uploadCalls = new Set(
  (Object.keys(calls) as CallName[]).filter((name) => largestStringBound(calls[name].args) > defaultLimits.maxBodyBytes / 2),
);

export function carriesUpload(name: CallName): boolean {
  return uploadCalls.has(name);
}

export function bodyLimit(name: CallName, limits: Limits): number {
  return carriesUpload(name) ? limits.maxUploadBodyBytes : limits.maxBodyBytes;
}

/** A turn to run a call: at most maxRunning at once, maxWaiting in line, the rest refused. */
export class CallGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly perConnection = new WeakMap<Socket, number>();

  constructor(private readonly limits: Pick<Limits, 'maxRunningCalls' | 'maxWaitingCalls' | 'maxCallsPerConnection'>) {}

  /** Count a call on its connection; false when that connection already has its share open. */
  openOn(socket: Socket): boolean {
    const n = this.perConnection.get(socket) ?? 0;
    if (n >= this.limits.maxCallsPerConnection) return false;
    this.perConnection.set(socket, n + 1);
    return true;
  }

  closeOn(socket: Socket): void {
    this.perConnection.set(socket, Math.max(0, (this.perConnection.get(socket) ?? 1) - 1));
  }

  /** Resolves with a release function when the call may run; null when the line is full. */
  enter(): Promise<() => void> | null {
    if (this.running < this.limits.maxRunningCalls) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.limits.maxWaitingCalls) return null;
    return new Promise((resolve) => this.waiting.push(() => resolve(this.releaser())));
  }

  get busy(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiting.shift();
      // the turn passes straight to the next in line, or the count drops
      if (next) next();
      else this.running--;
    };
  }
}
