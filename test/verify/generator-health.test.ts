/**
 * Measurement validity from the generator's own samples: the judgement over any span of windows,
 * and what it does to a latency gate's result (saturation withdraws any verdict; drops withdraw a
 * pass but let a fail stand, so an app slow enough to exhaust the VUs is still judged as the app's).
 */
import { describe, expect, it } from 'vitest';
import type { LoadEvidence } from '../../verify/context.ts';
import { mergeCriteria } from '../../verify/criteria.ts';
import type { GateResult } from '../../verify/gate.ts';
import { LoadAccumulator } from '../../verify/k6/accumulator.ts';
import { generatorLimits, invalidMeasurement, judgeGenerator } from '../../verify/k6/generator-health.ts';
import { isWantedPoint } from '../../verify/k6/metrics.ts';

const START = Date.UTC(2026, 0, 1);
const criteria = mergeCriteria({});

interface Second {
  loopP99?: number;
  cpu?: number;
  lag?: number;
  dropped?: number;
}

/** Evidence of `seconds.length` seconds, 20 iterations a second, the kit engine's samples as given (none for k6). */
function evidence(seconds: readonly Second[]): Pick<LoadEvidence, 'windows' | 'vus' | 'kind'> {
  const acc = new LoadAccumulator();
  seconds.forEach((s, i) => {
    const t = START + i * 1000 + 500;
    for (let k = 0; k < 20; k++) {
      acc.add('http_req_duration', t, 15, { name: 'page', status: '200', expected_response: 'true' }, 'gen-1');
      acc.add('iterations', t, 1, { scenario: 'browse' }, 'gen-1');
      if (s.lag !== undefined) acc.add('kit_generator_schedule_lag', t, s.lag, { scenario: 'browse' }, 'gen-1');
    }
    for (let k = 0; k < (s.dropped ?? 0); k++) acc.add('dropped_iterations', t, 1, {}, 'gen-1');
    if (s.loopP99 !== undefined) {
      acc.add('kit_generator_event_loop_p99', t, s.loopP99, {}, 'gen-1');
      acc.add('kit_generator_event_loop_max', t, s.loopP99 * 2, {}, 'gen-1');
    }
    if (s.cpu !== undefined) acc.add('kit_generator_cpu', t, s.cpu, {}, 'gen-1');
  });
  return { kind: 'raw', windows: acc.windowStats(), vus: { max: 5, maxAllocated: 10 } };
}

const healthy: Second = { loopP99: 12, cpu: 0.3, lag: 1 };

describe('judgeGenerator', () => {
  it('a healthy kit engine is not saturated; its figures are reported', () => {
    const j = judgeGenerator(evidence(Array(20).fill(healthy)), generatorLimits(criteria));
    expect(j).toMatchObject({ source: 'kit-engine', saturated: false, reasons: [], undersampled: undefined });
    expect(j.figures['generator event-loop p99 (ms)']).toBe(12);
    expect(j.figures['generator CPU (share of a core)']).toBe(0.3);
  });

  it('names each limit crossed: event-loop p99, CPU, schedule lag', () => {
    const j = judgeGenerator(
      evidence(Array(20).fill({ loopP99: 180, cpu: 0.97, lag: 250 })),
      generatorLimits(criteria),
    );
    expect(j.saturated).toBe(true);
    expect(j.reasons).toEqual([
      'event-loop p99 180 ms (limit 50 ms)',
      'CPU 97% of one core (limit 90%)',
      expect.stringMatching(/^iterations started late: schedule lag p95 2\d\d ms \(limit 100 ms\)$/),
    ]);
  });

  it('tolerates one bad second in twenty, not two', () => {
    const one = [...Array(19).fill(healthy), { ...healthy, loopP99: 400 }];
    expect(judgeGenerator(evidence(one), generatorLimits(criteria)).saturated).toBe(false);
    const two = [...Array(18).fill(healthy), ...Array(2).fill({ ...healthy, loopP99: 400 })];
    expect(judgeGenerator(evidence(two), generatorLimits(criteria)).saturated).toBe(true);
  });

  it('judges a span of the run on its own (one step of a stepped profile)', () => {
    const load = evidence([...Array(10).fill(healthy), ...Array(10).fill({ ...healthy, loopP99: 300, lag: 400 })]);
    const at = (s: number) => START / 1000 + s;
    expect(judgeGenerator(load, generatorLimits(criteria), { from: at(0), to: at(10) }).saturated).toBe(false);
    const late = judgeGenerator(load, generatorLimits(criteria), { from: at(10), to: at(20) });
    expect(late.saturated).toBe(true);
    expect(late.reasons[0]).toContain('event-loop p99 300 ms');
  });

  it('a k6 run is judged on what k6 gives: drops, never its missing samples', () => {
    const k6 = judgeGenerator(evidence(Array(10).fill({})), generatorLimits(criteria));
    expect(k6).toMatchObject({ source: 'k6', saturated: false, undersampled: undefined });
    expect(k6.figures['generator event-loop p99 (ms)']).toBeNull();
    const dropping = judgeGenerator(evidence(Array(10).fill({ dropped: 2 })), generatorLimits(criteria));
    expect(dropping.undersampled).toMatch(/^9\.1% of the scheduled iterations dropped \(limit 1%\)$/);
  });
});

