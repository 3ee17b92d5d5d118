/**
 * The engine's raw sample file, written line for line in k6's `--out json=file.gz` format: a
 * `Metric` line the first time a metric is written, then one `Point` line per sample, with k6's key
 * order, Go's RFC 3339 time (nanoseconds, trailing zeros trimmed) and tags sorted by key.
 *
 * `write` sits on the hot path (~13 calls per HTTP request), so everything that repeats is built
 * once: each metric's line prefix, each tags object's JSON with the line's end (the same object
 * serves all metrics of one request), each sample time's text with the key after it, and the
 * `YYYY-MM-DDTHH:MM:SS` part per second; a line is then three copies and the value's digits.
 * Lines are encoded into 1 MiB chunks before they reach the gzip stream, which compresses on the
 * thread pool.
 */
import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip, type Gzip } from 'node:zlib';
import type { Contains, MetricType, Tags, ThresholdSpec } from './metrics.ts';

/** A wall-clock instant with nanosecond resolution: whole seconds since the epoch, and nanoseconds into that second. */
export interface SampleTime {
  readonly seconds: number;
  readonly nanos: number;
}

const NS_PER_SECOND = 1e9;
// The wall clock is read once (at process start) and advanced by the monotonic clock: nanosecond
// resolution, no Date per sample, and times never go backwards when NTP adjusts the clock mid-run
// (k6's time.Now() would follow such an adjustment; over a test run the difference is negligible).
const ORIGIN_SECONDS = Math.floor(performance.timeOrigin / 1000);
const ORIGIN_NANOS = Math.round((performance.timeOrigin - ORIGIN_SECONDS * 1000) * 1e6);

export function sampleTimeNow(): SampleTime {
  const nanos = ORIGIN_NANOS + Math.round(performance.now() * 1e6);
  const carry = Math.floor(nanos / NS_PER_SECOND);
  return { seconds: ORIGIN_SECONDS + carry, nanos: nanos - carry * NS_PER_SECOND };
}

const RFC3339_UTC = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/;

/** The inverse of the Point time format (UTC only), e.g. to replay a k6 raw file with its own times. */
export function parseSampleTime(text: string): SampleTime {
  const match = RFC3339_UTC.exec(text);
  const ms = match ? Date.parse(`${match[1]}Z`) : Number.NaN;
  if (!match || Number.isNaN(ms)) {
    throw new Error(
      `sample time ${JSON.stringify(text)} is not an RFC 3339 UTC time; expected e.g. "2026-12-02T00:55:03.211370154Z"`,
    );
  }
  return { seconds: ms / 1000, nanos: Number((match[2] ?? '').padEnd(9, '0')) };
}

export interface SubmetricDeclaration {
  readonly name: string;
  readonly suffix: string;
  readonly tags: Tags;
}

export interface MetricDeclaration {
  readonly name: string;
  readonly type: MetricType;
  readonly contains: Contains;
  readonly thresholds: readonly ThresholdSpec[];
  readonly submetrics: readonly SubmetricDeclaration[];
}

/** One metric's handle for `RawOutput.write`, from `RawOutput.series`. */
export interface RawSeries {
  /** The Metric line, until it has been written. */
  declaration: Buffer | undefined;
  /** `{"metric":"<name>","type":"Point","data":{"time":"` in UTF-8. */
  readonly pointPrefix: Buffer;
}

/**
 * Lines are encoded straight into buffers of this size, each one write to the gzip stream: one
 * thread-pool round trip compresses a whole chunk (the output buffer below holds its ~15x smaller
 * result), so compression keeps up even when the event loop turns rarely.
 */
const CHUNK_BYTES = 1024 * 1024;
const GZIP_OUT_BYTES = 256 * 1024;
const VALUE_KEY = '","value":';
const TAGS_KEY = ',"tags":';
const POINT_END = '}}\n';

export interface RawOutputOptions {
  /**
   * gzip level, default 3. Measured on k6-like lines: levels 1 and 3 cost the same thread-pool CPU
   * (~0.75 s per million lines), 3 writes 20% less (~10 bytes per line); 6 doubles the CPU.
   */
  readonly level?: number;
}

