/**
 * The fix-it migration for `npm run verify`: plans a block per mechanically fixable finding of the
 * database under judgement, proves the blocks when asked (`--prove-fixes`: a scratch copy of the
 * kit's own database, or a rolled-back transaction when DATABASE_URL names another server, as the
 * rollback drill does), writes `fixes.sql` beside the report and returns the blocks for summary.json.
 * The database under judgement is only read. A failure here is reported, never fatal to verify.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { redactUrl } from '../../lib/pg/connect.ts';
import { databaseTarget } from '../../stack/database.ts';
import { oneLine } from '../checks/result.ts';
import type { VerifyContext } from '../context.ts';
import type { FixesSummary } from '../report/summary-schema.ts';
import { writeAtomic } from '../report/write.ts';
import { findingsWithin } from './findings.ts';
import { type FixPlan, planFixes } from './generate.ts';
import { type BlockProof, proveInTransaction, proveOnCopy } from './prove.ts';
import { renderFixesSql } from './render.ts';

export const FIXES_FILE = 'fixes.sql';

/** Findings and plan in one read-only transaction, so both see the same catalogue. */
async function readPlan(db: pg.Pool): Promise<FixPlan> {
  const client = await db.connect();
  try {
    await client.query('BEGIN READ ONLY');
    try {
      return await planFixes(client, await findingsWithin(client));
    } finally {
      await client.query('ROLLBACK');
    }
  } finally {
    client.release();
  }
}

export async function fixIt(
  ctx: VerifyContext,
  options: { readonly prove: boolean },
): Promise<FixesSummary | undefined> {
  const db = ctx.db;
  if (db === undefined) return undefined;
  const file = path.join(ctx.outDir, FIXES_FILE);
  const target = databaseTarget(ctx.config);
  let plan: FixPlan;
  try {
    plan = await readPlan(db);
  } catch (error) {
    return {
      file: FIXES_FILE,
      proof: 'not-run',
      blocks: [],
      remediations: [],
      error: `the fix-it plan could not be read: ${oneLine(error)}`,
    };
  }
  // Info findings alone (a public RPC to review) are the gate's to list, not a migration to write.
  if (plan.blocks.length === 0 && plan.remediations.every((r) => r.level === 'info')) {
    rmSync(file, { force: true }); // a stale file from an earlier verify would name fixed findings
    return undefined;
  }
  let proofs: BlockProof[] | undefined;
  let proofError: string | undefined;
  if (options.prove && plan.blocks.length > 0) {
    try {
      proofs = target.external
        ? await proveInTransaction(db, plan.blocks, ctx.seedRunIds)
        : await proveOnCopy(target.url, plan.blocks, ctx.seedRunIds);
    } catch (error) {
      proofError = `the proof could not run: ${oneLine(error)}`;
    }
  }
  const byId = new Map((proofs ?? []).map((p) => [p.id, p]));
  const fixes: FixesSummary = {
    file: FIXES_FILE,
    proof: proofs === undefined ? 'not-run' : target.external ? 'transaction' : 'copy',
    blocks: plan.blocks.map((b) => {
      const proof = byId.get(b.id);
      return {
        id: b.id,
        kind: b.kind,
        findings: [...b.findings],
        what: b.what,
        why: b.why,
        status: proof?.status ?? 'unproved',
        ...(proof ? { applied: proof.applied, findingsGone: proof.findingsGone } : {}),
        reasons: [...(proof?.reasons ?? [])],
      };
    }),
    remediations: [...plan.remediations],
    ...(proofError ? { error: proofError } : {}),
  };
  mkdirSync(ctx.outDir, { recursive: true });
  writeAtomic(
    file,
    renderFixesSql(fixes, new Map(plan.blocks.map((b) => [b.id, b.statements])), {
      generatedAt: new Date().toISOString(),
      database: redactUrl(target.url),
    }),
  );
  return fixes;
}

/** One line for verify's output. */
export function fixesLine(outDir: string, fixes: FixesSummary): string {
  const safe = fixes.blocks.filter((b) => b.status === 'proved-safe').length;
  const unsafe = fixes.blocks.filter((b) => b.status === 'not-safe').length;
  const proof = fixes.proof === 'not-run' ? 'not proved (--prove-fixes)' : `${safe} proved safe, ${unsafe} not safe`;
  return `fixes:   ${path.join(outDir, fixes.file)} (${fixes.blocks.length} blocks, ${proof}; ${fixes.remediations.length} findings need a person)${fixes.error ? `; ${fixes.error}` : ''}`;
}
