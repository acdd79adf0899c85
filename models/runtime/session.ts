// ONNX Runtime sessions for the inference graphs: intra-op threads configurable (a slider needs one fast decode,
// a batch job may want every core), idle threads do not spin (a desktop app shares the CPU), and denormals are
// flushed to zero (a GRU's small activations otherwise hit slow paths on x86).
import * as ort from 'onnxruntime-node';

export { ort };

export interface RuntimeOptions {
  /** Intra-op threads per session (default 1). */
  threads?: number;
  /** Flush denormal floats to zero (default true). */
  denormalAsZero?: boolean;
  /**
   * With threads > 1: decoder steps of at most this many rows run on a one-thread session (default
   * vae-runtime.ts's SMALL_STEP_ROWS; 0: never).
   */
  smallStepRows?: number;
  /**
   * Run the decoder step with one recurrent Gemm per gate (step-graph.ts; default true, same results); false:
   * decoder_step.onnx as exported (for A/B measurements).
   */
  splitGateGemms?: boolean;
  /**
   * Decode one row greedily in one ORT call (an ONNX Loop over the decoder step, greedy-loop.ts; default true,
   * same results); false: step by step from JS (for A/B measurements).
   */
  greedyLoop?: boolean;
  /**
   * With threads > 1: large encoder runs go to whichever of a threads-wide and a one-thread session has lately
   * been faster (faster-session.ts; default true, same results); false: always the threads-wide one.
   */
  adaptiveEncoder?: boolean;
  /**
   * Run the encoder step by step with both directions batched and the input side gathered from tables
   * (stepped-encoder.ts; default true; mu within float32 rounding of the exported graph's); false:
   * encoder.onnx as exported (for A/B measurements).
   */
  steppedEncoder?: boolean;
  /** Further session options over these (profiling, trying other settings), each replacing the same key's; not threads. */
  session?: ort.InferenceSession.SessionOptions;
}

export function sessionOptions(o: RuntimeOptions = {}): ort.InferenceSession.SessionOptions {
  const base: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: o.threads ?? 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    extra: {
      session: {
        set_denormal_as_zero: o.denormalAsZero === false ? '0' : '1',
        intra_op: { allow_spinning: '0' },
      },
    },
  };
  return { ...base, ...o.session, intraOpNumThreads: base.intraOpNumThreads }; // threads: only through o.threads
}

export function createSession(model: Uint8Array, o: RuntimeOptions = {}): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model, sessionOptions(o));
}
