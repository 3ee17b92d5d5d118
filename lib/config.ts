/**
 * Configuration, parsed once at the edge of every command.
 *
 * Precedence, high to low (also in the README):
 *   1. command-line flags (`--pg-port 6000`)
 *   2. process environment (`KIT_PG_PORT=6000`)
 *   3. the `.env` file at the repo root (or the file named by `KIT_ENV_FILE`)
 *   4. the defaults below (the local stack)
 * An empty value counts as unset, so `KIT_PG_PORT=` in `.env` falls back to the default instead of
 * failing as "not a number".
 *
 * Nothing below this module reads `process.env`: commands pass the parsed `KitConfig` down.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { UsageError } from './errors.ts';
import { repoRoot } from './paths.ts';

/** JWT secret of the local stack: the Supabase CLI's well-known local default, never a real project's. */
export const LOCAL_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';

/** HMAC key of affiliate postbacks on the local stack; a staging deployment sets its own. */
export const LOCAL_POSTBACK_SECRET = 'local-postback-secret-for-the-kit-only';

const port = z.coerce
  .number({ error: 'expected a port number' })
  .int('expected an integer port')
  .min(1024, 'expected a port from 1024 to 65535')
  .max(65535, 'expected a port from 1024 to 65535');

const postgresUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
    } catch {
      return false;
    }
  },
  { error: 'expected a URL like postgresql://user:password@host:5432/database' },
);

/** Every setting: its environment name, the flag that overrides it, its schema and its meaning. */
const settings = {
  KIT_STATE_DIR: { flag: 'state-dir', schema: z.string().min(1), doc: 'folder for the local cluster, logs and pid files' },
  KIT_PG_PORT: { flag: 'pg-port', schema: port, doc: 'port of the kit\'s own PostgreSQL cluster' },
  KIT_PG_BINDIR: { flag: 'pg-bindir', schema: z.string().min(1), doc: 'folder holding initdb, pg_ctl and postgres' },
  KIT_API_PORT: { flag: 'api-port', schema: port, doc: 'port of the kit\'s API server (gateway, Auth, App API)' },
  KIT_POSTGREST_PORT: { flag: 'postgrest-port', schema: port, doc: 'loopback port of the kit\'s PostgREST (only the gateway talks to it)' },
  DATABASE_URL: { flag: 'database-url', schema: postgresUrl, doc: 'an existing PostgreSQL to use instead of the kit\'s cluster' },
  KIT_JWT_SECRET: {
    flag: 'jwt-secret',
    schema: z.string().min(32, 'expected at least 32 characters (HS256 secret)'),
    doc: 'HS256 secret that signs and verifies access tokens',
  },
  K6_BIN: { flag: 'k6-bin', schema: z.string().min(1), doc: 'path of a k6 binary (>= 1.0) to use instead of k6 on PATH' },
  KIT_LOAD_ENGINE: {
    flag: 'engine',
    schema: z.enum(['auto', 'kit', 'k6'], { error: 'expected "auto" (k6 when found, else the kit\'s engine), "kit" or "k6"' }),
    doc: 'what runs the load journeys: auto (k6 when found, else the kit\'s engine), kit or k6',
  },
  KIT_POSTBACK_SECRET: {
    flag: 'postback-secret',
    schema: z.string().min(16, 'expected at least 16 characters (HMAC-SHA256 key)'),
    doc: 'shared secret networks sign affiliate postbacks with (header X-Kit-Signature)',
  },
  KIT_ATTRIBUTION_WINDOW_DAYS: {
    flag: 'attribution-window-days',
    schema: z.coerce.number({ error: 'expected a number of days' }).int('expected whole days').min(1).max(365),
    doc: 'days after a click within which a postback conversion is attributed to it',
  },
  SUPABASE_URL: { flag: 'supabase-url', schema: z.url({ error: 'expected a URL like https://<ref>.supabase.co' }), doc: 'base URL of the staging Supabase project (seed/load --target staging)' },
  SUPABASE_SERVICE_ROLE_KEY: { flag: 'service-role-key', schema: z.string().min(20, 'expected a service_role JWT'), doc: 'service_role key of the staging project (Auth admin API, Data API fallback)' },
  SUPABASE_ANON_KEY: { flag: 'anon-key', schema: z.string().min(20, 'expected an anon JWT'), doc: 'anon key of the staging project' },
  KIT_STAGING_PROJECT_REF: { flag: 'confirm-target', schema: z.string().min(1), doc: 'staging project ref (or host) that must match SUPABASE_URL before the kit writes to it' },
  KIT_CRITERIA_FILE: { flag: 'criteria', schema: z.string().min(1), doc: 'JSON file overriding verify\'s success-criteria thresholds (model/slo.ts)' },
  KIT_PREFERENCE_SOURCE: {
    flag: 'preference-source',
    schema: z.enum(['table', 'api'], { error: 'expected "table" (user_preferences) or "api" (the Data API as each user)' }),
    doc: 'where verify reads the app\'s preferences: table (user_preferences) or api (Data API as each user)',
  },
} as const satisfies Record<string, { flag: string; schema: z.ZodType; doc: string }>;

