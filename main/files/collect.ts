// Gathering a reader's output into records and problems: for tests, small files and the CLI. The import
// job streams instead.
import type { ReadItem, SourceProblem, SourceRecord } from './types.ts';

export async function collect(items: AsyncIterable<ReadItem>): Promise<{ records: SourceRecord[]; problems: SourceProblem[] }> {
  const records: SourceRecord[] = [];
  const problems: SourceProblem[] = [];
  for await (const item of items) (item.kind === 'record' ? records : problems).push(item as never);
  return { records, problems };
}
