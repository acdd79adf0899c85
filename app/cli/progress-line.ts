// One self-overwriting progress line on stderr, only when stderr is a terminal (a log file or a pipe gets
// the summary alone).
import type { EventPayload } from '../../main/api/contract.ts';
import { printable } from './terminal-text.ts';

const fmt = new Intl.NumberFormat('en-US');

export function formatProgress(title: string, p: EventPayload<'job.progress'>): string {
  const parts = [`${title}: ${fmt.format(p.done)}${p.total !== null ? ` / ${fmt.format(p.total)}` : ''}`];
  if (p.total) parts.push(`${Math.min(100, Math.floor((100 * p.done) / p.total))}%`);
  if (p.rate !== null) parts.push(`${fmt.format(Math.round(p.rate))}/s`);
  if (p.etaSeconds !== null) parts.push(`ETA ${Math.ceil(p.etaSeconds)} s`);
  return parts.join('  ');
}

export class ProgressLine {
  private shown = false;
  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  get enabled(): boolean {
    return Boolean(this.stream.isTTY);
  }

  show(text: string): void {
    if (!this.enabled) return;
    // the text may quote a file's name or a job's message: shown escaped, never obeyed (terminal-text.ts)
    this.stream.write(`\r\x1b[2K${printable(text)}`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}