export type SettingName = keyof typeof settings;
type Raw = Partial<Record<SettingName, string>>;

const schema = z.object({
  KIT_STATE_DIR: settings.KIT_STATE_DIR.schema.optional(),
  KIT_PG_PORT: settings.KIT_PG_PORT.schema.default(54322),
  KIT_PG_BINDIR: settings.KIT_PG_BINDIR.schema.optional(),
  KIT_API_PORT: settings.KIT_API_PORT.schema.default(54321),
  KIT_POSTGREST_PORT: settings.KIT_POSTGREST_PORT.schema.default(54331),
  DATABASE_URL: settings.DATABASE_URL.schema.optional(),
  KIT_JWT_SECRET: settings.KIT_JWT_SECRET.schema.default(LOCAL_JWT_SECRET),
  K6_BIN: settings.K6_BIN.schema.optional(),
  KIT_LOAD_ENGINE: settings.KIT_LOAD_ENGINE.schema.default('auto'),
  KIT_POSTBACK_SECRET: settings.KIT_POSTBACK_SECRET.schema.default(LOCAL_POSTBACK_SECRET),
  KIT_ATTRIBUTION_WINDOW_DAYS: settings.KIT_ATTRIBUTION_WINDOW_DAYS.schema.default(30),
  SUPABASE_URL: settings.SUPABASE_URL.schema.optional(),
  SUPABASE_SERVICE_ROLE_KEY: settings.SUPABASE_SERVICE_ROLE_KEY.schema.optional(),
  SUPABASE_ANON_KEY: settings.SUPABASE_ANON_KEY.schema.optional(),
  KIT_STAGING_PROJECT_REF: settings.KIT_STAGING_PROJECT_REF.schema.optional(),
  KIT_CRITERIA_FILE: settings.KIT_CRITERIA_FILE.schema.optional(),
  KIT_PREFERENCE_SOURCE: settings.KIT_PREFERENCE_SOURCE.schema.default('table'),
});

export interface KitConfig {
  readonly repoRoot: string;
  readonly stateDir: string;
  readonly pg: { readonly port: number; readonly bindir: string | undefined };
  readonly api: { readonly port: number };
  readonly postgrest: { readonly port: number };
  /** Set when the user points the kit at an existing PostgreSQL instead of its own cluster. */
  readonly databaseUrl: string | undefined;
  readonly jwtSecret: string;
  readonly k6Bin: string | undefined;
  /** What runs the load journeys (scripts/load.ts). */
  readonly loadEngine: 'auto' | 'kit' | 'k6';
  /** HMAC key the App API checks affiliate postbacks against. */
  readonly postbackSecret: string;
  /** Days after a click within which a postback conversion is attributed to it. */
  readonly attributionWindowDays: number;
  /** The staging Supabase project (all undefined for the local stack). */
  readonly supabase: {
    readonly url: string | undefined;
    readonly serviceRoleKey: string | undefined;
    readonly anonKey: string | undefined;
    /** Project ref (or host) the user confirmed as the staging target. */
    readonly stagingRef: string | undefined;
  };
  /** JSON file with threshold overrides for verify (absolute path), or undefined for model/slo.ts defaults. */
  readonly criteriaFile: string | undefined;
  /** Where the preference-accuracy gate reads the app's preferences. */
  readonly preferenceSource: 'table' | 'api';
  /** Where each explicitly given setting came from, for messages such as "KIT_PG_PORT (from .env)". */
  readonly sources: Partial<Record<SettingName, Source>>;
}

