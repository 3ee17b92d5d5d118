/**
 * Every command of the kit, declared once (lib/cli.ts `CommandDeclaration`): each script parses its
 * argv with its declaration, and `--help`, the usage lines of its errors, the README's command table
 * and docs/seed.md's flag table (`npm run docs`) come from here. test/cli/commands.test.ts fails when
 * a script or bench part has no declaration, or a generated file or a `--help` differs from what these give.
 */
import { profileNames } from '../model/profiles.ts';
import {
  type CommandDeclaration,
  defineCommand,
  renderCommandTable,
  renderFlagTable,
  replaceBetweenMarkers,
  type TableLine,
} from './cli.ts';
import { renderEnvExample, renderSettingsTable } from './config.ts';

const failures = {
  2: 'usage or configuration: a flag, setting or input file is wrong',
  3: 'environment: a tool is missing, a port is taken, the target is unreachable',
};

/** bench/<part>.ts, by part. */
export const benchParts = {
  seed: defineCommand({
    name: 'bench seed',
    summary: 'what `npm run seed` costs, beside `pgbench -i` and a server-side COPY of the same rows',
    details: 'Also accounts per second in bulk and through the Auth admin API. Details: `docs/seed.md`.',
    flags: {
      scale: { type: 'string', value: 'N', default: '10', doc: 'seed scale' },
      'batch-users': { type: 'string', value: 'N', doc: "users per COPY batch (default: the seed's)" },
      writers: { type: 'string', value: 'N', doc: "writer connections (default: the seed's)" },
      'admin-users': {
        type: 'string',
        value: 'N',
        default: '100',
        doc: 'accounts created through the Auth admin API for its rate',
      },
      keep: { type: 'boolean', doc: 'keep the benchmark databases' },
    },
    settings: [],
  }),
  api: defineCommand({
    name: 'bench api',
    summary: "the local API's throughput beside `pgbench -S` and PostgREST directly",
    details:
      "The gateway, the App API's product view and swipe, in interleaved rounds at the same concurrency; each figure is the median round.",
    flags: {
      duration: { type: 'string', value: 'S', default: '5', doc: 'seconds per target and round' },
      rounds: { type: 'string', value: 'N', default: '3', doc: 'rounds' },
      connections: { type: 'string', value: 'N', default: '8', doc: 'concurrent connections' },
      keep: { type: 'boolean', doc: 'keep the benchmark database' },
    },
    settings: 'all',
  }),
  load: defineCommand({
    name: 'bench load',
    summary: "what the kit's load engine costs the load-generating machine, beside autocannon",
    details: 'Requests per CPU-second, the journeys overhead over a bare GET, and peak RSS with many VUs.',
    flags: {
      seconds: { type: 'string', value: 'S', default: '20', doc: 'length of each measured run' },
      rates: { type: 'string', value: 'R1,R2', default: '2000,4000', doc: 'fixed arrival rates, requests/s' },
      factor: { type: 'string', value: 'F', default: '24', doc: "multiplier of smoke's rates for the journey mix" },
      vus: { type: 'string', value: 'N', default: '1000', doc: 'VUs kept busy for the memory figure' },
      'cpu-prof': { type: 'string', value: 'DIR', doc: 'write a V8 CPU profile of every engine run to DIR' },
      keep: { type: 'boolean', doc: 'keep the benchmark database' },
    },
    settings: 'all',
  }),
  report: defineCommand({
    name: 'bench report',
    summary: "verify's pass over a gzipped k6 raw output, beside merely decompressing it",
    details: 'The file is generated once, deterministically, into the state folder.',
    flags: {
      lines: { type: 'string', value: 'N', default: '10000000', doc: 'lines of the raw output' },
      rounds: { type: 'string', value: 'R', default: '2', doc: 'rounds; the best of each pass counts' },
      'generate-only': { type: 'boolean', doc: 'only generate the file' },
    },
    settings: [],
  }),
  verify: defineCommand({
    name: 'bench verify',
    summary:
      '`npm run verify` of peak runs of different lengths, and of seed runs of different scales, to show it is linear in its evidence',
    details:
      'Without --runs it first makes the runs (`npm run load -- peak`) against the configured target; for each scale it seeds a run (`npm run seed`), verifies it with `--no-load` and cleans it.',
    flags: {
      runs: { type: 'string', value: 'DIR,DIR', doc: 'existing run folders instead of new runs' },
      durations: {
        type: 'string',
        value: 'D,D',
        default: '30s,150s,10m',
        doc: 'lengths of the runs to make (none: skip the load runs)',
      },
      scales: { type: 'string', value: 'S,S', default: '1,10,30', doc: 'seed scales to verify (none: skip them)' },
      baseline: { type: 'string', value: 'DIR', doc: 'a baseline for each verify' },
      rounds: { type: 'string', value: 'R', default: '1', doc: 'verifies per run' },
      'app-delay': {
        type: 'string',
        value: 'MS',
        doc: 'also verify each seed run with every App API call held MS ms by a proxy (an app across a network)',
      },
    },
    settings: [],
  }),
} as const satisfies Record<string, CommandDeclaration>;

