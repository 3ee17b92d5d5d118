/**
 * The migrated database every test file clones. Each test run builds its own (the name carries the
 * run's process id), so two runs on one machine never drop each other's template, and a run can tell
 * whether another live run still uses the server.
 */
export const TEMPLATE_PREFIX = 'kit_test_template_';

export function templateDatabaseName(pid: number): string {
  return `${TEMPLATE_PREFIX}${pid}`;
}

export function databaseUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