export class RawOutput {
  readonly path: string;
  private readonly partialPath: string;
  private readonly gzip: Gzip;
  private readonly done: Promise<void>;
  private failure: unknown;
  private closing: Promise<void> | undefined;
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  /** Per tags object: `,"tags":{…}}}` and the newline, the end of each of its lines. */
  private readonly lineEnds = new WeakMap<Tags, Buffer>();
  private lastTags: Tags | undefined;
  private lastLineEnd: Buffer = Buffer.alloc(0);
  private lastTime: SampleTime | undefined;
  /** The time's text and `","value":`, what follows the metric's prefix on each line of that time. */
  private lastTimeBytes: Buffer = Buffer.alloc(0);
  private prefixSecond = Number.NaN;
  private secondPrefix = '';

  /** Starts writing `path` + '.partial'; `close` renames it to `path`, so `path` is never half-written. */
  constructor(path: string, options: RawOutputOptions = {}) {
    this.path = path;
    this.partialPath = `${path}.partial`;
    this.gzip = createGzip({ level: options.level ?? 3, chunkSize: GZIP_OUT_BYTES });
    this.done = pipeline(this.gzip, createWriteStream(this.partialPath));
    // Remembered here and reported by close(): the hot path cannot await a failed disk.
    this.done.catch((error: unknown) => {
      this.failure ??= error;
    });
  }

  /** The handle `write` needs for one metric; its Metric line goes out before its first Point. */
  series(metric: MetricDeclaration): RawSeries {
    const thresholds = metric.thresholds.map((t) =>
      typeof t === 'string'
        ? t
        : t.abortOnFail
          ? { threshold: t.threshold, abortOnFail: true, delayAbortEval: t.delayAbortEval ?? null }
          : t.threshold,
    );
    const submetrics =
      metric.submetrics.length === 0
        ? null
        : metric.submetrics.map((s) => ({ name: s.name, suffix: s.suffix, tags: sortedTags(s.tags) }));
    const data = { name: metric.name, type: metric.type, contains: metric.contains, thresholds, submetrics };
    return {
      declaration: Buffer.from(`${goJson({ type: 'Metric', data, metric: metric.name })}\n`),
      pointPrefix: Buffer.from(`{"metric":${goJson(metric.name)},"type":"Point","data":{"time":"`),
    };
  }

  /**
   * One Point line, assembled from bytes: the metric's prefix, the time and the tags' JSON are
   * encoded once and copied; the value's digits are written in place. (Encoding whole line strings
   * cost ~3x more.)
   */
  write(series: RawSeries, value: number, tags: Tags, time: SampleTime): void {
    if (this.closing) throw new Error(`RawOutput ${this.path}: write after close; the file is already finished`);
    if (series.declaration !== undefined) {
      this.append(series.declaration);
      series.declaration = undefined;
    }
    if (tags !== this.lastTags) {
      let end = this.lineEnds.get(tags);
      if (end === undefined) {
        end = Buffer.from(`${TAGS_KEY}${goJson(sortedTags(tags))}${POINT_END}`);
        this.lineEnds.set(tags, end);
      }
      this.lastTags = tags;
      this.lastLineEnd = end;
    }
    const timeBytes = this.timeBytes(time);
    const prefix = series.pointPrefix;
    const lineEnd = this.lastLineEnd;
    this.reserve(prefix.length + timeBytes.length + MAX_NUMBER_CHARS + lineEnd.length);
    const chunk = this.chunk;
    let at = this.used;
    chunk.set(prefix, at);
    at += prefix.length;
    chunk.set(timeBytes, at);
    at = writeNumber(chunk, at + timeBytes.length, value);
    chunk.set(lineEnd, at);
    this.used = at + lineEnd.length;
  }

  private append(bytes: Buffer): void {
    this.reserve(bytes.length);
    this.chunk.set(bytes, this.used);
    this.used += bytes.length;
  }

  /** Makes room for `size` more bytes in the current chunk, flushing it first when full. */
  private reserve(size: number): void {
    if (this.used + size <= this.chunk.length) return;
    this.flush();
    if (size > this.chunk.length) this.chunk = Buffer.allocUnsafe(size); // a line with huge tags
  }

  /** Bytes written but not yet compressed: grows only when the event loop is starved. */
  get backlogBytes(): number {
    return this.used + this.gzip.writableLength;
  }

