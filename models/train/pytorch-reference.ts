// Runs ../shared/bench/pytorch_reference.py (PyTorch CPU reference: training, encode and greedy decode of the
// reference VAE) in the same run as the project's own benchmarks, when /usr/bin/python3 can import torch.
// Returns its one JSON object, or null when torch is not there.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';

export const referenceConfigPath = path.resolve(import.meta.dirname, '../../../shared/bench/reference-config.json');

/**
 * glibc's allocator as PyTorch is tuned to run: freed memory kept for reuse (no mmap, no trim). PyTorch allocates
 * every large tensor afresh (the GRU's input projection of a batch, 256 × 80 × 768 floats, is 63 MB), and glibc
 * serves such blocks with mmap and returns them at free, so each one page-faults again; on machines whose page
 * faults are slow (a VM on an AMD EPYC, 2026-12-07: ~6 µs a page) that made PyTorch's encode 3× slower than on the
 * project's other machines (365 against 1,119–1,176 molecules/s with these settings, its usual 870–940 elsewhere)
 * and its training 106–115 against 138–150 molecules/s. A slowed reference is a broken one, so it always gets these
 * (PyTorch's own tuning guide recommends a caching allocator for the same reason). Our engine keeps its memory in
 * ONNX Runtime's arena and does not depend on it.
 */
export const REFERENCE_MALLOC_TUNABLES = 'glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736';

export function runPytorchReference(configPath: string = referenceConfigPath): Record<string, unknown> | null {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
  if (probe.status !== 0) return null;
  const script = path.resolve(import.meta.dirname, '../../../shared/bench/pytorch_reference.py');
  const out = execFileSync('/usr/bin/python3', [script, configPath], { env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE', GLIBC_TUNABLES: [process.env.GLIBC_TUNABLES, REFERENCE_MALLOC_TUNABLES].filter(Boolean).join(':') }, encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!);
}
