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
import { resolveStateDir } from './state-dir.ts';

/** JWT secret of the local stack: the Supabase CLI's well-known local default, never a real project's. */
export const LOCAL_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';

/** The two ways a Supabase project (and the local stack) issues API keys and signs tokens. */
export const STACK_KEY_MODES = ['legacy', 'new'] as const;

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

/** A new-style API key (not a JWT): `sb_publishable_…` or `sb_secret_…`. */
function apiKey(prefix: string, kind: string) {
  return z.string().refine((value) => value.startsWith(prefix) && value.length > prefix.length + 8, {
    error: `expected the project's ${kind} key, ${prefix}…`,
  });
}

/** A legacy JWT API key whose `role` claim names `role`; a new-style key is pointed at its own setting. */
function legacyKey(role: string, newSetting: string) {
  return z.string().superRefine((value, ctx) => {
    if (value.startsWith('sb_')) {
      ctx.addIssue({ code: 'custom', message: `expected a legacy ${role} JWT; an sb_… key goes in ${newSetting}` });
      return;
    }
    const claims = decodedPayload(value);
    if (claims?.role !== role)
      ctx.addIssue({ code: 'custom', message: `expected the project's legacy ${role} JWT key (role claim "${role}")` });
  });
}

/** The payload of a JWT, decoded without verification (to tell which key was pasted), or undefined. */
function decodedPayload(token: string): Record<string, unknown> | undefined {
  const part = token.split('.')[1];
  if (token.split('.').length !== 3 || !part) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A private JWK (JSON text): EC P-256 for ES256 or RSA for RS256, with its private part `d`. */
const privateJwk = z.string().transform((text, ctx) => {
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'expected a JWK as JSON text, {"kty":"EC","crv":"P-256","d":…}' });
    return z.NEVER;
  }
  const key = (typeof jwk === 'object' && jwk !== null ? jwk : {}) as Record<string, unknown>;
  const supported = (key.kty === 'EC' && key.crv === 'P-256') || key.kty === 'RSA';
  if (!supported || typeof key.d !== 'string') {
    ctx.addIssue({ code: 'custom', message: 'expected a private EC P-256 (ES256) or RSA (RS256) JWK with "d"' });
    return z.NEVER;
  }
  return key as Readonly<Record<string, string>>;
});

/** Where a setting is listed in .env.example, in this order. */
const SECTIONS = [
  'local stack',
  'App API (/api/v1)',
  "an existing database instead of the kit's cluster",
  'staging target (npm run seed -- --target staging)',
  'tools',
  'verify',
] as const;

interface Setting {
  /** The flag that overrides it, without the dashes. */
  readonly flag: string;
  /** Where the parsed value lands in `KitConfig`: a property, or `group.property`. */
  readonly at: string;
  readonly schema: z.ZodType;
  /** As it would be written in `.env`: parsed by `schema` like a given value. No default: undefined. */
  readonly default?: string;
  /** Full sentences; backquotes mark code (kept in the README's table, dropped in `.env.example` and `--help`). */
  readonly doc: string;
  /** Never echoed in an error message nor written out as a default (a password in a URL counts). */
  readonly secret?: boolean;
  readonly section: (typeof SECTIONS)[number];
}

/**
 * Every setting, declared once: its environment name (the key), flag, schema, default, meaning and
 * whether it is secret. The config type, the parser, the flags, `.env.example` and the error
 * messages all come from here. Declaration order is the order of `.env.example`.
 */