  /** Writes what is buffered, ends the gzip stream and moves the file to its final path. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.flush();
      this.gzip.end();
      await this.done.catch(() => undefined);
      if (this.failure !== undefined) {
        throw new Error(`RawOutput: writing ${this.partialPath} failed: ${String(this.failure)}`, {
          cause: this.failure,
        });
      }
      await rename(this.partialPath, this.path);
    })();
    return this.closing;
  }

  private flush(): void {
    if (this.used === 0) return;
    // No waiting for 'drain': add() is synchronous. Compression runs on the thread pool and keeps
    // up as long as the event loop turns (each HTTP response turns it); `backlogBytes` shows it.
    // After a failure the bytes have nowhere to go; close() reports the failure.
    if (this.failure === undefined) {
      this.gzip.write(this.chunk.subarray(0, this.used));
      this.chunk = Buffer.allocUnsafe(CHUNK_BYTES); // the stream keeps the old one until compressed
    }
    this.used = 0;
  }

  /**
   * Go's time.RFC3339Nano in UTC: up to nine fraction digits, trailing zeros (and a bare dot)
   * dropped; as bytes, encoded once for all the samples of a request (they share one time object).
   */
  private timeBytes(time: SampleTime): Buffer {
    if (time === this.lastTime) return this.lastTimeBytes;
    if (time.seconds !== this.prefixSecond) {
      this.prefixSecond = time.seconds;
      this.secondPrefix = new Date(time.seconds * 1000).toISOString().slice(0, 19);
    }
    let text: string;
    if (time.nanos === 0) text = `${this.secondPrefix}Z`;
    else {
      let fraction = String(time.nanos).padStart(9, '0');
      let end = fraction.length;
      while (fraction.charCodeAt(end - 1) === 0x30) end -= 1;
      fraction = fraction.slice(0, end);
      text = `${this.secondPrefix}.${fraction}Z`;
    }
    this.lastTime = time;
    this.lastTimeBytes = Buffer.from(`${text}${VALUE_KEY}`, 'latin1');
    return this.lastTimeBytes;
  }
}

/** The longest text String() gives a number: "-1.2345678901234567e-308". */
const MAX_NUMBER_CHARS = 24;
const DIGIT_0 = 0x30;

/**
 * Writes `value` as String(value) spells it, from `at`; returns where it ends. Whole numbers and
 * millisecond durations at nanosecond resolution (what the engine records) are written digit by
 * digit: String() on a fraction costs more than the rest of the line.
 */
export function writeNumber(chunk: Buffer, at: number, value: number): number {
  if (value >= 0 && value < 1e15 && Number.isInteger(value)) return writeDigits(chunk, at, value);
  // A multiple of 1e-6 below 1e9 has at most 15 significant digits, so its 6-decimal text is the
  // shortest that reads back as the same double: the text String() gives.
  const micros = Math.round(value * 1e6);
  if (value > 0 && value < 1e9 && micros / 1e6 === value) {
    const whole = Math.floor(micros / 1e6);
    let fraction = micros - whole * 1e6;
    let end = writeDigits(chunk, at, whole);
    chunk[end++] = 0x2e; // '.'
    let digits = 6;
    while (fraction % 10 === 0) {
      fraction /= 10;
      digits--;
    }
    for (let i = end + digits - 1; i >= end; i--) {
      chunk[i] = DIGIT_0 + (fraction % 10);
      fraction = Math.floor(fraction / 10);
    }
    return end + digits;
  }
  const text = String(value);
  for (let i = 0; i < text.length; i++) chunk[at++] = text.charCodeAt(i);
  return at;
}

/** A whole number from 0 to 1e15, in decimal. */
function writeDigits(chunk: Buffer, at: number, whole: number): number {
  let n = whole;
  let length = 1;
  for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) length++;
  for (let i = at + length - 1; i >= at; i--) {
    chunk[i] = DIGIT_0 + (n % 10);
    n = Math.floor(n / 10);
  }
  return at + length;
}

/** k6 serialises tag sets as Go maps, whose JSON keys come out sorted. */
function sortedTags(tags: Tags): Record<string, string> {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(tags).sort()) sorted[key] = tags[key] as string;
  return sorted;
}

/** JSON as Go's encoder writes it without HTML escaping: like JSON.stringify, except that Go escapes U+2028 and U+2029. */
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u2028\u2029]/g, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'));
}
