// Every check of verify/sql/checks/ against its planted fault (check-faults.ts), on a fresh database:
// in a transaction that is rolled back, the check does not name the fault's object before it is
// planted, and names it after, through the check shape the runner enforces (name, title, level,
// detail, remediation, object[, metadata]). A check without a fault fails here and in the parity test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allSqlFiles, runCheck } from '../../verify/sql/run.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { CHECK_FAULTS, plantFault } from './check-faults.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await freshDatabase();
});

afterAll(async () => {
  await db?.close();
});

describe('each check finds its planted fault', () => {
  it.each(allSqlFiles('checks').map((file) => [`${file.folder}/${file.name}`, file] as const))(
    '%s',
    async (id, file) => {
      const fault = CHECK_FAULTS[id];
      expect(fault, `${id} has no planted fault in test/verify-db/check-faults.ts`).toBeDefined();
      if (fault === undefined) return;
      const client = await db.pool.connect();
      try {
        await client.query('begin');
        const before = await runCheck(client, file, fault.cleanParams ?? fault.params ?? []);
        expect(before.map((f) => f.object)).not.toContain(fault.object);
        await plantFault(client, fault);
        const after = await runCheck(client, file, fault.params ?? []);
        const found = after.find((f) => f.object === fault.object);
        expect(found, `${id} names ${after.map((f) => f.object).join(', ') || 'nothing'}`).toBeDefined();
        expect(found?.name).toBe(file.name);
        expect(found?.title).not.toBe('');
        expect(found?.detail).not.toBe('');
        expect(found?.remediation).not.toBe('');
      } finally {
        await client.query('rollback');
        client.release();
      }
    },
  );

  it('refuses a check whose result is not the check shape, naming the file', async () => {
    const file = { ...allSqlFiles('checks')[0]!, sql: "select 'x' as lint, 'warn' as level, 'o' as object" };
    await expect(runCheck(db.pool, file)).rejects.toThrow(
      /verify\/sql\/checks\/.*\.sql: a check returns exactly the columns name, title, level, detail, remediation, object .*this one returns lint, level, object/,
    );
    const misnamed = {
      ...file,
      sql: "select 'other'::text as name, 't'::text as title, 'warn'::text as level, 'd'::text as detail, 'r'::text as remediation, 'o'::text as object",
    };
    await expect(runCheck(db.pool, misnamed)).rejects.toThrow(
      /row 1 is named other; a check's rows carry its file name/,
    );
  });
});
