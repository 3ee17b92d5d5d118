/**
 * The SELECT column of the RLS matrix through the Data API, read-only: anon, a seeded user and
 * the service role each list every table; the user must see only their own rows. Writes are
 * probed in SQL (rls-probe.ts) where they can be rolled back.
 */

import type { RlsTable } from '../../model/rls-matrix.ts';
import { RLS_MATRIX, RLS_TABLES } from '../../model/rls-matrix.ts';
import { supabasePaths } from '../../model/target.ts';

export interface ApiProbeFinding {
  readonly table: RlsTable;
  readonly actor: 'anon' | 'owner' | 'service_role';
  readonly expected: string;
  readonly actual: string;
}

export interface ApiProbeInput {
  readonly url: string;
  readonly anonKey: string;
  readonly serviceRoleKey: string;
  readonly userId: string;
  readonly userToken: string;
}

const OWNER_KEY: Partial<Record<RlsTable, string>> = { users: 'id', profiles: 'id' };

async function list(
  input: ApiProbeInput,
  table: RlsTable,
  bearer: string,
  apikey: string,
): Promise<{ status: number; rows: unknown }> {
  const res = await fetch(`${input.url}${supabasePaths.rest}/${table}?select=*&limit=200`, {
    headers: { apikey, authorization: `Bearer ${bearer}`, accept: 'application/json' },
  });
  const text = await res.text();
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch {
    rows = text.slice(0, 200);
  }
  return { status: res.status, rows };
}

export async function probeDataApi(input: ApiProbeInput): Promise<{ findings: ApiProbeFinding[]; requests: number }> {
  const findings: ApiProbeFinding[] = [];
  let requests = 0;
  for (const table of RLS_TABLES) {
    const expect = RLS_MATRIX[table].select;
    const anon = await list(input, table, input.anonKey, input.anonKey);
    const user = await list(input, table, input.userToken, input.anonKey);
    const service = await list(input, table, input.serviceRoleKey, input.serviceRoleKey);
    requests += 3;
    const ok = (s: number): boolean => s >= 200 && s < 300;
    // anon: denied → 401/403; rows/none → 2xx (and with 'none', no rows).
    if (expect.anon === 'denied' && ok(anon.status)) {
      const n = Array.isArray(anon.rows) ? anon.rows.length : 0;
      if (n > 0)
        findings.push({ table, actor: 'anon', expected: 'denied (401)', actual: `${anon.status} with ${n} rows` });
      else findings.push({ table, actor: 'anon', expected: 'denied (401)', actual: `${anon.status} []` });
    } else if (expect.anon !== 'denied' && !ok(anon.status)) {
      findings.push({ table, actor: 'anon', expected: '200', actual: String(anon.status) });
    }
    // the user: only own rows where the matrix says owner-only reads.
    if (expect.owner === 'denied') {
      if (ok(user.status) && Array.isArray(user.rows) && user.rows.length > 0) {
        findings.push({
          table,
          actor: 'owner',
          expected: 'denied (403)',
          actual: `${user.status} with ${user.rows.length} rows`,
        });
      }
    } else if (!ok(user.status)) {
      findings.push({ table, actor: 'owner', expected: '200', actual: String(user.status) });
    } else if (expect.other !== 'rows' && Array.isArray(user.rows)) {
      const key = OWNER_KEY[table] ?? 'user_id';
      const foreign = user.rows.filter((r) => (r as Record<string, unknown>)[key] !== input.userId);
      if (foreign.length > 0) {
        findings.push({
          table,
          actor: 'owner',
          expected: 'own rows only',
          actual: `${foreign.length} rows of other users or anonymous (first ${key}=${String((foreign[0] as Record<string, unknown>)[key])})`,
        });
      }
    }
    if (!ok(service.status))
      findings.push({ table, actor: 'service_role', expected: '200', actual: String(service.status) });
  }
  return { findings, requests };
}
