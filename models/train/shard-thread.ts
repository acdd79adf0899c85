// One thread of a ShardedStepRunner (sharded-step.ts): one-thread sessions of a shard's gradient graph (and its
// statistic graph, where the loss has one), fed the parameters the host writes into shared memory before each
// step, answering with the shard's loss, reports and gradients (their buffers handed over, not copied).
import { parentPort, workerData } from 'node:worker_threads';
import { createSession, ort } from '../graph/ort.ts';
import type { ShardReply, ShardTask, ShardThreadData } from './sharded-step.ts';

const d = workerData as ShardThreadData;
const [gradient, statistic] = await Promise.all([createSession(d.gradient, { threads: 1 }), d.statistic ? createSession(d.statistic, { threads: 1 }) : null]);
// onnxruntime-node refuses tensors over shared memory ("Invalid argument"): the shared values are copied into
// these at the first task of each step
const shared = d.params.map((b) => new Float32Array(b));
const own = shared.map((s) => new Float32Array(s.length));
const params = new Map(d.paramNames.map((name, i) => [name, new ort.Tensor('float32', own[i], d.shapes[i])]));

parentPort!.on('message', async (t: ShardTask) => {
  try {
    if (t.newParams) shared.forEach((s, i) => own[i].set(s));
    const session = t.kind === 'statistic' ? statistic! : gradient;
    const feeds: Record<string, ort.Tensor> = {};
    for (const name of session.inputNames) {
      const w = t.feeds[name];
      feeds[name] = w ? new ort.Tensor(w.type as 'float32', w.data as Float32Array, w.dims) : params.get(name)!;
      if (!feeds[name]) throw new Error(`no value for input ${name}`);
    }
    const out = await session.run(feeds);
    if (t.kind === 'statistic') {
      const s = Float32Array.from(out.statistic.data as Float32Array);
      parentPort!.postMessage({ id: t.id, statistic: s } satisfies ShardReply, [s.buffer]);
      return;
    }
    const grads = d.paramNames.map((name) => out[`grad.${name}`].data as Float32Array);
    const reply: ShardReply = { id: t.id, loss: (out.loss.data as Float32Array)[0], reports: d.reportNames.map((k) => (out[`loss.${k}`].data as Float32Array)[0]), grads };
    parentPort!.postMessage(reply, grads.map((g) => g.buffer as ArrayBuffer));
  } catch (error) {
    parentPort!.postMessage({ id: t.id, error: (error as Error)?.message ?? String(error) } satisfies ShardReply);
  }
});
parentPort!.postMessage({ ready: true } satisfies ShardReply);