/** scripts/<name>.ts, by name. */
export const commands = {
  setup: defineCommand({
    name: 'setup',
    summary: 'finds what the kit needs outside npm and prints where and which version',
    details:
      'The PostgreSQL server binaries (`KIT_PG_BINDIR`, `pg_config --bindir`, `/usr/lib/postgresql/<n>/bin`, PATH; exit 3 when missing) and, optionally, k6 (`K6_BIN`, then PATH): "k6 v1.x found: `--engine k6` available" or "k6 not found: load runs on the kit\'s engine". Idempotent; `npm test` runs it first.',
    flags: { quiet: { type: 'boolean', doc: 'print nothing unless something is wrong' } },
    settings: 'all',
    highlight: { 'pg-bindir': 'DIR', 'k6-bin': 'PATH' },
    exitCodes: { 0: 'found', 2: 'a setting is wrong (K6_BIN that is not k6)', 3: 'PostgreSQL not found' },
  }),
  stack: defineCommand({
    name: 'stack',
    summary: "the local stack: PostgreSQL, PostgREST and the kit's API server",
    details:
      "The database on 127.0.0.1:54322 (`pg_stat_statements` preloaded, `track_io_timing` on, migrations from `db/migrations/` recorded in `kit_meta.schema_migrations`), PostgREST on a loopback port only the gateway uses, and the kit's server on 127.0.0.1:54321 (`/rest/v1`, `/auth/v1`, `/api/v1`). `up` starts what is not running (safe to repeat; restarts a crashed part), `status` shows all three with versions and the local anon and service-role keys (exit 3 when a part is down), `down` drains requests and stops everything, `reset` rebuilds the database. Details: `docs/stack.md`.",
    positionals: [{ usage: 'up|down|status|reset', doc: 'what to do with the stack' }],
    flags: {},
    settings: 'all',
    highlight: { 'pg-port': 'N', 'api-port': 'N', 'postgrest-port': 'N', 'state-dir': 'DIR', 'database-url': 'URL' },
    exitCodes: {
      0: 'done (status: everything runs)',
      2: failures[2],
      3: 'environment: a part is down, a port is taken, binaries are missing',
    },
  }),
  seed: defineCommand({
    name: 'seed',
    summary: 'seeds a run from the planted behaviour model, writes the k6 manifest and prints its run id',
    details: 'Staging needs `--confirm-target <project ref>` (`KIT_STAGING_PROJECT_REF`). Details: `docs/seed.md`.',
    flags: {
      scale: { type: 'string', value: 'N', default: '1', doc: 'size, any positive number; 1 is about 1,000 users' },
      seed: { type: 'string', value: 'S', default: 'aclue', doc: 'run seed: every value derives from it' },
      users: {
        type: 'string',
        value: 'N',
        doc: "user count instead of the scale's (the catalogue still follows `--scale`)",
      },
      target: { type: 'string', value: 'local|staging', default: 'local', doc: 'where to seed' },
      'auth-writer': {
        type: 'string',
        value: 'sql|admin-api',
        doc: 'how Auth accounts are written: `sql` (the default wherever the target has a database URL, staging included: in bulk, as GoTrue stores them, one bcrypt hash per run) or `admin-api` (the Auth admin API, 16 requests in flight; the only writer without a database URL)',
      },
      'batch-users': {
        type: 'string',
        value: 'N',
        doc: 'users per COPY batch; memory is bounded by it, not by the scale (default 500)',
      },
      writers: {
        type: 'string',
        value: 'N',
        doc: 'database connections writing batches at once (default 2; the admin-API account writer uses one)',
      },
      'dry-run': { type: 'boolean', doc: 'print the plan and write nothing' },
      'sign-in': {
        type: 'string',
        value: 'N',
        default: '30',
        doc: "without the target's JWT secret: sign in the first N users (paced under GoTrue's rate limit) and list only them in the manifest",
      },
      clean: { type: 'string', value: 'RUN_ID', doc: "delete exactly that run's rows and Auth users" },
      list: { type: 'boolean', doc: 'list the runs in the target database' },
      'result-file': {
        type: 'string',
        value: 'FILE',
        doc: 'also write the run id and manifest (with `--list`: the runs) to FILE as JSON',
      },
    },
    settings: 'all',
    highlight: { 'confirm-target': 'REF' },
    exitCodes: {
      0: 'done',
      2: 'usage or configuration: bad flag, unconfirmed staging, wrong key, seed already used',
      3: 'environment: database or Auth API unreachable, or rows refused mid-run (the message names the --clean command)',
    },
  }),
  load: defineCommand({
    name: 'load',
    summary: "runs a profile's journeys on k6 (when found; `auto`, the default) or on the kit's engine",
    details:
      "Raw output in k6's JSON format, summaries and `load.json` (which records the engine) go under `reports/<profile>-<time>/`; resets and samples the database around the run. `--instances N` splits it into N processes with execution segments. The scenarios' own `K6_*` settings pass through the environment. Details: `docs/load.md`.",
    positionals: [{ usage: '<profile>', doc: `one of ${profileNames.join(', ')}` }],
    flags: {
      'out-dir': { type: 'string', value: 'DIR', doc: 'the run folder (default reports/<profile>-<yyyymmdd-hhmmss>/)' },
      instances: {
        type: 'string',
        value: 'N',
        default: '1',
        doc: 'k6 (or engine) processes, 1 to 64, each an execution segment with its own folder',
      },
      'print-commands': {
        type: 'boolean',
        doc: 'with --instances: print one command per load-generator host instead of running',
      },
      'max-rate': {
        type: 'string',
        value: 'N',
        doc: 'capacity: the highest multiple of the baseline the run may reach (K6_MAX_RATE; default 40, required against anything but this machine)',
      },
    },
    settings: 'all',
    highlight: { engine: 'auto|kit|k6', 'k6-bin': 'PATH' },
    exitCodes: {
      0: 'passed',
      99: "thresholds breached (k6's code, which the kit's engine shares; other codes are k6's own too)",
      107: 'setup() refused the target',
      2: failures[2],
      3: 'k6 asked for but missing, or the run killed',
    },
  }),
  verify: defineCommand({
    name: 'verify',
    summary: 'evaluates every gate and writes `index.html`, `summary.json` and `junit.xml`',
    details:
      'Several `--run` folders are instances of one run and are merged. With `--compare A B` nothing is judged: two earlier reports are set side by side, their capacity envelopes too.',
    flags: {
      run: {
        type: 'string',
        value: 'DIR',
        multiple: true,
        doc: 'a run folder of npm run load (default: the newest reports/peak-*)',
      },
      'no-load': {
        type: 'boolean',
        doc: 'judge the database and API only, without the newest reports/peak-* run (the load gates say insufficient-data)',
      },
      capacity: {
        type: 'string',
        value: 'DIR',
        doc: 'a capacity run folder, for the envelope and the capacity-headroom gate (default: the newest reports/capacity-*, none with --no-load)',
      },
      baseline: {
        type: 'string',
        value: 'REPORT|RUN_DIR',
        doc: 'an earlier report (summary.json or its folder) or run folder to compare against',
      },
      'seed-run': {
        type: 'string',
        value: 'ID',
        multiple: true,
        doc: "the seed run the database gates judge (default: the load's, else the latest manifest's)",
      },
      out: {
        type: 'string',
        value: 'DIR',
        doc: 'where the report goes (default: the one run folder, else reports/verify-<time>)',
      },
      'prove-fixes': { type: 'boolean', doc: 'prove each block of fixes.sql on a copy of the database first' },
      compare: {
        type: 'string',
        value: 'A B',
        doc: 'set reports A and B (each a summary.json or its folder) side by side instead of judging',
      },
    },
    settings: 'all',
    highlight: { criteria: 'FILE' },
    // V8's young generation otherwise grows to 64 MB: the same CPU, about 70 MB more peak RSS
    // (scale-10 seed run: 220 -> 153 MB; docs/seed.md and the README's performance figures).
    node: ['--max-semi-space-size=8'],
    exitCodes: {
      0: "GO, and CONDITIONAL when only warnings need a person's judgement (printed with those gates)",
      1: 'NO-GO',
      2: failures[2],
      3: failures[3],
      4: 'CONDITIONAL because an error-level gate could not judge (insufficient-data; printed with those gates)',
    },
  }),
  'rollback-drill': defineCommand({
    name: 'rollback-drill',
    summary: "applies the checklist's documented rollback and reports what it breaks and exposes, then restores",
    details:
      'The rollback (`db/rollback/checklist-rollback.sql`) runs on a copy of the local database (scratch, with a smoke run) or inside a rolled-back transaction (staging). Writes `rollback-drill.json`, which verify reads.',
    flags: {
      mode: {
        type: 'string',
        value: 'scratch|transaction',
        doc: 'default: scratch on the local stack, transaction when DATABASE_URL is set',
      },
      'out-dir': { type: 'string', value: 'DIR', doc: 'the drill folder (default reports/rollback-drill-<time>/)' },
    },
    settings: 'all',
    exitCodes: { 0: 'the drill ran (its findings are in the file)', 2: failures[2], 3: failures[3] },
  }),
  demo: defineCommand({
    name: 'demo',
    summary:
      'the main job on the local stack, from nothing: setup, stack up, seed, rollback drill, baseline and peak load, verify',
    details:
      "A default port that another program holds (a Supabase CLI stack, another checkout's stack) is swapped for a free one; the demo's second line names the ports and `demo.json` in the report folder records them. Ports you set are kept. The report folder is also linked as `reports/latest`.",
    flags: {
      scale: { type: 'string', value: 'N', default: '0.5', doc: 'seed scale' },
      seed: { type: 'string', value: 'S', default: '42', doc: 'run seed (an earlier demo run of it is removed first)' },
      duration: { type: 'string', value: 'D', default: '30s', doc: 'length of each load run, such as 30s or 2m' },
      'out-dir': { type: 'string', value: 'DIR', doc: 'the report folder (default reports/demo-<time>/)' },
      capacity: {
        type: 'boolean',
        doc: 'also a capacity run (the peak mix stepped up from 10x, about 7 min at the defaults) for the envelope',
      },
    },
    settings: 'all',
    highlight: { engine: 'auto|kit|k6' },
    exitCodes: {
      0: 'GO, or CONDITIONAL with only warnings',
      1: 'NO-GO',
      2: 'usage (also a failing phase that exited 2)',
      3: 'environment (also a failing phase that exited 3)',
      4: 'CONDITIONAL because an error-level gate could not judge',
    },
  }),
  signoff: defineCommand({
    name: 'signoff',
    summary: "the demo's sequence against a configured staging project",
    details: 'Lists every missing setting at once (exit 2), refuses an unreachable target (exit 3).',
    flags: {
      target: { type: 'string', value: 'staging', required: true, doc: 'only staging (the local stack: npm run demo)' },
      scale: { type: 'string', value: 'N', default: '1', doc: 'seed scale' },
      seed: { type: 'string', value: 'S', default: '42', doc: 'run seed' },
      capacity: { type: 'boolean', doc: 'also a capacity run, up to --max-rate, for the envelope' },
      'max-rate': {
        type: 'string',
        value: 'N',
        doc: 'with --capacity (required): the highest multiple of the baseline the staging project may be driven to',
      },
    },
    settings: 'all',
    exitCodes: {
      0: 'GO, or CONDITIONAL with only warnings',
      1: 'NO-GO',
      2: 'a required setting is missing',
      3: 'the project, the app API or the database cannot be reached',
      4: 'CONDITIONAL because an error-level gate could not judge',
    },
  }),
  distribute: defineCommand({
    name: 'distribute',
    summary: 'writes k6-operator manifests and a `collect.sh` for a run on N Kubernetes runners',
    details:
      "The entry script is bundled into one k6 script with esbuild (a ConfigMap), the seed manifest and secret settings go in a Secret, with a results claim, the `TestRun` and each runner's `load.json` plan; the runners bring their own k6 image. `collect.sh` checks the storage class, applies server-side, waits within a timeout, collects every runner's raw output and runs one merged verify; `collect.sh cleanup` removes it all. Nothing is applied here.",
    positionals: [{ usage: 'k8s', doc: 'the target: Kubernetes with the k6-operator' }],
    flags: {
      instances: {
        type: 'string',
        value: 'N',
        required: true,
        doc: "runners, from 1 to the profile's VUs (the operator refuses more runners than VUs)",
      },
      profile: { type: 'string', value: 'PROFILE', default: 'peak', doc: `one of ${profileNames.join(', ')}` },
      namespace: { type: 'string', value: 'NS', doc: "Kubernetes namespace (default: the context's)" },
      image: { type: 'string', value: 'IMAGE', doc: 'runner image (default: the grafana/k6 the kit is tested with)' },
      storage: { type: 'string', value: 'SIZE', default: '2Gi', doc: "size of the claim for the runners' raw output" },
      'storage-class': {
        type: 'string',
        value: 'NAME',
        doc: "storage class of the results claim (default: the cluster's default class); it must offer the access mode",
      },
      'access-mode': {
        type: 'string',
        value: 'MODE',
        default: 'ReadWriteMany',
        doc: 'ReadWriteMany or ReadWriteOnce: runners on several nodes need ReadWriteMany; ReadWriteOnce keeps every pod on one node',
      },
      name: { type: 'string', value: 'NAME', doc: 'name of the TestRun (default aclue-<profile>-<time>)' },
      'out-dir': { type: 'string', value: 'DIR', doc: 'where the files go (default reports/<name>/)' },
    },
    settings: [],
    exitCodes: {
      0: 'written',
      2: "usage or configuration: bad flag or setting, more runners than the profile's VUs, seed manifest missing or not JSON, ConfigMap or Secret over 1 MiB",
      3: 'the entry script does not bundle',
    },
  }),
  bench: defineCommand({
    name: 'bench',
    summary: "the kit's own performance figures, each beside its anchor measured in the same run",
    details: 'Without a part, all of them in turn. Each part has its own flags (`npm run bench -- <part> --help`).',
    positionals: [{ usage: '[<part> [flags]]', doc: `one of ${Object.keys(benchParts).join(', ')}` }],
    flags: {},
    settings: [],
    exitCodes: { 0: 'measured', 2: 'unknown part or bad flag' },
  }),
  docs: defineCommand({
    name: 'docs',
    summary:
      "rewrites `.env.example` and the README's settings table from the settings declared in `lib/config.ts`, and the README's command table and `docs/seed.md`'s flag table from the commands declared in `lib/commands.ts`",
    flags: {},
    settings: [],
  }),
} as const satisfies Record<string, CommandDeclaration>;

