// One thread of a DecodePool (decode-pool.ts): its own one-thread ONNX Runtime sessions of the model, decoding
// the rows it is sent with the same functions as the core (decode.ts), so its rows come out as they would there.
import { parentPort, workerData } from 'node:worker_threads';
import { Vocabulary } from '../vae/tokenizer.ts';
import { greedyDecode, sampleRows } from './decode.ts';
import type { Decoded } from './decode.ts';
import { referenceGreedyDecode } from './reference-architecture.ts';
import { VaeRuntime } from './vae-runtime.ts';
import type { PoolTask, PoolReply, PoolThreadData } from './decode-pool.ts';

const { model: m, stop } = workerData as PoolThreadData;
// set by the pool's close(): a decode under way stops at its next step, so the thread can be stopped between runs
const shouldStop = () => Atomics.load(stop, 0) !== 0;
const rt = await VaeRuntime.create({ ...m, vocabulary: Vocabulary.fromJSON({ tokens: m.tokens }) }, { threads: 1, greedyLoop: false });

parentPort!.on('message', async (t: PoolTask) => {
  let reply: PoolReply;
  try {
    if (t.kind === 'encode') {
      const encoded = await rt.encodeIds(t.seqs, t.batchSize);
      parentPort!.postMessage({ id: t.id, encoded } satisfies PoolReply, [encoded.mu.buffer as ArrayBuffer, encoded.logvar.buffer as ArrayBuffer]);
      return;
    }
    let decoded: Decoded[] = [];
    if (t.kind === 'greedy') decoded = await greedyDecode(rt, t.z, t.rowIds.length, { ...t.options, shouldStop });
    else if (t.kind === 'sample') decoded = await sampleRows(rt, t.z, t.rowIds, { ...t.options, shouldStop });
    else await referenceGreedyDecode(rt, t.z, t.rowIds.length, t.padTo);
    reply = { id: t.id, decoded };
  } catch (error) {
    reply = { id: t.id, error: (error as Error)?.message ?? String(error) };
  }
  parentPort!.postMessage(reply);
});
parentPort!.postMessage({ ready: true } satisfies PoolReply);
