import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultBaselineRates } from '../../model/profiles.ts';
import { parseDuration, parseScenarioEnv, ScenarioEnvError, scenarioSettings } from '../../scenarios/lib/env.ts';

const noFile = (file: string): string => {
  throw new Error(`ENOENT ${file}`);
};

function errorOf(fn: () => unknown): ScenarioEnvError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScenarioEnvError) return error;
    throw error;
  }
  throw new Error('expected a ScenarioEnvError');
}

describe('scenario settings', () => {
  it('defaults to the local stack and the local manifest', () => {
    const env = parseScenarioEnv({}, noFile);
    expect(env.apiUrl).toBe('http://127.0.0.1:54321');
    expect(env.supabaseUrl).toBe(env.apiUrl);
    expect(env.manifestPath).toBe('.kit/manifest-latest.json');
    expect(env.baselineRates).toEqual(defaultBaselineRates);
    expect(env.baselineSource).toBe('default');
    expect(env.thinkTimeScale).toBe(1);
    expect(env.durationSeconds).toBeUndefined();
  });

  it('reads URLs without a trailing slash, and empty values as unset', () => {
    const env = parseScenarioEnv(
      { K6_API_URL: 'https://api.example.test/', K6_SUPABASE_URL: '', K6_PROFILE_DURATION: '1m30s' },
      noFile,
    );
    expect(env.apiUrl).toBe('https://api.example.test');
    expect(env.supabaseUrl).toBe('https://api.example.test');
    expect(env.durationSeconds).toBe(90);
  });

  it('merges a partial baseline from K6_BASELINE_RATES over the defaults, before K6_BASELINE_FILE', () => {
    const env = parseScenarioEnv(
      { K6_BASELINE_RATES: '{"swipingUser": 120}', K6_BASELINE_FILE: 'ignored.json' },
      noFile,
    );
    expect(env.baselineRates).toEqual({ ...defaultBaselineRates, swipingUser: 120 });
    expect(env.baselineSource).toBe('K6_BASELINE_RATES');
    const fromFile = parseScenarioEnv({ K6_BASELINE_FILE: 'rates.json' }, () => '{"baselineRates": {"rlsProbe": 1}}');
    expect(fromFile.baselineRates.rlsProbe).toBe(1);
    expect(fromFile.baselineSource).toBe('K6_BASELINE_FILE');
  });

  it.each([
    [{ K6_API_URL: 'localhost:54321' }, 'K6_API_URL', 'expected an http(s) URL'],
    [{ K6_BASELINE_RATES: '{swipingUser: 1}' }, 'K6_BASELINE_RATES', 'expected JSON'],
    [{ K6_BASELINE_RATES: '{"swiper": 1}' }, 'K6_BASELINE_RATES', 'unknown journey "swiper"'],
    [{ K6_BASELINE_RATES: '{"swipingUser": 0.5}' }, 'K6_BASELINE_RATES', 'whole number of iterations per minute'],
    [
      {
        K6_BASELINE_RATES: '{"swipingUser":0,"returningUser":0,"anonymousBrowser":0,"networkPostback":0,"rlsProbe":0}',
      },
      'K6_BASELINE_RATES',
      'nothing would run',
    ],
    [{ K6_BASELINE_FILE: 'missing.json' }, 'K6_BASELINE_FILE', 'cannot read missing.json'],
    [{ K6_PROFILE_DURATION: 'ten minutes' }, 'K6_PROFILE_DURATION', 'expected a duration'],
    [{ K6_THINK_TIME_SCALE: '-1' }, 'K6_THINK_TIME_SCALE', 'expected a number from 0 to 100'],
    [{ K6_DURATION: '5m' }, 'K6_DURATION', "k6's own option"],
  ])('refuses %j, naming %s', (env, variable, text) => {
    const error = errorOf(() => parseScenarioEnv(env, noFile));
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(new RegExp(`^${variable}`));
    expect(error.message).toContain(text);
  });

  it('lists every variable it reads in scenarioSettings (what npm run load records), secrets marked', () => {
    const source = readFileSync(new URL('../../scenarios/lib/env.ts', import.meta.url), 'utf8');
    const read = new Set([...source.matchAll(/\(env, '(K6_[A-Z_]+)'/g)].map((m) => m[1]));
    // K6_DURATION is only read to refuse it; K6_SUMMARY_DIR is set by npm run load itself.
    read.delete('K6_DURATION');
    read.delete('K6_SUMMARY_DIR');
    expect([...read].sort()).toEqual(scenarioSettings.map((s) => s.name).sort());
    expect(scenarioSettings.filter((s) => s.secret).map((s) => s.name)).toEqual(['K6_ANON_KEY', 'K6_POSTBACK_SECRET']);
  });

  it('parses k6-style durations', () => {
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('5m')).toBe(300);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('500ms')).toBe(0.5);
    expect(parseDuration('2h5m10s')).toBe(7510);
    expect(parseDuration('5 m')).toBeUndefined();
  });
});
