// Transport cost of browser mode, with a core that answers at once (what the server itself adds):
//   node --import tsx app/server/bench.ts
// small calls per second (one client, and 8 at a time, keep-alive), a 200 MB base64 upload from the first
// byte sent to the answer, and events per second through the WebSocket.
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { startServer } from './server.ts';
import { fakeCore } from './test-support.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'molscape-bench-'));
const core = fakeCore();
const server = await startServer({ core, staticDir: dir });
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

function call(name: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path: `/api/${name}`,
        agent,
        headers: { Host: `127.0.0.1:${server.port}`, Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function callsPerSecond(total: number, concurrency: number): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) if ((await call('jobs.list', '{"limit":10}')) !== 200) throw new Error('call failed');
    }),
  );
  return total / ((performance.now() - t0) / 1000);
}

await callsPerSecond(500, 4); // warm-up
console.log(`jobs.list, 1 client:   ${(await callsPerSecond(5000, 1)).toFixed(0)} calls/s`);
console.log(`jobs.list, 8 clients:  ${(await callsPerSecond(10000, 8)).toFixed(0)} calls/s`);

const base64 = Buffer.alloc(150 * 1024 * 1024, 1).toString('base64');
const body = JSON.stringify({ source: { kind: 'upload', fileName: 'big.smi', base64 } });
const t0 = performance.now();
const status = await call('collections.import', body);
const seconds = (performance.now() - t0) / 1000;
console.log(`upload ${(body.length / 1e6).toFixed(0)} MB of JSON: ${status} in ${seconds.toFixed(2)} s (${(body.length / 1e6 / seconds).toFixed(0)} MB/s)`);

const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`);
await new Promise((resolve) => ws.once('open', resolve));
const events = 50_000;
let received = 0;
const done = new Promise<void>((resolve) => ws.on('message', () => ++received === events && resolve()));
const t1 = performance.now();
for (let i = 1; i <= events; i++) core.emit('job.progress', { jobId: 1, kind: 'import', done: i, total: events, rate: 100, etaSeconds: 1, message: null });
await done;
console.log(`events through the WebSocket: ${(events / ((performance.now() - t1) / 1000)).toFixed(0)} /s`);

ws.close();
agent.destroy();
await server.close();
rmSync(dir, { recursive: true, force: true });
