/**
 * What the fix-it migration answers: the security lints (verify/sql/checks/security/) and the monitoring
 * gate's view check, read inside a transaction the caller opened, so the same function reads the
 * real database (read only) and the proof's copy between two fixes.
 */
import type pg from 'pg';
import { FINDINGS } from '../gates/monitoring.ts';
import { lintsWithin } from '../gates/security.ts';
import { queryFile, runQuery } from '../sql/run.ts';
import type { Finding, Policy, PolicyCommand } from './block.ts';

export const MONITORING_VIEW = 'public.performance_monitoring_view';

/** The checklist's query on the view, in a savepoint: missing (42P01) or broken is a finding. */
async function monitoringViewFinding(client: pg.PoolClient): Promise<Finding | undefined> {
  await client.query('SAVEPOINT kit_fix_monitoring');
  try {
    await runQuery(client, queryFile('monitoring', 'checklist_monitoring_query'));
    return undefined;
  } catch (error) {
    const e = error as { code?: string; message?: string };
    const lint = e.code === '42P01' ? 'monitoring_view_missing' : 'monitoring_view_broken';
    return {
      lint,
      level: FINDINGS[lint].level,
      object: MONITORING_VIEW,
      detail: e.message ?? String(error),
      remediation: FINDINGS[lint].remediation,
    };
  } finally {
    await client.query('ROLLBACK TO SAVEPOINT kit_fix_monitoring');
    await client.query('RELEASE SAVEPOINT kit_fix_monitoring');
  }
}

export async function findingsWithin(client: pg.PoolClient): Promise<Finding[]> {
  const lints = await lintsWithin(client);
  const view = await monitoringViewFinding(client);
  return view === undefined ? lints : [...lints, view];
}

/** Every policy outside the platform schemas, as pg_policies deparses it. */
export async function readPolicies(db: pg.Pool | pg.PoolClient): Promise<Policy[]> {
  const r = await db.query<{
    rel: string;
    table: string;
    name: string;
    ident: string;
    cmd: PolicyCommand;
    permissive: boolean;
    roles: string[];
    using: string | null;
    check: string | null;
  }>(`
    select format('%I.%I', schemaname, tablename) as rel, tablename::text as "table", policyname::text as name,
           quote_ident(policyname) as ident, cmd, permissive = 'PERMISSIVE' as permissive, roles::text[] as roles,
           qual as using, with_check as check
    from pg_policies
    where schemaname not in ('pg_catalog', 'information_schema', 'auth', 'storage', 'extensions', 'kit_truth')
    order by 1, 3`);
  return r.rows.map((row) => ({ ...row, roles: [...row.roles] }));
}