const settings = {
  KIT_STATE_DIR: {
    flag: 'state-dir',
    at: 'stateDir',
    section: 'local stack',
    default: '.kit',
    schema: z
      .string()
      .min(1)
      .transform((dir) => path.resolve(repoRoot, dir)),
    doc: "Folder for the kit's PostgreSQL cluster, logs and pid files (git-ignored); relative to the repo root. Unset, under root, in a checkout other users cannot enter (a 700 folder): `aclue-kit-<uid>-<checkout hash>` under the OS temp dir, which the cluster's OS user can reach.",
  },
  KIT_PG_PORT: {
    flag: 'pg-port',
    at: 'pg.port',
    section: 'local stack',
    default: '54322',
    schema: port,
    doc: "Port of the kit's own PostgreSQL cluster (the Supabase CLI's local port).",
  },
  KIT_PG_BINDIR: {
    flag: 'pg-bindir',
    at: 'pg.bindir',
    section: 'local stack',
    schema: z.string().min(1),
    doc: 'Folder holding initdb, pg_ctl and postgres (PostgreSQL >= 15) when they are not found automatically.',
  },
  KIT_API_PORT: {
    flag: 'api-port',
    at: 'api.port',
    section: 'local stack',
    default: '54321',
    schema: port,
    doc: "Port of the kit's API server: gateway `/rest/v1`, Auth `/auth/v1`, App API `/api/v1`.",
  },
  KIT_POSTGREST_PORT: {
    flag: 'postgrest-port',
    at: 'postgrest.port',
    section: 'local stack',
    default: '54331',
    schema: port,
    doc: "Loopback port of the kit's PostgREST; only the API server's gateway talks to it.",
  },
  KIT_JWT_SECRET: {
    flag: 'jwt-secret',
    at: 'jwtSecret',
    section: 'local stack',
    default: LOCAL_JWT_SECRET,
    secret: true,
    schema: z.string().min(32, 'expected at least 32 characters (HS256 secret)'),
    doc: "HS256 secret (>= 32 characters). On the local stack it signs and verifies access tokens and the legacy API keys, and its `new` keys are derived from it. On staging, the project's legacy JWT secret: when given, the kit mints seeded users' tokens itself instead of signing them in.",
  },
  KIT_STACK_KEYS: {
    flag: 'stack-keys',
    at: 'stackKeys',
    section: 'local stack',
    default: 'legacy',
    schema: z.enum(STACK_KEY_MODES, {
      error:
        'expected "legacy" (anon/service_role JWT keys, HS256 tokens) or "new" (publishable/secret keys, ES256 tokens)',
    }),
    doc: 'Which keys the local stack issues and accepts, as a Supabase project does: `legacy` (`anon` and `service_role` JWT keys, tokens signed with the HS256 secret) or `new` (`sb_publishable_…` and `sb_secret_…` keys, tokens signed with an ES256 key whose public half is at `/auth/v1/.well-known/jwks.json`).',
  },
  KIT_AUTHENTICATOR_PASSWORD: {
    flag: 'authenticator-password',
    at: 'authenticatorPassword',
    section: 'local stack',
    default: 'postgres',
    secret: true,
    schema: z.string().min(1),
    doc: "Password of the database's `authenticator` role, which PostgREST and the kit's App API log in as (the local stack's migrations set the default; on a Supabase project it is the project's own).",
  },
  KIT_POSTBACK_SECRET: {
    flag: 'postback-secret',
    at: 'postbackSecret',
    section: 'App API (/api/v1)',
    default: LOCAL_POSTBACK_SECRET,
    secret: true,
    schema: z.string().min(16, 'expected at least 16 characters (HMAC-SHA256 key)'),
    doc: 'Shared secret affiliate networks sign postbacks with (HMAC-SHA256 of the body, header `X-Kit-Signature`).',
  },
  KIT_ATTRIBUTION_WINDOW_DAYS: {
    flag: 'attribution-window-days',
    at: 'attributionWindowDays',
    section: 'App API (/api/v1)',
    default: '30',
    schema: z.coerce.number({ error: 'expected a number of days' }).int('expected whole days').min(1).max(365),
    doc: 'Days after a click within which a postback conversion is attributed to it.',
  },
  DATABASE_URL: {
    flag: 'database-url',
    at: 'databaseUrl',
    section: "an existing database instead of the kit's cluster",
    secret: true,
    schema: postgresUrl,
    doc: "An existing PostgreSQL to use instead of the kit's cluster, e.g. `postgresql://postgres:postgres@127.0.0.1:5432/aclue_kit` (the migrations create Supabase's roles, so it needs a role that may).",
  },
  SUPABASE_URL: {
    flag: 'supabase-url',
    at: 'supabase.url',
    section: 'staging target (npm run seed -- --target staging)',
    // Without the trailing slash, so paths can be appended as `${url}/rest/v1`.
    schema: z
      .url({ error: 'expected a URL like https://<ref>.supabase.co' })
      .transform((url) => url.replace(/\/+$/, '')),
    doc: 'Base URL of the staging Supabase project, `https://<ref>.supabase.co`.',
  },
  SUPABASE_PUBLISHABLE_KEY: {
    flag: 'publishable-key',
    at: 'supabase.publishableKey',
    section: 'staging target (npm run seed -- --target staging)',
    // Public, but never echoed: a secret key pasted here by mistake would be.
    secret: true,
    schema: apiKey('sb_publishable_', 'publishable'),
    doc: 'Publishable key of the staging project (`sb_publishable_…`): the Data API journeys and sign-in. Replaces the legacy `SUPABASE_ANON_KEY`; used when both are set.',
  },
  SUPABASE_SECRET_KEY: {
    flag: 'secret-key',
    at: 'supabase.secretKey',
    section: 'staging target (npm run seed -- --target staging)',
    secret: true,
    schema: apiKey('sb_secret_', 'secret'),
    doc: 'Secret key of the staging project (`sb_secret_…`): Auth admin API, Data API fallback. Replaces the legacy `SUPABASE_SERVICE_ROLE_KEY`; used when both are set.',
  },
  KIT_APP_URL: {
    flag: 'app-url',
    at: 'appUrl',
    section: 'staging target (npm run seed -- --target staging)',
    schema: z
      .url({ error: 'expected a URL like https://api.example.com (the App API lives under /api/v1)' })
      .transform((url) => url.replace(/\/+$/, '')),
    doc: "Base URL of the app's own host (the Aclue backend, routes under `/api/v1`), for the load and verify alike; the scenarios' `K6_API_URL` defaults to it. Unset: the kit's stack at `KIT_API_PORT`, or none when `SUPABASE_URL` is set.",
  },
  SUPABASE_SERVICE_ROLE_KEY: {
    flag: 'service-role-key',
    at: 'supabase.serviceRoleKey',
    section: 'staging target (npm run seed -- --target staging)',
    secret: true,
    schema: legacyKey('service_role', 'SUPABASE_SECRET_KEY'),
    doc: 'Legacy `service_role` JWT key of the staging project, where `SUPABASE_SECRET_KEY` is not set.',
  },
  SUPABASE_ANON_KEY: {
    flag: 'anon-key',
    at: 'supabase.anonKey',
    section: 'staging target (npm run seed -- --target staging)',
    secret: true,
    schema: legacyKey('anon', 'SUPABASE_PUBLISHABLE_KEY'),
    doc: 'Legacy `anon` JWT key of the staging project, where `SUPABASE_PUBLISHABLE_KEY` is not set.',
  },
  KIT_JWT_SIGNING_KEY: {
    flag: 'jwt-signing-key',
    at: 'supabase.signingKey',
    section: 'staging target (npm run seed -- --target staging)',
    secret: true,
    schema: privateJwk,
    doc: "Private JWT signing key of the staging project as a JWK (JSON, ES256 or RS256, with its `kid`), for projects that sign with asymmetric keys: when given, the kit mints seeded users' tokens itself. Without it (or `KIT_JWT_SECRET`) the seed signs users in.",
  },
  KIT_STAGING_PROJECT_REF: {
    flag: 'confirm-target',
    at: 'supabase.stagingRef',
    section: 'staging target (npm run seed -- --target staging)',
    schema: z.string().min(1),
    doc: 'Staging project ref (or host) that must match `SUPABASE_URL` before the kit writes to it; otherwise it refuses (exit 2).',
  },
  K6_BIN: {
    flag: 'k6-bin',
    at: 'k6Bin',
    section: 'tools',
    schema: z.string().min(1),
    doc: "A k6 binary (>= 1.0) to use instead of k6 on PATH (k6 is optional: the kit's engine runs the same journeys).",
  },
  KIT_LOAD_ENGINE: {
    flag: 'engine',
    at: 'loadEngine',
    section: 'tools',
    default: 'auto',
    schema: z.enum(['auto', 'kit', 'k6'], {
      error: 'expected "auto" (k6 when found, else the kit\'s engine), "kit" or "k6"',
    }),
    doc: "What runs the load journeys: `auto` (k6 when found, else the kit's engine), `kit` or `k6`.",
  },
  KIT_CRITERIA_FILE: {
    flag: 'criteria',
    at: 'criteriaFile',
    section: 'verify',
    // Relative to where the command runs, as any path given on a command line.
    schema: z
      .string()
      .min(1)
      .transform((file) => path.resolve(file)),
    doc: 'JSON file overriding verify\'s success-criteria thresholds (keys of `model/slo.ts`), e.g. `{"latency":{"p95Ms":300}}`.',
  },
  KIT_PREFERENCE_SOURCE: {
    flag: 'preference-source',
    at: 'preferenceSource',
    section: 'verify',
    default: 'table',
    schema: z.enum(['table', 'api'], {
      error: 'expected "table" (user_preferences) or "api" (the Data API as each user)',
    }),
    doc: "Where the preference-accuracy gate reads the app's preferences: `table` (`user_preferences`) or `api` (the Data API, `GET /rest/v1/user_preferences` as each seeded user).",
  },
} as const satisfies Record<string, Setting>;

