/**
 * The migrated database every test file clones. Each test run builds its own (the name carries the
 * run's process id), so two runs on one machine never drop each other's template.
 */
export function templateDatabaseName(pid: number): string {
  return `kit_test_template_${pid}`;
}

export function databaseUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
