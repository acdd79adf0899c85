// Train-step compiler: from a loss graph and its parameters, one ONNX model that does a whole optimizer step.
//   inputs:  the loss graph's own inputs (batch tensors, loss weights such as kl_weight), lr, step (1-based),
//            every parameter <name>, and Adam's moments m.<name>, v.<name>
//   outputs: loss, loss.<report> for each reported scalar, grad_norm (before clipping), new.<name>,
//            new.m.<name>, new.v.<name>
// Adam/AdamW with bias correction (PyTorch's formulation) and global-norm gradient clipping run inside the
// graph, so one session.run per batch does everything and the host only swaps tensors.
import { gradients } from '../graph/autodiff.ts';
import { Graph } from '../graph/builder.ts';
import type { DType, Value } from '../graph/ir.ts';
import { plan, toOnnx } from '../graph/writer.ts';
import type { ParamSpec } from './params.ts';

export interface OptimizerConfig {
  type: 'adam' | 'adamw';
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled weight decay (AdamW only). */
  weightDecay?: number;
  /** Global gradient-norm limit; 0 or undefined disables clipping. */
  clipNorm?: number;
}

export interface LossGraph {
  graph: Graph;
  params: readonly ParamSpec[];
  /** Scalar to minimize. */
  loss: Value;
  /** Extra scalars to report (e.g. ce, kl). */
  reports?: Record<string, Value>;
}

export interface CompiledStep {
  model: Uint8Array;
  paramNames: string[];
  /** Inputs the caller feeds per batch (everything but lr, step, params and optimizer state). */
  batchInputs: { name: string; dtype: string; shape: number[] }[];
  reportNames: string[];
  /** Nodes in the written model. */
  nodeCount: number;
}

export function compileTrainStep(spec: LossGraph, opt: OptimizerConfig): CompiledStep {
  const g = spec.graph;
  const batchInputs = g.inputs.map((v) => ({ name: v.name, dtype: v.dtype, shape: [...v.shape] }));
  const paramNames = spec.params.map((p) => p.name);
  const isParam = new Set(paramNames);
  const grads = gradients(g, spec.loss, spec.params.map((p) => p.value));
  adamUpdate(g, spec.params.map((p) => ({ name: p.name, shape: p.shape, value: p.value })), grads, opt, spec.loss.dtype);
  g.output('loss', spec.loss);
  const reportNames = Object.keys(spec.reports ?? {});
  for (const k of reportNames) g.output(`loss.${k}`, spec.reports![k]);
  const model = toOnnx(g, { keepAllInputs: true, name: 'train_step' });
  return {
    model,
    paramNames,
    batchInputs: batchInputs.filter((b) => !isParam.has(b.name)),
    reportNames,
    nodeCount: plan(g, g.outputs.map((o) => o.value)).length + g.outputs.length,
  };
}

/**
 * Adam/AdamW with global-norm clipping, written into g: inputs lr, step, m.<name>, v.<name>; outputs new.<name>,
 * new.m.<name>, new.v.<name> and grad_norm (before clipping). The one update of both compileTrainStep and
 * compileApplyStep.
 */
function adamUpdate(g: Graph, params: readonly { name: string; shape: readonly number[]; value: Value }[], grads: readonly Value[], opt: OptimizerConfig, dtype: DType): void {
  const b1 = opt.beta1 ?? 0.9, b2 = opt.beta2 ?? 0.999, eps = opt.eps ?? 1e-8;
  const lr = g.input('lr', dtype, []);
  const step = g.input('step', dtype, []);
  const sq = grads.map((gr) => g.reduceSum(g.mul(gr, gr)));
  const norm = g.sqrt(g.sum(...sq));
  let scale: Value | null = null;
  if (opt.clipNorm && opt.clipNorm > 0) scale = g.min(g.scalar(1, dtype), g.div(opt.clipNorm, g.add(norm, 1e-6)));
  // Bias corrections as scalars: step size lr/(1-b1^t), denominator sqrt(v)/sqrt(1-b2^t) + eps.
  const stepSize = g.div(lr, g.sub(1, g.pow(g.scalar(b1, dtype), step)));
  const invSqrtBc2 = g.reciprocal(g.sqrt(g.sub(1, g.pow(g.scalar(b2, dtype), step))));
  const decay = opt.type === 'adamw' && opt.weightDecay ? g.sub(1, g.mul(lr, opt.weightDecay)) : null;

  params.forEach((p, i) => {
    const gr = scale ? g.mul(grads[i], scale) : grads[i];
    const m = g.input(`m.${p.name}`, dtype, p.shape);
    const v = g.input(`v.${p.name}`, dtype, p.shape);
    const m2 = g.add(g.mul(m, b1), g.mul(gr, 1 - b1));
    const v2 = g.add(g.mul(v, b2), g.mul(g.mul(gr, gr), 1 - b2));
    const denom = g.add(g.mul(g.sqrt(v2), invSqrtBc2), eps);
    const base = decay ? g.mul(p.value, decay) : p.value;
    g.output(`new.${p.name}`, g.sub(base, g.mul(g.div(m2, denom), stepSize)));
    g.output(`new.m.${p.name}`, m2);
    g.output(`new.v.${p.name}`, v2);
  });
  g.output('grad_norm', norm);
}

export interface CompiledGradient {
  model: Uint8Array;
  paramNames: string[];
  reportNames: string[];
}

/**
 * The loss and its gradients without an update: inputs the loss graph's own (batch tensors and every parameter);
 * outputs loss, loss.<report> and grad.<name> for every parameter. Run on shards of a batch whose losses add up
 * to the whole batch's (sharded-step.ts), the gradients add up too; compileApplyStep then makes the update.
 */
export function compileGradientStep(spec: LossGraph): CompiledGradient {
  const g = spec.graph;
  const grads = gradients(g, spec.loss, spec.params.map((p) => p.value));
  g.output('loss', spec.loss);
  const reportNames = Object.keys(spec.reports ?? {});
  for (const k of reportNames) g.output(`loss.${k}`, spec.reports![k]);
  spec.params.forEach((p, i) => g.output(`grad.${p.name}`, grads[i]));
  return { model: toOnnx(g, { keepAllInputs: true, name: 'gradient_step' }), paramNames: spec.params.map((p) => p.name), reportNames };
}

/**
 * The update of compileTrainStep from gradients computed elsewhere: inputs shard<k>.grad.<name> for k < shards
 * (summed here, in shard order), every parameter <name>, m.<name>, v.<name>, lr and step; outputs as
 * compileTrainStep's new.* and grad_norm.
 */
export function compileApplyStep(params: readonly { name: string; shape: readonly number[] }[], shards: number, opt: OptimizerConfig, dtype: DType = 'float32'): Uint8Array {
  const g = new Graph();
  const values = params.map((p) => ({ ...p, value: g.input(p.name, dtype, p.shape) }));
  const grads = params.map((p) => g.sum(...Array.from({ length: shards }, (_, k) => g.input(`shard${k}.grad.${p.name}`, dtype, p.shape))));
  adamUpdate(g, values, grads, opt, dtype);
  return toOnnx(g, { keepAllInputs: true, name: 'apply_step' });
}
