/**
 * Reads the database time from a `Server-Timing` response header (`db;dur=12.3`, possibly among
 * other metrics: `app;dur=20, db;desc="queries";dur=3.5`). Pure; unit-tested in Node.
 */

/**
 * @example dbDurationMs('app;dur=20, db;dur=3.5') // 3.5
 * @returns milliseconds, or undefined when the header has no `db` metric with a duration
 */
export function dbDurationMs(header: string | undefined): number | undefined {
  if (!header) return undefined;
  for (const metric of header.split(',')) {
    const [name, ...params] = metric.split(';').map((part) => part.trim());
    if (name?.toLowerCase() !== 'db') continue;
    for (const param of params) {
      const match = /^dur\s*=\s*"?(\d+(?:\.\d+)?)"?$/i.exec(param);
      if (match) return Number(match[1]);
    }
  }
  return undefined;
}
