// Thin helpers over onnxruntime-node for graphs built here: session creation with the settings training and
// tests use, and conversions between IR dtypes and ORT tensors.
import * as ort from 'onnxruntime-node';
import { typedArray } from './builder.ts';
import type { DType, Shape, TensorData } from './ir.ts';

export { ort };

export interface SessionOptions {
  threads?: number;
  /** 'all' (default) or 'basic'; tests of huge unrolled graphs may prefer 'basic'. */
  optimization?: 'all' | 'basic' | 'disabled';
  /** Let idle intra-op threads spin (default false: on a shared CPU spinning threads steal time from the rest). */
  spinning?: boolean;
}

export async function createSession(model: Uint8Array, o: SessionOptions = {}): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model, {
    intraOpNumThreads: o.threads ?? 2,
    interOpNumThreads: 1,
    graphOptimizationLevel: o.optimization ?? 'all',
    executionMode: 'sequential',
    extra: { session: { intra_op: { allow_spinning: o.spinning ? '1' : '0' } } },
  });
}

export function tensor(dtype: DType, data: TensorData | readonly number[], shape: Shape): ort.Tensor {
  const ctor = { float32: Float32Array, float64: Float64Array, int64: BigInt64Array, bool: Uint8Array }[dtype];
  const arr = data instanceof ctor ? data : typedArray(dtype, data as ArrayLike<number>);
  return new ort.Tensor(dtype, arr as never, [...shape]);
}
