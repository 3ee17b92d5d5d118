/**
 * Streams binary COPY data for one table over an open connection.
 */
import { once } from 'node:events';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { TableSpec } from '../tables.ts';

const quote = (name: string) =>
  name
    .split('.')
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join('.');

export function copyStatement(table: TableSpec<Record<string, unknown>>): string {
  return `COPY ${quote(table.name)} (${table.columns.map((c) => quote(c.name)).join(', ')}) FROM STDIN (FORMAT binary)`;
}

/** Writes the chunks (the first with the binary header, the last with the trailer) as one COPY. */
export async function copyChunks(
  client: pg.Client,
  table: TableSpec<Record<string, unknown>>,
  chunks: readonly Buffer[],
): Promise<void> {
  const stream = client.query(copyStreams.from(copyStatement(table)));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', () => resolve());
    stream.on('error', reject);
  });
  for (const chunk of chunks) {
    if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), done]);
  }
  stream.end();
  await done;
}
