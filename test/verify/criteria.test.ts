/** Thresholds: model/slo.ts defaults, overridable per run by a zod-checked JSON file. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
import { UsageError } from '../../lib/errors.ts';
import { successCriteria } from '../../model/slo.ts';
import { loadCriteria } from '../../verify/criteria.ts';
import apiLatency from '../../verify/gates/api-latency.ts';
import { loadContext } from './support/fixtures.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'kit-criteria-'));
const file = (name: string, text: string) => {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
};

describe('criteria', () => {
  it('defaults to model/slo.ts without a file', () => {
    expect(loadCriteria(undefined)).toBe(successCriteria);
  });
  it('overrides only the given keys, deeply', () => {
    const c = loadCriteria(file('ok.json', '{"latency": {"p95Ms": 300}, "maxDegradationRatio": 3}'));
    expect(c.latency).toEqual({ p90Ms: 100, p95Ms: 300 });
    expect(c.maxDegradationRatio).toBe(3);
    expect(c.preference).toEqual(successCriteria.preference);
  });
  it('rejects unknown keys and wrong types naming the path', () => {
    expect(() => loadCriteria(file('typo.json', '{"latency": {"p95": 300}}'))).toThrow(/latency: Unrecognized key/);
    expect(() => loadCriteria(file('type.json', '{"maxFailedRequestRate": 2}'))).toThrow(/maxFailedRequestRate/);
    expect(() => loadCriteria(file('broken.json', '{'))).toThrow(UsageError);
  });
  it('is the KIT_CRITERIA_FILE setting, and the gates read the overridden thresholds', async () => {
    const f = file('strict.json', '{"latency": {"p90Ms": 1}}');
    expect(loadConfig({ env: { KIT_CRITERIA_FILE: f } }).criteriaFile).toBe(f);
    const r = await apiLatency.run({ ...loadContext(undefined), criteria: loadCriteria(f) });
    expect(r.threshold).toContain('p90 < 1 ms');
  });
});