/**
 * Processes the kit starts itself rather than npm scripts: they parse their argv by these declarations
 * too, and print them on `--help`; neither has a README row.
 */
export const processes = {
  server: defineCommand({
    name: 'server',
    invocation: 'node --import tsx stack/server/main.ts',
    summary:
      "the kit's API server (gateway `/rest/v1`, Auth `/auth/v1`, App API `/api/v1`), which `npm run stack -- up` starts in the background",
    details:
      'It logs to <state dir>/api/server.log. SIGTERM or SIGINT closes it gracefully: no new connections, in-flight requests finish, then the pools close.',
    flags: {},
    settings: 'all',
    highlight: { 'api-port': 'N' },
    exitCodes: { 0: 'stopped', 2: failures[2], 3: 'the port is taken' },
  }),
  watchDatabase: defineCommand({
    name: 'watch-database',
    invocation: 'node --import tsx distribute/watch-database.ts',
    summary:
      "resets the database's statistics and samples its connections until SIGTERM or SIGINT, then writes them where `npm run load` does; `collect.sh` runs it around a Kubernetes run",
    details:
      'It writes db-samples.json, db-statements.json and db-tables.json into the folder, and `.watching` there once the statistics are reset. An unreachable database is not fatal: the files are missing and verify says so.',
    positionals: [{ usage: 'DIR', doc: 'the folder for the files' }],
    flags: {},
    settings: 'all',
    exitCodes: { 0: 'stopped and written (or why not, on stderr)', 2: failures[2] },
  }),
  engine: defineCommand({
    name: 'engine run',
    invocation: 'node --import tsx engine/cli.ts run',
    // As verify: V8's young generation otherwise grows to 64 MB; with 1,000 VUs peak RSS 173-179 MB
    // against 156-171 MB capped, at the same CPU per request (README, performance figures).
    node: ['--max-semi-space-size=8'],
    summary:
      "the kit's load engine with k6's command line (`k6 run`), as `npm run load` starts it where k6 is not used",
    details:
      "The entry script is not executed: its file name chooses the profile, and the engine runs the same journeys from the same modules. Settings come from the scenarios' `K6_*` environment variables. `node --import tsx engine/cli.ts version` prints the engine's version.",
    positionals: [{ usage: 'scenarios/<profile>.ts', doc: `the entry script of one of ${profileNames.join(', ')}` }],
    flags: {
      quiet: { type: 'boolean', short: 'q', doc: 'no progress lines (the messages that explain an exit code remain)' },
      'no-color': { type: 'boolean', doc: "accepted as k6 does; the engine's output has no colour" },
      out: {
        type: 'string',
        short: 'o',
        value: 'json=FILE.gz',
        multiple: true,
        doc: "write the raw samples in k6's JSON output format (the only output the engine writes)",
      },
      tag: { type: 'string', value: 'NAME=VALUE', multiple: true, doc: 'a tag on every sample of the run' },
      'execution-segment': {
        type: 'string',
        value: 'A:B',
        doc: 'run only this part of every scenario, as k6 splits it: 1/4:2/4, 0.5 (= 0:1/2), 25%:75%',
      },
      'execution-segment-sequence': {
        type: 'string',
        value: 'S',
        doc: 'all the segments of the run, such as 0,1/4,2/4,3/4,1 (a missing 0 or 1 is added)',
      },
    },
    settings: [],
    exitCodes: {
      0: 'passed',
      99: 'a threshold failed (also when one aborted the run)',
      100: 'setup() outlasted setupTimeout',
      104: 'invalid options (a scenario or threshold the run cannot use), found before setup()',
      105: 'stopped by a signal',
      107: 'setup() or the script failed before any load (a refused target)',
      2: 'usage or a bad K6_* setting',
    },
  }),
} as const satisfies Record<string, CommandDeclaration>;

