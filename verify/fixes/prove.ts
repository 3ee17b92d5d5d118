/**
 * Proves fix-it blocks before anyone runs them: on a scratch copy of the database (local stack:
 * CREATE DATABASE … TEMPLATE, as the rollback drill's scratch mode does) or, on staging, in a
 * transaction that is always rolled back (the drill's transaction mode). Either way the blocks run
 * in one transaction, each in its own savepoint, in file order:
 *   applied      every statement ran;
 *   finding gone the block's findings are no longer reported;
 *   nothing else the security lints report no new finding, no RLS matrix cell that was as
 *                expected deviates and no closed cell opens, no data-integrity check that
 *                passed fails.
 * A proved block is kept so the next block is proved on top of it (as the file would run); a
 * block that fails is rolled back to its savepoint and marked not safe. CONCURRENTLY cannot run
 * in a transaction, so the proof builds and drops those indexes without it.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { changedCells } from '../../drill/rollback.ts';
import { copyDatabase } from '../../drill/scratch.ts';
import { withClient } from '../../lib/pg/connect.ts';
import { type CellResult, probeRlsMatrixWithin } from '../../lib/pg/rls-probe.ts';
import { judgedRuns } from '../checks/truth.ts';
import { checkFiles, runCheck } from '../sql/run.ts';
import { type FixBlock, findingKey } from './block.ts';
import { findingsWithin } from './findings.ts';

export type ProofMode = 'copy' | 'transaction';

export interface BlockProof {
  readonly id: string;
  readonly status: 'proved-safe' | 'not-safe';
  readonly applied: boolean;
  readonly findingsGone: boolean;
  /** Why it is not safe; empty when it is. */
  readonly reasons: readonly string[];
}

interface Measure {
  readonly findings: ReadonlySet<string>;
  readonly cells: readonly CellResult[];
  /** Data-integrity checks that report rows. */
  readonly failing: ReadonlySet<string>;
}

const withoutConcurrently = (sql: string): string =>
  sql.replace(/^(CREATE\s+(?:UNIQUE\s+)?INDEX|DROP\s+INDEX)\s+CONCURRENTLY\b/i, '$1');

async function measure(client: pg.PoolClient, runs: readonly string[]): Promise<Measure> {
  const findings = new Set((await findingsWithin(client)).map(findingKey));
  const cells = await probeRlsMatrixWithin(client);
  const failing = new Set<string>();
  for (const check of checkFiles('data-integrity')) {
    if (runs.length === 0 && check.sql.includes('kit_truth.')) continue; // as the gate: no seed run, no truth checks
    if ((await runCheck(client, check, [runs])).length > 0) failing.add(check.name);
  }
  return { findings, cells, failing };
}

/** Closed cells that now return rows though they should not, and cells that were right and are not. */
function brokenCells(before: readonly CellResult[], after: readonly CellResult[]): string[] {
  const was = new Map(before.map((c) => [`${c.table}/${c.op}/${c.actor}`, c]));
  const opened = after.filter(
    (c) => c.actual === 'rows' && c.expected !== 'rows' && was.get(`${c.table}/${c.op}/${c.actor}`)?.actual !== 'rows',
  );
  const broken = new Map([...changedCells(before, after), ...opened].map((c) => [`${c.table}/${c.op}/${c.actor}`, c]));
  return [...broken.values()].map(
    (c) =>
      `RLS cell ${c.table} ${c.op} as ${c.actor}: ${was.get(`${c.table}/${c.op}/${c.actor}`)?.actual ?? '?'} → ${c.actual} (expected ${c.expected})`,
  );
}

