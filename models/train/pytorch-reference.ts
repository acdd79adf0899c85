// Runs ../shared/bench/pytorch_reference.py (PyTorch CPU reference: training, encode and greedy decode of the
// reference VAE) in the same run as the project's own benchmarks, when /usr/bin/python3 can import torch.
// Returns its one JSON object, or null when torch is not there.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';

export const referenceConfigPath = path.resolve(import.meta.dirname, '../../../shared/bench/reference-config.json');

export function runPytorchReference(configPath: string = referenceConfigPath): Record<string, unknown> | null {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
  if (probe.status !== 0) return null;
  const script = path.resolve(import.meta.dirname, '../../../shared/bench/pytorch_reference.py');
  const out = execFileSync('/usr/bin/python3', [script, configPath], { env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' }, encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!);
}
