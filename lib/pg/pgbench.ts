/**
 * pgbench's connection flags and environment for a PostgreSQL URL, for the benchmarks that use it as
 * their anchor: pgbench takes no URL, and the password goes through the environment, not argv.
 */
export function pgbenchConnection(url: string, database?: string): { args: string[]; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  return {
    args: [
      '-h',
      u.hostname,
      '-p',
      u.port || '5432',
      '-U',
      decodeURIComponent(u.username),
      database ?? u.pathname.slice(1),
    ],
    env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password), PGAPPNAME: 'pgbench' },
  };
}
