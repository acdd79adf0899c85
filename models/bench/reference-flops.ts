// FLOPs of the reference SMILES VAE (../shared/bench/reference-config.json) per molecule, from its shapes, counting
// a multiply-add as 2: the encoder is a bidirectional GRU over pad_to steps (3 gates of input and hidden products
// per direction), the decoder a GRU over pad_to − 1 steps fed the token embedding and z, then its output layer.
// Element-wise work (gate nonlinearities, softmax) is left out: it is a few percent. Training counts the backward
// pass as twice the forward (the usual estimate: a gradient for the inputs and one for the weights per product).
export interface ReferenceShapes {
  embedding: number;
  encoderHidden: number;
  latent: number;
  decoderHidden: number;
  vocab: number;
  padTo: number;
}

export function referenceFlops(s: ReferenceShapes): { encode: number; decodeGreedy: number; forward: number; train: number } {
  const gru = (input: number, hidden: number) => 3 * (input * hidden + hidden * hidden) * 2;
  const T = s.padTo;
  const encode = 2 * T * gru(s.embedding, s.encoderHidden) + 2 * (2 * s.encoderHidden * s.latent * 2);
  const init = s.latent * s.decoderHidden * 2;
  const step = gru(s.embedding + s.latent, s.decoderHidden) + s.decoderHidden * s.vocab * 2;
  const decodeGreedy = init + (T - 1) * step;
  const forward = encode + decodeGreedy;
  return { encode, decodeGreedy, forward, train: 3 * forward };
}
