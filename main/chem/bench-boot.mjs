// Starts the bench's TypeScript worker thread: Node 20 does not apply an --import loader given in a
// worker's execArgv, so the thread registers tsx itself, then loads the module.
import { register } from 'tsx/esm/api';

register();
await import('./bench-worker.ts');
