// This machine's FP32 peak, from what /proc/cpuinfo says, so a benchmark can state its figures as a share of it.
// peak = vCPUs × clock × FP32 FLOP per cycle per core, where FLOP per cycle follows from the widest vector FMA the
// flags offer and how the microarchitecture executes it: AVX-512 on two 512-bit FMA pipes (Intel server parts):
// 2 × 16 lanes × 2 = 64; AMD Zen 4 (family 25, model ≥ 0x10) runs AVX-512 on 256-bit pipes: 2 × 8 × 2 = 32;
// AVX2 + FMA: 2 × 8 × 2 = 32; otherwise SSE: 2 × 4 × 2 = 16 (without FMA: half). The clock is the one
// /proc/cpuinfo reports (a VM shows the base clock; boost may run higher), and vCPUs may be SMT siblings of fewer
// physical cores: the peak is an upper bound whose assumptions are printed beside it.
import fs from 'node:fs';
import os from 'node:os';

export interface MachinePeak {
  model: string;
  vcpus: number;
  ghz: number;
  flopsPerCycle: number;
  isa: string;
  peakGflops: number;
  basis: string;
}

export function machinePeak(cpuinfo: string = readCpuinfo()): MachinePeak {
  const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(cpuinfo)?.[1]?.trim() ?? '';
  const flags = new Set(field('flags').split(/\s+/));
  const vendor = field('vendor_id'), family = Number(field('cpu family')), model = Number(field('model'));
  const vcpus = (cpuinfo.match(/^processor\s*:/gm) ?? []).length || os.cpus().length;
  const fromName = /@\s*([\d.]+)\s*GHz/.exec(field('model name'));
  const ghz = fromName ? Number(fromName[1]) : Number(field('cpu MHz')) / 1000 || os.cpus()[0]?.speed / 1000 || 0;
  const fma = flags.has('fma');
  let isa: string, flopsPerCycle: number;
  if (flags.has('avx512f')) {
    const zen4 = vendor === 'AuthenticAMD' && family === 25 && model >= 0x10;
    isa = zen4 ? 'AVX-512 on 256-bit pipes (AMD Zen 4)' : 'AVX-512, two 512-bit FMA pipes';
    flopsPerCycle = zen4 ? 32 : 64;
  } else if (flags.has('avx2')) {
    isa = fma ? 'AVX2 + FMA' : 'AVX2';
    flopsPerCycle = fma ? 32 : 16;
  } else {
    isa = 'SSE';
    flopsPerCycle = 8;
  }
  return {
    model: field('model name') || os.cpus()[0]?.model || 'unknown', vcpus, ghz: +ghz.toFixed(3), flopsPerCycle, isa,
    peakGflops: +(vcpus * ghz * flopsPerCycle).toFixed(1),
    basis: `${vcpus} vCPUs × ${ghz.toFixed(2)} GHz (as /proc/cpuinfo reports it) × ${flopsPerCycle} FP32 FLOP/cycle (${isa}); vCPUs may be SMT siblings, boost may run faster`,
  };
}

function readCpuinfo(): string {
  try {
    return fs.readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return '';
  }
}
