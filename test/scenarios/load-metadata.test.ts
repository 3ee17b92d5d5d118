import { describe, expect, it } from 'vitest';
import { defaultBaselineRates, planLoad } from '../../model/profiles.ts';
import { loadMetadata, runFolderName, shellLine } from '../../scenarios/lib/load-metadata.ts';

describe('load.json', () => {
  it('records the schedule in iterations per second, peak = 10x baseline', () => {
    const plan = planLoad({ profile: 'peak', baselineRates: defaultBaselineRates, durationSeconds: 60 });
    const meta = loadMetadata({
      plan,
      engine: { name: 'kit-engine', version: '0.1.0' },
      command: 'k6 run scenarios/peak.ts',
      startedAt: new Date('2026-11-25T16:00:00Z'),
      finishedAt: new Date('2026-11-25T16:01:00Z'),
      exitCode: 0,
      targetUrl: 'http://127.0.0.1:54321',
      supabaseUrl: 'http://127.0.0.1:54321',
      seedRunId: 'run-1',
      baselineSource: 'default',
    });
    expect(meta.rateUnit).toBe('iterations/s');
    expect(meta.baselineRates.swipingUser).toBe(0.8);
    expect(meta.scheduled.ratePerJourney.swipingUser).toBe(8);
    expect(meta.scheduled.iterations).toBe(plan.totalScheduledIterations);
    expect(meta.scheduled.iterationsPerJourney.swipingUser).toBe(480);
    expect(meta.profile).toBe('peak');
    expect(meta.engine).toEqual({ name: 'kit-engine', version: '0.1.0' });
  });

  it('names run folders by profile and UTC time, and quotes commands for a shell', () => {
    expect(runFolderName('peak', new Date('2026-11-25T16:05:09.123Z'))).toBe('peak-20261125-160509');
    expect(shellLine({ A: 'x y' }, ['k6', 'run', "it's.ts"])).toBe(`A='x y' k6 run 'it'\\''s.ts'`);
  });
});