type Declarations = typeof settings;
export type SettingName = keyof Declarations;
type Source = 'flag' | 'environment' | '.env';
type At<N extends SettingName> = Declarations[N]['at'];
/** The parsed type of a setting: its schema's output, or undefined as well when it has no default. */
type ValueOf<N extends SettingName> =
  | z.output<Declarations[N]['schema']>
  | (Declarations[N] extends { readonly default: string } ? never : undefined);
type Group = { [N in SettingName]: At<N> extends `${infer G}.${string}` ? G : never }[SettingName];

/** The settings as the commands use them (`config.pg.port` for KIT_PG_PORT), typed from the declarations. */
export type KitConfig = {
  readonly [N in SettingName as At<N> extends `${string}.${string}` ? never : At<N>]: ValueOf<N>;
} & {
  readonly [G in Group]: { readonly [N in SettingName as At<N> extends `${G}.${infer P}` ? P : never]: ValueOf<N> };
} & {
  readonly repoRoot: string;
  /** Where each explicitly given setting came from, for messages such as "KIT_PG_PORT (from .env)". */
  readonly sources: Partial<Record<SettingName, Source>>;
  /** Why the state folder is not `<checkout>/.kit` though KIT_STATE_DIR is unset (lib/state-dir.ts). */
  readonly stateDirMoved?: string;
};

