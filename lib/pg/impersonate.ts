// Run database work under an API identity the way PostgREST does: one transaction, the
// role and JWT claims set transaction-locally first, then the work. The transaction is
// rolled back unless the caller asks to commit, so probes leave no trace.
import type { Client, PoolClient } from 'pg';

export type Identity =
  | { readonly role: 'anon' }
  | { readonly role: 'service_role' }
  | { readonly role: 'authenticated'; readonly sub: string; readonly email?: string };

export type DbClient = PoolClient | Client;

export interface WithIdentityOptions {
  /** COMMIT instead of the default ROLLBACK. */
  readonly commit?: boolean;
}

/** The JWT claims PostgREST would put in request.jwt.claims; `role` is always present. */
export function claimsFor(identity: Identity): Record<string, string> {
  if (identity.role !== 'authenticated') return { role: identity.role };
  const claims: Record<string, string> = {
    role: 'authenticated',
    sub: identity.sub,
    aud: 'authenticated',
  };
  if (identity.email !== undefined) claims['email'] = identity.email;
  return claims;
}

export async function withIdentity<T>(
  client: DbClient,
  identity: Identity,
  fn: (c: DbClient) => Promise<T>,
  opts: WithIdentityOptions = {},
): Promise<T> {
  await client.query('BEGIN');
  try {
    // Its own statement on purpose: a statement's privileges are fixed when it starts, so a
    // set_config('role', ...) inside the statement that reads a table would not switch the
    // role for that read. Both settings are transaction-local (third argument true), like
    // PostgREST's, so nothing leaks to the next user of a pooled connection.
    await client.query("select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)", [
      identity.role,
      JSON.stringify(claimsFor(identity)),
    ]);
    const result = await fn(client);
    await client.query(opts.commit === true ? 'COMMIT' : 'ROLLBACK');
    return result;
  } catch (error) {
    // After an error the transaction is aborted; end it so the connection is reusable.
    // A failed ROLLBACK (e.g. broken connection) must not hide the original error.
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
