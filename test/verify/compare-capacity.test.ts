/**
 * `verify --compare A B` with capacity envelopes: the knees side by side and each endpoint's first
 * break, later or earlier in B. The envelopes are judged from step figures as verify judges them.
 */
import { describe, expect, it } from 'vitest';
import { successCriteria } from '../../model/slo.ts';
import { judgeCapacity } from '../../verify/capacity/envelope.ts';
import { renderCompare, type Side } from '../../verify/report/compare.ts';
import type { Summary } from '../../verify/report/summary-schema.ts';
import { slowRecommendations, step } from './support/capacity-steps.ts';

/** A report whose capacity envelope breaks recommendations_list at step `breaksAt` (none: holds throughout). */
function side(name: string, breaksAt: number | undefined): Side {
  const multipliers = [10, 12.5, 15.625, 19.531];
  const capacity = judgeCapacity(
    {
      runDir: `/runs/${name}`,
      engine: 'kit-engine',
      origin: 0,
      problems: [],
      steps: multipliers.map((m, i) =>
        step(i + 1, m, breaksAt !== undefined && i + 1 >= breaksAt ? { endpoints: slowRecommendations(500) } : {}),
      ),
    },
    successCriteria,
  );
  const summary = {
    run: { id: name },
    generatedAt: '2026-12-07T00:00:00.000Z',
    verdict: 'GO',
    gates: [],
    capacity,
  } as unknown as Summary;
  return { source: `/reports/${name}/summary.json`, summary };
}

const cells = (html: string, table: string) =>
  [
    ...(new RegExp(`<table id="${table}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '').matchAll(
      /<tr[^>]*>([\s\S]*?)<\/tr>/g,
    ),
  ]
    .slice(1)
    .map((row) => [...row[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, '')));

describe('verify --compare with capacity envelopes', () => {
  it('sets the knees side by side and says which endpoint breaks later in B', () => {
    const html = renderCompare(side('before', 2), side('after', 4));
    expect(cells(html, 'capacity-knee')[0]).toEqual([
      'knee',
      'holds to 10x (1x headroom)',
      'holds to 15.6x (1.6x headroom)',
      'better',
    ]);
    expect(cells(html, 'capacity-breaks')).toEqual([
      ['recommendations_list', '12.5x (step 2)', '19.5x (step 4)', 'later'],
    ]);
  });

  it('an endpoint that no longer breaks is later; one run without a capacity run is said so', () => {
    const html = renderCompare(side('before', 3), side('after', undefined));
    expect(cells(html, 'capacity-breaks')).toEqual([
      ['recommendations_list', '15.6x (step 3)', 'did not break', 'later'],
    ]);
    expect(cells(html, 'capacity-knee')[0]?.[2]).toBe('holds to 19.5x (at least 2x headroom)');
    const one = renderCompare(side('before', 1), {
      ...side('after', 1),
      summary: { ...side('after', 1).summary, capacity: undefined },
    });
    expect(cells(one, 'capacity-knee')[0]).toEqual([
      'knee',
      'breaks at the 10x target itself',
      'no capacity run',
      'one run only',
    ]);
    expect(cells(one, 'capacity-breaks')[0]?.[3]).toBe('one run only');
  });

  it('leaves the section out when neither report has a capacity run', () => {
    const bare = (s: Side): Side => ({ ...s, summary: { ...s.summary, capacity: undefined } });
    expect(renderCompare(bare(side('a', 2)), bare(side('b', 2)))).not.toContain('id="capacity"');
  });
});
