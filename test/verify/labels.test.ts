/**
 * The label table: figures read as words with their unit, an unknown key is reported (so a gate
 * cannot add a figure without its label), and evidence column names read as words.
 */
import { describe, expect, it } from 'vitest';
import {
  columnLabel,
  figureLabel,
  formatFigure,
  labelledFigure,
  unlabelledFigures,
} from '../../verify/report/labels.ts';

describe('figure labels', () => {
  it('labels the keys the issue names, and the key families, with units', () => {
    expect(labelledFigure('preference-accuracy', 'ndcg3CiLower', 0.82139)).toEqual({
      label: 'NDCG@3, 95% CI lower bound',
      value: '0.821',
    });
    expect(labelledFigure('rollback-drill', 'statementsFailed', 2).label).toBe('rollback statements failed');
    expect(figureLabel('rollback-drill', 'smokeExitCode')?.label).toBe('smoke load exit code after the rollback');
    expect(labelledFigure('attribution', 'planted_bad_signature', 3).label).toBe(
      'postbacks planted with a forged signature',
    );
    expect(labelledFigure('attribution', 'failures_not_kept', 0).label).toBe('not kept failures');
    expect(labelledFigure('security', 'lint_auth_rls_initplan', 1).label).toBe('lint: auth rls initplan');
    expect(labelledFigure('data-integrity', 'foreign_key_orphans', 0).label).toBe('findings: foreign key orphans');
  });

  it('reports a figure no label covers', () => {
    const gates = [{ id: 'new-gate', evidence: { figures: { brandNewFigure: 1, requests: 3 } } }];
    expect(unlabelledFigures(gates)).toEqual(['new-gate: brandNewFigure']);
    // A check-name family belongs to data-integrity only; elsewhere it is unlabelled.
    expect(unlabelledFigures([{ id: 'security', evidence: { figures: { foreign_key_orphans: 0 } } }])).toEqual([
      'security: foreign_key_orphans',
    ]);
  });

  it('formats values in their unit', () => {
    expect(formatFigure(173.4, 'ms')).toBe('173 ms');
    expect(formatFigure(0.0012, 'share')).toBe('0.12%');
    expect(formatFigure(0.905, 'share')).toBe('90.5%');
    expect(formatFigure('41.37', 'gbp')).toBe('£41.37');
    expect(formatFigure(-1.25, 'gbp')).toBe('−£1.25');
    expect(formatFigure(1.8249, 'ratio')).toBe('1.82x');
    expect(formatFigure(12345, 'count')).toBe('12,345');
    expect(formatFigure(null, 'count')).toBe('—');
  });

  it('reads evidence column names as words', () => {
    expect(columnLabel('baseline_ms')).toBe('baseline (ms)');
    expect(columnLabel('scheduled_rate_per_s')).toBe('scheduled rate (/s)');
    expect(columnLabel('app_ndcg3_ci_lower')).toBe('app NDCG@3 CI lower');
    expect(columnLabel('hasPreferences')).toBe('has preferences');
  });
});
