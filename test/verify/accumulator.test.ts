/** Constant memory however long the run: windows widen (merging exactly) instead of multiplying. */
import { describe, expect, it } from 'vitest';
import { LoadAccumulator } from '../../verify/k6/accumulator.ts';

describe('LoadAccumulator', () => {
  it('keeps at most 600 windows, widening them without losing a sample', () => {
    const acc = new LoadAccumulator();
    const start = Date.UTC(2026, 0, 1);
    const seconds = 3 * 3600; // a three-hour soak
    for (let s = 0; s < seconds; s++) {
      acc.add(
        'http_req_duration',
        start + s * 1000,
        10 + (s % 7),
        { name: 'page', status: '200', expected_response: 'true' },
        'gen-1',
      );
      acc.add('iterations', start + s * 1000, 1, { scenario: 'browse' }, 'gen-1');
      acc.add('vus', start + s * 1000, 5, {}, 'gen-1');
      acc.add('vus', start + s * 1000, 7, {}, 'gen-2');
    }
    const windows = acc.windowStats();
    expect(windows.length).toBeLessThanOrEqual(600);
    expect(acc.windowSeconds).toBe(32);
    expect(windows.reduce((a, w) => a + w.requests, 0)).toBe(seconds);
    expect(windows.reduce((a, w) => a + w.iterations, 0)).toBe(seconds);
    // Gauges of two instances add up within a window; they are never averaged.
    expect(windows[0]!.vus).toBe(12);
    expect(acc.endpointStats()[0]!.latency.max).toBe(16);
  });

  it('counts failures from expected_response, or from the status when the tag is absent', () => {
    const acc = new LoadAccumulator();
    acc.add('http_req_duration', 0, 5, { name: 'a', status: '200', expected_response: 'false' }, 'i');
    acc.add('http_req_duration', 0, 5, { name: 'a', status: '404' }, 'i');
    acc.add('http_req_duration', 0, 5, { name: 'a', status: '0' }, 'i');
    acc.add('http_req_duration', 0, 5, { name: 'a', status: '201' }, 'i');
    expect(acc.endpointStats()[0]).toMatchObject({
      requests: 4,
      failed: 3,
      statuses: { '200': 1, '404': 1, '0': 1, '201': 1 },
    });
  });
});
