/** The migrated database every test file clones; rebuilt at the start of each test run. */
export const TEMPLATE_DATABASE = 'kit_test_template';

export function databaseUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
