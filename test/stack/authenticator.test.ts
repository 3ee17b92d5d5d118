/**
 * The roles of a target carry no password written in the kit: PostgREST and the App API log in as
 * `authenticator` with KIT_AUTHENTICATOR_PASSWORD, and PostgREST uses no prepared statements on a
 * database that may sit behind a transaction-mode pooler.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
import { postgrestOptionsFor, serverOptionsFor } from '../../stack/lifecycle.ts';
import { postgrestConfig } from '../../stack/postgrest.ts';

describe('the authenticator login', () => {
  it('comes from KIT_AUTHENTICATOR_PASSWORD for PostgREST and the App API alike', () => {
    const config = loadConfig({
      env: { KIT_ENV_FILE: '/dev/null', KIT_AUTHENTICATOR_PASSWORD: 'from-the-settings' },
    });
    const conf = postgrestConfig(postgrestOptionsFor(config));
    expect(conf).toMatch(/^db-uri = "postgresql:\/\/authenticator:from-the-settings@127\.0\.0\.1:54322\/postgres"$/m);
    expect(serverOptionsFor(config).authenticatorPassword).toBe('from-the-settings');
    expect(conf).toContain('db-prepared-statements = true');
  });

  it("turns PostgREST's prepared statements off on a database that is not the kit's own", () => {
    const config = loadConfig({
      env: { KIT_ENV_FILE: '/dev/null', DATABASE_URL: 'postgresql://postgres:pw@db.example.test:6543/postgres' },
    });
    const conf = postgrestConfig(postgrestOptionsFor(config));
    expect(conf).toContain('db-prepared-statements = false');
    expect(conf).toContain('@db.example.test:6543/postgres');
  });
});
