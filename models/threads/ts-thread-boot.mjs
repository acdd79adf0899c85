// Starts a worker thread whose code is TypeScript source (development, tests): Node 20 does not apply an
// --import loader given in a worker's execArgv, so the thread registers tsx itself, then loads the module.
// A bundled build starts its .mjs threads directly and never uses this file.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.__tsModule);
