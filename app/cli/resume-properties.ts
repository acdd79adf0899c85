// Property jobs an earlier run left unfinished (a CLI import stopped during its properties, an app closed or
// killed while they ran) are resumed whenever a workspace is opened (createCore's resumeProperties), by the
// CLI too (issue 18, item 6). A CLI command exits when it is done, which would cancel them again: it waits
// for the ones its own core resumed, with a progress line on a terminal and one line each on stderr. Jobs
// another live process runs are that process's: not waited for.
import type { Job } from '../../main/api/contract.ts';
import type { LocalCore } from '../../main/handlers/types.ts';
import { formatProgress, ProgressLine } from './progress-line.ts';
import { printable } from './terminal-text.ts';

/** The live properties jobs right after the core opened: the ones it resumed, and any of other processes. */
export async function liveProperties(core: LocalCore): Promise<Job[]> {
  const jobs = await core.handlers['jobs.list']({ limit: 500 });
  return jobs.filter((j) => j.kind === 'properties' && (j.status === 'running' || j.status === 'queued'));
}

/** Waits for those of `jobs` that this process runs, and says how each ended. */
export async function finishResumedProperties(core: LocalCore, jobs: readonly Job[]): Promise<void> {
  if (!jobs.length) return;
  const line = new ProgressLine();
  const ids = new Set(jobs.map((j) => j.id));
  const off = core.onEvent((event, payload) => {
    if (event !== 'job.progress') return;
    const p = payload as { jobId: number };
    const job = jobs.find((j) => j.id === p.jobId);
    if (job && ids.has(p.jobId)) line.show(formatProgress(job.title, payload as Parameters<typeof formatProgress>[1]));
  });
  try {
    for (const j of jobs) {
      const end = await core.whenJobFinished(j.id);
      // still live: another process runs it (whenJobFinished waits only for this process's jobs)
      if (end.status === 'running' || end.status === 'queued') continue;
      line.clear();
      const how = end.status === 'done' ? `computed for ${(end.result as { computed?: number } | null)?.computed ?? 0} molecules` : `${end.status}${end.error ? `: ${end.error}` : ''}`;
      process.stderr.write(`${printable(j.title)} (left unfinished by an earlier run): ${printable(how)}\n`);
    }
  } finally {
    off();
    line.clear();
  }
}
