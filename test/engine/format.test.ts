/**
 * The engine's raw output against real k6 v2.2.0 output: every Point of a recorded k6 run is
 * replayed through Metrics + RawOutput, and both files are read back with the same readers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawOutput } from '../../engine/raw-output.ts';
import { LoadAccumulator } from '../../verify/k6/accumulator.ts';
import { parsePointFast } from '../../verify/k6/point-parser.ts';
import { readRawFile } from '../../verify/k6/raw-file.ts';
import { FIXTURE_RAW, fixtureSummary, fixtureThresholds, type RawFile, readRaw, replay } from './replay.ts';

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{0,8}[1-9])?Z$/;

let dir: string;
let k6: RawFile;
let ours: RawFile;
let oursFile: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'engine-format-'));
  oursFile = path.join(dir, 'replayed.json.gz');
  k6 = await readRaw(FIXTURE_RAW);
  const out = new RawOutput(oursFile);
  replay(k6, fixtureThresholds(k6, fixtureSummary()), out);
  await out.close();
  ours = await readRaw(oursFile);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const byMetric = <T extends { metric: string }>(items: readonly T[]) => new Map(items.map((i) => [i.metric, i]));

function tagKeysPerMetric(file: RawFile): Record<string, string[]> {
  const keys: Record<string, Set<string>> = {};
  for (const p of file.points) for (const k of Object.keys(p.data.tags)) (keys[p.metric] ??= new Set()).add(k);
  return Object.fromEntries(Object.entries(keys).map(([m, set]) => [m, [...set].sort()]));
}

describe('raw output replayed from a real k6 run', () => {
  it('has the same metrics, with the same type and contains, declared once each before their first Point', () => {
    expect(k6.declarations.length).toBeGreaterThan(10);
    expect(ours.declarations.map((d) => d.metric).sort()).toEqual(k6.declarations.map((d) => d.metric).sort());
    expect(new Set(ours.points.map((p) => p.metric))).toEqual(new Set(k6.points.map((p) => p.metric)));
    const theirs = byMetric(k6.declarations);
    for (const d of ours.declarations) {
      const k = theirs.get(d.metric)!;
      expect({ name: d.data.name, type: d.data.type, contains: d.data.contains }).toEqual({
        name: k.data.name,
        type: k.data.type,
        contains: k.data.contains,
      });
    }
    for (const file of [k6, ours]) {
      const declared = new Set<string>();
      const early: string[] = [];
      for (const line of file.lines) {
        const parsed = JSON.parse(line) as { type: string; metric: string };
        if (parsed.type === 'Metric') declared.add(parsed.metric);
        else if (!declared.has(parsed.metric)) early.push(line);
      }
      expect(early, 'Points before their Metric line').toEqual([]);
    }
  });

  it('declares the same thresholds and submetrics (k6 lists submetrics in Go map order, so compared as sets)', () => {
    const theirs = byMetric(k6.declarations);
    for (const d of ours.declarations) {
      const k = theirs.get(d.metric)!;
      expect(Object.keys(d.data)).toEqual(Object.keys(k.data));
      expect(d.data.thresholds).toEqual(k.data.thresholds);
      const sorted = (subs: typeof d.data.submetrics) =>
        subs === null ? null : [...subs].sort((a, b) => (a.name < b.name ? -1 : 1));
      expect(sorted(d.data.submetrics), d.metric).toEqual(sorted(k.data.submetrics));
    }
  });

  it('writes the same tag keys per metric, and time in the same format', () => {
    expect(tagKeysPerMetric(ours)).toEqual(tagKeysPerMetric(k6));
    for (const file of [k6, ours])
      expect(file.points.filter((p) => !TIME.test(p.data.time)).map((p) => p.data.time)).toEqual([]);
  });

  it('writes every Point line byte for byte as k6 did (same key order, numbers, tag order, time)', () => {
    const points = (file: RawFile) => file.lines.filter((l) => l.startsWith('{"metric":'));
    expect(points(ours)).toHaveLength(k6.points.length);
    expect(points(ours)).toEqual(points(k6));
  });

  it("passes verify's fast Point parser on every line, and verify reads both files to the same evidence", async () => {
    const points = ours.lines.filter((l) => l.startsWith('{"metric":'));
    expect(points).toHaveLength(k6.points.length);
    expect(points.filter((l) => parsePointFast(l) === undefined)).toEqual([]);
    const read = async (file: string) => {
      const acc = new LoadAccumulator();
      const result = await readRawFile(file, acc, 'one');
      return {
        result,
        endpoints: acc.endpointStats(),
        overall: acc.overallStats(),
        windows: acc.windowStats(),
        checks: [acc.checksPass, acc.checksFail],
      };
    };
    const [theirs, mine] = await Promise.all([read(FIXTURE_RAW), read(oursFile)]);
    expect(mine.result.problems).toEqual([]);
    expect(mine.result).toEqual(theirs.result);
    expect(mine.endpoints).toEqual(theirs.endpoints);
    expect(mine.overall).toEqual(theirs.overall);
    expect(mine.windows).toEqual(theirs.windows);
    expect(mine.checks).toEqual(theirs.checks);
  });
});