export interface ConfigInput {
  /** Flag values already parsed by the command, keyed by flag name (`pg-port`). */
  readonly flags?: Readonly<Record<string, unknown>>;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const names = Object.keys(settings) as SettingName[];
const declaration = (name: SettingName): Setting => settings[name];

/** The flags every command accepts for settings, for the argv parser (lib/cli.ts). */
export const settingFlags = Object.fromEntries(
  names.map((name) => [settings[name].flag, { type: 'string' as const }]),
) as Record<Declarations[SettingName]['flag'], { type: 'string' }>;

/** Each setting's name, flag and meaning (`doc`: backquotes mark code), in declaration order. */
export function describeSettings(): readonly { name: SettingName; flag: string; doc: string }[] {
  return names.map((name) => ({ name, flag: settings[name].flag, doc: settings[name].doc }));
}

export function loadConfig(input: ConfigInput = {}): KitConfig {
  const env = input.env ?? process.env;
  const envFile = env.KIT_ENV_FILE ? path.resolve(env.KIT_ENV_FILE) : path.join(repoRoot, '.env');
  const fileValues = readEnvFile(envFile, env.KIT_ENV_FILE !== undefined);

  const config: Record<string, unknown> = { repoRoot };
  const sources: Partial<Record<SettingName, Source>> = {};
  const problems: string[] = [];
  for (const name of names) {
    const setting = declaration(name);
    const given = firstGiven([
      [input.flags?.[setting.flag], 'flag'],
      [env[name], 'environment'],
      [fileValues[name], '.env'],
    ]);
    if (given) sources[name] = given.source;
    const raw = given?.value ?? setting.default;
    if (raw === undefined) {
      place(config, setting.at, undefined);
      continue;
    }
    const parsed = setting.schema.safeParse(raw);
    if (parsed.success) {
      place(config, setting.at, parsed.data);
      continue;
    }
    const where = given?.source === 'flag' ? `--${setting.flag}` : `${name} (from ${given?.source ?? 'default'})`;
    const received = setting.secret ? `${raw.length} characters (not shown: secret)` : JSON.stringify(raw);
    problems.push(`${where}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}, received ${received}`);
  }
  if (problems.length > 0) {
    throw new UsageError(`invalid configuration:\n  ${problems.join('\n  ')}`, [
      'Fix the setting (flag, environment or .env) and run again; .env.example documents every setting.',
    ]);
  }
  config.sources = sources;
  const state = resolveStateDir({
    dir: config.stateDir as string,
    explicit: sources.KIT_STATE_DIR !== undefined,
    checkout: repoRoot,
    uid: process.getuid?.(),
  });
  config.stateDir = state.dir;
  if (state.moved !== undefined) config.stateDirMoved = state.moved;
  // Sound by construction: every declaration placed its parsed value at its `at`, which is what the type says.
  return config as KitConfig;
}

/** The highest-precedence non-empty value (an empty value counts as unset). */
function firstGiven(candidates: readonly [unknown, Source][]): { value: string; source: Source } | undefined {
  for (const [value, source] of candidates) {
    if (typeof value === 'string' && value.trim() !== '') return { value: value.trim(), source };
  }
  return undefined;
}

function place(config: Record<string, unknown>, at: string, value: unknown): void {
  const [group, property] = at.split('.') as [string, string | undefined];
  if (property === undefined) {
    config[group] = value;
    return;
  }
  config[group] = { ...(config[group] as Record<string, unknown> | undefined), [property]: value };
}

/** The settings in the order of `.env.example` and the README's table: by section, then as declared. */
const documented = SECTIONS.flatMap((section) => names.filter((name) => settings[name].section === section));
const plain = (text: string) => text.replaceAll('`', '');

/** A setting's default as the documentation shows it (a secret's never), or undefined when it has none. */
function shownDefault(setting: Setting, quote = (value: string) => value): string | undefined {
  if (setting.default === undefined) return undefined;
  return setting.secret ? 'a local-only value, never for a shared deployment' : quote(setting.default);
}

/**
 * The README's settings table (between `<!-- settings:start -->` and `<!-- settings:end -->`) as the
 * declarations give it; `npm run docs` writes it and a test compares.
 */
export function renderSettingsTable(): string {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const lines = ['| setting | flag | default | meaning |', '|---|---|---|---|'];
  for (const name of documented) {
    const setting = declaration(name);
    const shown = shownDefault(setting, (value) => `\`${value}\``) ?? '';
    lines.push(`| \`${name}\` | \`--${setting.flag}\` | ${cell(shown)} | ${cell(setting.doc)} |`);
  }
  return lines.join('\n');
}

/** `.env.example` as the declarations give it; `npm run docs` writes it and a test compares. */
export function renderEnvExample(): string {
  const lines = [
    '# Aclue sign-off kit settings. Copy to .env and edit; every setting can also be given in the',
    '# environment or as a flag (precedence: flag > environment > .env > default). Empty = default.',
    '# Generated from lib/config.ts by `npm run docs`: edit the declarations there, not this file.',
  ];
  for (const section of SECTIONS) {
    lines.push('', `# --- ${section} ${'-'.repeat(Math.max(3, 100 - 7 - section.length))}`);
    for (const name of names.filter((n) => settings[n].section === section)) {
      const setting = declaration(name);
      const shown = shownDefault(setting);
      const fallback = shown === undefined ? 'no default' : `default: ${shown}`;
      lines.push(...wrapComment(plain(setting.doc)), `# --${setting.flag}; ${fallback}`, `${name}=`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function wrapComment(text: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '#';
  for (const word of text.split(' ')) {
    if (line.length > 1 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = '#';
    }
    line += ` ${word}`;
  }
  return [...lines, line];
}

function readEnvFile(file: string, required: boolean): Record<string, string> {
  if (!existsSync(file)) {
    if (required)
      throw new UsageError(`KIT_ENV_FILE: file ${file} does not exist`, [
        'Point KIT_ENV_FILE at an existing file or unset it.',
      ]);
    return {};
  }
  try {
    return parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch (error) {
    throw new UsageError(`${file}: cannot be read as KEY=value lines (${(error as Error).message})`);
  }
}