type Source = 'flag' | 'environment' | '.env' ;

export interface ConfigInput {
  /** Flag values already parsed by the command, keyed by flag name (`pg-port`). */
  readonly flags?: Readonly<Record<string, unknown>>;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The flags every command accepts for settings, for `parseFlags`. */
export const settingFlags = Object.fromEntries(
  Object.values(settings).map((s) => [s.flag, { type: 'string' as const }]),
) as Record<(typeof settings)[SettingName]['flag'], { type: 'string' }>;

export function describeSettings(): readonly { name: SettingName; flag: string; doc: string }[] {
  return (Object.keys(settings) as SettingName[]).map((name) => ({ name, flag: settings[name].flag, doc: settings[name].doc }));
}

export function loadConfig(input: ConfigInput = {}): KitConfig {
  const env = input.env ?? process.env;
  const envFile = env.KIT_ENV_FILE ? path.resolve(env.KIT_ENV_FILE) : path.join(repoRoot, '.env');
  const fileValues = readEnvFile(envFile, env.KIT_ENV_FILE !== undefined);

  const raw: Raw = {};
  const sources: Partial<Record<SettingName, Source>> = {};
  for (const name of Object.keys(settings) as SettingName[]) {
    const flagValue = input.flags?.[settings[name].flag];
    const candidates: [unknown, Source][] = [
      [flagValue, 'flag'],
      [env[name], 'environment'],
      [fileValues[name], '.env'],
    ];
    for (const [value, source] of candidates) {
      if (typeof value === 'string' && value.trim() !== '') {
        raw[name] = value.trim();
        sources[name] = source;
        break;
      }
    }
  }

  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]) as SettingName;
      const where = sources[name] === 'flag' ? `--${settings[name].flag}` : `${name} (from ${sources[name] ?? 'default'})`;
      return `${where}: ${issue.message}, received ${JSON.stringify(raw[name])}`;
    });
    throw new UsageError(`invalid configuration:\n  ${lines.join('\n  ')}`, [
      'Fix the setting (flag, environment or .env) and run again; .env.example documents every setting.',
    ]);
  }
  const c = parsed.data;
  return {
    repoRoot,
    stateDir: path.resolve(repoRoot, c.KIT_STATE_DIR ?? '.kit'),
    pg: { port: c.KIT_PG_PORT, bindir: c.KIT_PG_BINDIR },
    api: { port: c.KIT_API_PORT },
    postgrest: { port: c.KIT_POSTGREST_PORT },
    databaseUrl: c.DATABASE_URL,
    jwtSecret: c.KIT_JWT_SECRET,
    k6Bin: c.K6_BIN,
    loadEngine: c.KIT_LOAD_ENGINE,
    postbackSecret: c.KIT_POSTBACK_SECRET,
    attributionWindowDays: c.KIT_ATTRIBUTION_WINDOW_DAYS,
    supabase: {
      url: c.SUPABASE_URL?.replace(/\/+$/, ''),
      serviceRoleKey: c.SUPABASE_SERVICE_ROLE_KEY,
      anonKey: c.SUPABASE_ANON_KEY,
      stagingRef: c.KIT_STAGING_PROJECT_REF,
    },
    criteriaFile: c.KIT_CRITERIA_FILE === undefined ? undefined : path.resolve(c.KIT_CRITERIA_FILE),
    preferenceSource: c.KIT_PREFERENCE_SOURCE,
    sources,
  };
}

function readEnvFile(file: string, required: boolean): Record<string, string> {
  if (!existsSync(file)) {
    if (required) throw new UsageError(`KIT_ENV_FILE: file ${file} does not exist`, ['Point KIT_ENV_FILE at an existing file or unset it.']);
    return {};
  }
  try {
    return parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch (error) {
    throw new UsageError(`${file}: cannot be read as KEY=value lines (${(error as Error).message})`);
  }
}