const result = (status: GateResult['status']): GateResult => ({
  id: 'api-latency',
  title: 'API latency per endpoint at peak',
  level: 'error',
  checklist: [],
  status,
  threshold: 'per endpoint: p90 < 100 ms and p95 < 200 ms',
  measured: 'worst p95 15 ms',
  evidence: { summary: 'judged' },
});

describe('invalidMeasurement', () => {
  it('withdraws any verdict of a saturated generator, naming the reason and the remedy', () => {
    const load = evidence(Array(20).fill({ loopP99: 180, cpu: 0.4, lag: 5 })) as LoadEvidence;
    for (const status of ['pass', 'fail'] as const) {
      const r = invalidMeasurement(result(status), load, criteria, 'peak run');
      expect(r?.status).toBe('insufficient-data');
      expect(r?.evidence.summary).toBe(
        'Not judged: the load generator of the peak run was saturated (event-loop p99 180 ms (limit 50 ms)), so its latencies measure the generator as much as the app; run it on a bigger machine, with --instances N, or on k8s.',
      );
      expect(r?.threshold).toBe(result(status).threshold);
    }
  });

  it('lets a healthy generator’s verdict stand', () => {
    const load = evidence(Array(20).fill(healthy)) as LoadEvidence;
    expect(invalidMeasurement(result('pass'), load, criteria)).toBeUndefined();
    expect(invalidMeasurement(result('fail'), load, criteria)).toBeUndefined();
  });

  it('with drops over the limit, withdraws a pass but lets a fail stand', () => {
    const load = evidence(Array(10).fill({ ...healthy, dropped: 2 })) as LoadEvidence;
    expect(invalidMeasurement(result('pass'), load, criteria)?.evidence.summary).toMatch(
      /dropped .* slowest moments went unmeasured/,
    );
    expect(invalidMeasurement(result('fail'), load, criteria)).toBeUndefined();
  });

  it('widened limits from --criteria are the ones applied', () => {
    const load = evidence(Array(20).fill({ loopP99: 180, cpu: 0.4, lag: 5 })) as LoadEvidence;
    const lenient = mergeCriteria({ generator: { maxEventLoopP99Ms: 500 } });
    expect(invalidMeasurement(result('pass'), load, lenient)).toBeUndefined();
  });
});

describe('the raw reader keeps the generator’s lines', () => {
  it('reads kit_* metrics and iteration_duration, still skips the other iteration and http phases', () => {
    const wanted = (metric: string) => isWantedPoint(Buffer.from(`{"metric":"${metric}","type":"Point","data":{}}`), 0);
    for (const metric of [
      'kit_generator_event_loop_p99',
      'kit_generator_cpu',
      'kit_generator_schedule_lag',
      'kit_intended_iteration_duration',
      'iteration_duration',
      'iterations',
    ])
      expect(wanted(metric), metric).toBe(true);
    for (const metric of ['http_req_blocked', 'data_sent', 'kitchen', 'iteration_durations'])
      expect(wanted(metric), metric).toBe(false);
  });
});
