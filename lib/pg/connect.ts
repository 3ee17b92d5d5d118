import pg from 'pg';
import { EnvironmentError, UsageError } from '../errors.ts';

/** Redacts the password of a connection URL for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable URL>';
  }
}

/**
 * Opens a client and turns the usual connection failures into one-line messages that name the
 * setting the URL came from, instead of a driver stack trace.
 */
export async function connect(url: string, setting: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: 10_000,
    application_name: 'aclue-kit',
  });
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw describeConnectError(error, url, setting);
  }
}

export function describeConnectError(error: unknown, url: string, setting: string): Error {
  const e = error as { code?: string; message?: string };
  const where = redactUrl(url);
  switch (e.code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
      return new EnvironmentError(`${setting}: cannot reach PostgreSQL at ${where} (${e.code})`, [
        "Start the server (`npm run stack -- up` for the kit's own cluster) or fix the host and port.",
      ]);
    case '28P01':
    case '28000':
      return new UsageError(`${setting}: PostgreSQL at ${where} refused the credentials (${e.message})`);
    case '3D000':
      return new UsageError(`${setting}: ${e.message} at ${where}`);
    default:
      if (e.message?.includes('timeout')) {
        return new EnvironmentError(`${setting}: PostgreSQL at ${where} did not answer within 10 s`);
      }
      return new EnvironmentError(`${setting}: cannot connect to ${where}: ${e.message ?? String(error)}`);
  }
}

/** Runs `fn` with a short-lived client and always closes it. */
export async function withClient<T>(url: string, setting: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connect(url, setting);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