async function proveBlock(
  client: pg.PoolClient,
  block: FixBlock,
  current: Measure,
  runs: readonly string[],
): Promise<{ proof: BlockProof; after?: Measure }> {
  await client.query('SAVEPOINT kit_fix_block');
  for (const sql of block.statements) {
    try {
      await client.query(withoutConcurrently(sql));
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT kit_fix_block');
      await client.query('RELEASE SAVEPOINT kit_fix_block');
      const e = error as { code?: string; message?: string };
      return {
        proof: {
          id: block.id,
          status: 'not-safe',
          applied: false,
          findingsGone: false,
          reasons: [
            `did not apply: ${`${e.code ?? ''} ${e.message ?? String(error)}`.trim()} (in: ${sql.split('\n')[0]})`,
          ],
        },
      };
    }
  }
  const after = await measure(client, runs);
  const remaining = block.findings.filter((k) => after.findings.has(k));
  const reasons = [
    ...remaining.map((k) => `finding still reported: ${k}`),
    ...[...after.findings].filter((k) => !current.findings.has(k)).map((k) => `new finding: ${k}`),
    ...brokenCells(current.cells, after.cells),
    ...[...after.failing].filter((k) => !current.failing.has(k)).map((k) => `data-integrity check ${k} now fails`),
  ];
  const safe = reasons.length === 0;
  await client.query(safe ? 'RELEASE SAVEPOINT kit_fix_block' : 'ROLLBACK TO SAVEPOINT kit_fix_block');
  if (!safe) await client.query('RELEASE SAVEPOINT kit_fix_block');
  const proof: BlockProof = {
    id: block.id,
    status: safe ? 'proved-safe' : 'not-safe',
    applied: true,
    findingsGone: remaining.length === 0,
    reasons,
  };
  return safe ? { proof, after } : { proof };
}

/** Staging: the blocks in order on `pool`'s database, inside one transaction that is always rolled back. */
export async function proveInTransaction(
  pool: pg.Pool,
  blocks: readonly FixBlock[],
  seedRunIds: readonly string[],
): Promise<BlockProof[]> {
  const runs = (await judgedRuns(pool, seedRunIds)).complete;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      let current = await measure(client, runs);
      const proofs: BlockProof[] = [];
      const unsafe = new Set<string>();
      for (const block of blocks) {
        const missing = block.requires.filter((r) => unsafe.has(r.id)).map((r) => r.id);
        if (missing.length > 0) {
          // It drops what a rejected block would have created: it cannot run without that block.
          unsafe.add(block.id);
          proofs.push({
            id: block.id,
            status: 'not-safe',
            applied: false,
            findingsGone: false,
            reasons: [`builds on ${missing.join(', ')}, which is not safe`],
          });
          continue;
        }
        const { proof, after } = await proveBlock(client, block, current, runs);
        if (proof.status === 'not-safe') unsafe.add(block.id);
        proofs.push(proof);
        if (after !== undefined) current = after;
      }
      return proofs;
    } finally {
      await client.query('ROLLBACK');
    }
  } finally {
    client.release();
  }
}

/**
 * Local: a scratch copy of the database at `url` (on the same server), dropped afterwards. Copying
 * needs the source without sessions, so its connections are closed; pools reconnect by themselves.
 */
export async function proveOnCopy(
  url: string,
  blocks: readonly FixBlock[],
  seedRunIds: readonly string[],
): Promise<BlockProof[]> {
  const admin = new URL(url);
  const source = decodeURIComponent(admin.pathname.slice(1));
  admin.pathname = '/template1';
  const scratch = `kit_fix_proof_${randomBytes(4).toString('hex')}`;
  await copyDatabase(admin.href, source, scratch);
  const copyUrl = new URL(url);
  copyUrl.pathname = `/${scratch}`;
  const pool = new pg.Pool({ connectionString: copyUrl.href, max: 2 });
  pool.on('error', () => undefined);
  try {
    return await proveInTransaction(pool, blocks, seedRunIds);
  } finally {
    await pool.end().catch(() => undefined);
    await withClient(admin.href, 'the fix-it proof', (c) => c.query(`drop database if exists ${scratch} with (force)`));
  }
}
