/**
 * The scenarios' settings, parsed once from the environment (k6's `__ENV`, or `process.env` in
 * `scripts/load.ts`) into a typed object. Nothing else in scenarios/ reads the environment.
 *
 * Precedence: an environment variable, else the default (the local stack). An empty value counts as
 * unset. The baseline rates come from K6_BASELINE_RATES (JSON), else the JSON file K6_BASELINE_FILE,
 * else `defaultBaselineRates`; a partial object overrides only the journeys it names.
 *
 * Must know: no k6 or node imports (unit-tested in Node). Reading the baseline file is passed in,
 * because k6 can read files only with `open()` in the init context.
 */
import { defaultBaselineRates, type JourneyName, type JourneyRates, journeyNames } from '../../model/profiles.ts';
import { LOCAL_ANON_KEY, LOCAL_API_URL, LOCAL_MANIFEST, LOCAL_POSTBACK_SECRET } from './local-defaults.ts';

export interface ScenarioEnv {
  /** Base URL of the app API host (the API lives under /api/v1). K6_API_URL */
  readonly apiUrl: string;
  /** Base URL of the Supabase project (Data API under /rest/v1). K6_SUPABASE_URL, default K6_API_URL */
  readonly supabaseUrl: string;
  /** The project's publishable key (or legacy anon key), sent as `apikey` to the Data API. K6_ANON_KEY */
  readonly anonKey: string;
  /** Shared secret that signs network postbacks (HMAC-SHA256). K6_POSTBACK_SECRET */
  readonly postbackSecret: string;
  /** Seed manifest; a relative path is relative to the repo root. K6_MANIFEST */
  readonly manifestPath: string;
  readonly baselineRates: JourneyRates;
  readonly baselineSource: 'default' | 'K6_BASELINE_RATES' | 'K6_BASELINE_FILE';
  /** Replaces the profile's length. K6_PROFILE_DURATION (90s, 5m, 1h30m) */
  readonly durationSeconds: number | undefined;
  /** Multiplies the profile's think time; 0 removes it. K6_THINK_TIME_SCALE */
  readonly thinkTimeScale: number;
  /** Folder where handleSummary writes k6-summary.json and k6-summary.txt. K6_SUMMARY_DIR */
  readonly summaryDir: string | undefined;
  /** The highest multiple of the baseline a capacity run may reach. K6_MAX_RATE (40, 40x) */
  readonly maxRate: number | undefined;
  /** Replaces each capacity step's hold (short runs). K6_STEP_SECONDS */
  readonly stepSeconds: number | undefined;
  /** Shared by every instance of one distributed run, so their order ids share a prefix. K6_RUN_TAG */
  readonly runTag: string | undefined;
  /** This instance's number (1..N) in a run split by execution segments. K6_INSTANCE */
  readonly instance: string | undefined;
}

/** Every variable parseScenarioEnv reads; `secret` ones are never written into run records. */
export const scenarioSettings = [
  { name: 'K6_API_URL', secret: false },
  { name: 'K6_SUPABASE_URL', secret: false },
  { name: 'K6_ANON_KEY', secret: true },
  { name: 'K6_POSTBACK_SECRET', secret: true },
  { name: 'K6_MANIFEST', secret: false },
  { name: 'K6_BASELINE_RATES', secret: false },
  { name: 'K6_BASELINE_FILE', secret: false },
  { name: 'K6_PROFILE_DURATION', secret: false },
  { name: 'K6_THINK_TIME_SCALE', secret: false },
  { name: 'K6_MAX_RATE', secret: false },
  { name: 'K6_STEP_SECONDS', secret: false },
  { name: 'K6_RUN_TAG', secret: false },
  { name: 'K6_INSTANCE', secret: false },
] as const;

/** A setting that cannot be used; the message names the variable and what it got. */
export class ScenarioEnvError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
    this.name = 'ScenarioEnvError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * @example parseScenarioEnv({ K6_API_URL: 'https://api.example.test/' }, readFile).apiUrl // 'https://api.example.test'
 */
export function parseScenarioEnv(env: Env, readFile: (path: string) => string): ScenarioEnv {
  if (value(env, 'K6_DURATION') !== undefined) {
    // k6 reads K6_DURATION itself and then replaces every scenario with one plain VU loop.
    throw new ScenarioEnvError(
      'K6_DURATION',
      "is k6's own option and would replace every scenario of the profile; set K6_PROFILE_DURATION instead",
    );
  }
  const apiUrl = httpUrl(env, 'K6_API_URL') ?? LOCAL_API_URL;
  const baseline = baselineRates(env, readFile);
  return {
    apiUrl,
    supabaseUrl: httpUrl(env, 'K6_SUPABASE_URL') ?? apiUrl,
    anonKey: value(env, 'K6_ANON_KEY') ?? LOCAL_ANON_KEY,
    postbackSecret: value(env, 'K6_POSTBACK_SECRET') ?? LOCAL_POSTBACK_SECRET,
    manifestPath: value(env, 'K6_MANIFEST') ?? LOCAL_MANIFEST,
    baselineRates: baseline.rates,
    baselineSource: baseline.source,
    durationSeconds: optionalDuration(env, 'K6_PROFILE_DURATION'),
    thinkTimeScale: optionalNumber(env, 'K6_THINK_TIME_SCALE', 0, 100) ?? 1,
    maxRate: multiple(env, 'K6_MAX_RATE'),
    stepSeconds: optionalDuration(env, 'K6_STEP_SECONDS'),
    summaryDir: value(env, 'K6_SUMMARY_DIR'),
    runTag: token(env, 'K6_RUN_TAG'),
    instance: token(env, 'K6_INSTANCE'),
  };
}

