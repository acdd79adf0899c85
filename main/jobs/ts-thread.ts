// The thread helpers live with the runtime (models/threads/ts-thread.ts), which starts threads of its own.
export { tsThread } from '../../models/threads/ts-thread.ts';