/** The README's command table, in reading order: the kit's commands and the lines that are not scripts. */
export const commandTable: readonly (CommandDeclaration | TableLine)[] = [
  commands.setup,
  commands.stack,
  commands.seed,
  {
    synopsis: ['k6 run scenarios/<profile>.ts'],
    summary: `${profileNames.join(', ')} (peak: 10x baseline), with your own k6 on PATH`,
    details: 'Defaults point at the local stack and the newest seed manifest.',
  },
  commands.load,
  commands.verify,
  commands['rollback-drill'],
  commands.demo,
  commands.signoff,
  commands.distribute,
  commands.bench,
  ...Object.values(benchParts),
  {
    synopsis: ['npm test'],
    summary:
      'the whole test suite (vitest), then the timing tests (`*.timing.test.ts`) alone so nothing competes with their measurements',
    details:
      "On a PostgreSQL cluster of its own: a free port and a folder under the OS temp dir (`aclue-kit-test-<uid>-<checkout hash>`, reused by later runs), never the stack's ports or state folder.",
  },
  {
    synopsis: ['npm run lint', 'npm run format'],
    summary: 'Biome: checks (or applies) formatting, lint rules and import order over the tree',
    details: '`.ci/run` runs `npm run lint` before the tests.',
  },
  commands.docs,
];

/** The README with its command and settings tables as the declarations give them. */
export function renderReadme(readme: string): string {
  const withCommands = replaceBetweenMarkers(readme, 'commands', renderCommandTable(commandTable));
  return replaceBetweenMarkers(withCommands, 'settings', renderSettingsTable());
}

/** docs/seed.md with its table of the seed's flags as `commands.seed` gives it. */
export function renderSeedDoc(doc: string): string {
  return replaceBetweenMarkers(doc, 'seed-flags', renderFlagTable(commands.seed));
}

/** Every generated file, relative to the repo root, from its current text. */
export const generatedFiles: Readonly<Record<string, (current: string) => string>> = {
  'README.md': renderReadme,
  'docs/seed.md': renderSeedDoc,
  '.env.example': () => renderEnvExample(),
};