const DURATION_UNIT_SECONDS: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
};

/**
 * Parses k6's duration strings (Go's syntax plus days: "90s", "1h30m", "500ms") or a bare number of
 * seconds; undefined when malformed. The one duration parser of the kit: scenarios, the engine and
 * every command read durations through it.
 * @example parseDuration('1m30s') // 90
 */
export function parseDuration(text: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  if (!/^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h|d))+$/.test(text)) return undefined;
  let seconds = 0;
  const part = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/g;
  for (let m = part.exec(text); m !== null; m = part.exec(text)) {
    seconds += Number(m[1]) * (DURATION_UNIT_SECONDS[m[2] as string] as number);
  }
  return seconds;
}

/** Validates a baseline object: journey names only, non-negative integer iterations per minute. */
export function parseBaselineRates(raw: unknown, variable: string): JourneyRates {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ScenarioEnvError(
      variable,
      `expected a JSON object of iterations per minute per journey, got ${JSON.stringify(raw)}`,
    );
  }
  // A file may wrap the rates as { "baselineRates": {...} }, the shape load.json records.
  const source = 'baselineRates' in raw ? (raw as { baselineRates: unknown }).baselineRates : raw;
  if (source !== raw) return parseBaselineRates(source, variable);
  const rates: Record<JourneyName, number> = { ...defaultBaselineRates };
  for (const [key, rate] of Object.entries(raw)) {
    if (!(journeyNames as readonly string[]).includes(key)) {
      throw new ScenarioEnvError(variable, `unknown journey "${key}"; expected one of ${journeyNames.join(', ')}`);
    }
    if (typeof rate !== 'number' || !Number.isInteger(rate) || rate < 0) {
      throw new ScenarioEnvError(
        variable,
        `${key}: expected a whole number of iterations per minute >= 0, got ${JSON.stringify(rate)}`,
      );
    }
    rates[key as JourneyName] = rate;
  }
  if (journeyNames.every((j) => rates[j] === 0))
    throw new ScenarioEnvError(variable, 'every journey has rate 0; nothing would run');
  return rates;
}

// --- internal ---

function value(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

/** A value that ends up inside order ids and tags: letters, digits, '-' and '_' only. */
function token(env: Env, name: string): string | undefined {
  const raw = value(env, name);
  if (raw !== undefined && !/^[A-Za-z0-9_-]{1,40}$/.test(raw)) {
    throw new ScenarioEnvError(name, `expected up to 40 letters, digits, '-' or '_', got "${raw}"`);
  }
  return raw;
}

function httpUrl(env: Env, name: string): string | undefined {
  const raw = value(env, name);
  if (raw === undefined) return undefined;
  if (!/^https?:\/\/[^/\s]+(\/\S*)?$/.test(raw)) {
    throw new ScenarioEnvError(name, `expected an http(s) URL like http://127.0.0.1:54321, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

function optionalDuration(env: Env, name: string): number | undefined {
  const raw = value(env, name);
  if (raw === undefined) return undefined;
  const seconds = parseDuration(raw);
  if (seconds === undefined || seconds < 1) {
    throw new ScenarioEnvError(name, `expected a duration of at least 1s like 90s, 5m or 1h30m, got "${raw}"`);
  }
  return Math.round(seconds);
}

/** A multiple of the baseline, "40" or "40x". */
function multiple(env: Env, name: string): number | undefined {
  const raw = value(env, name);
  if (raw === undefined) return undefined;
  const n = /^\d+(\.\d+)?x?$/.test(raw) ? Number.parseFloat(raw) : Number.NaN;
  if (!(n >= 1 && n <= 10_000))
    throw new ScenarioEnvError(name, `expected a multiple of the baseline rates such as 40 or 40x, got "${raw}"`);
  return n;
}

function optionalNumber(env: Env, name: string, min: number, max: number): number | undefined {
  const raw = value(env, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new ScenarioEnvError(name, `expected a number from ${min} to ${max}, got "${raw}"`);
  return n;
}

function baselineRates(
  env: Env,
  readFile: (path: string) => string,
): { rates: JourneyRates; source: ScenarioEnv['baselineSource'] } {
  const inline = value(env, 'K6_BASELINE_RATES');
  if (inline !== undefined)
    return {
      rates: parseBaselineRates(parseJson(inline, 'K6_BASELINE_RATES'), 'K6_BASELINE_RATES'),
      source: 'K6_BASELINE_RATES',
    };
  const file = value(env, 'K6_BASELINE_FILE');
  if (file === undefined) return { rates: defaultBaselineRates, source: 'default' };
  let text: string;
  try {
    text = readFile(file);
  } catch (error) {
    throw new ScenarioEnvError(
      'K6_BASELINE_FILE',
      `cannot read ${file} (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  return {
    rates: parseBaselineRates(parseJson(text, `K6_BASELINE_FILE (${file})`), `K6_BASELINE_FILE (${file})`),
    source: 'K6_BASELINE_FILE',
  };
}

function parseJson(text: string, variable: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ScenarioEnvError(
      variable,
      `expected JSON such as {"swipingUser": 48}, got ${JSON.stringify(text.slice(0, 80))} (${(error as Error).message})`,
    );
  }
}
