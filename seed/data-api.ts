/**
 * The slower fallback for a staging target without DATABASE_URL: rows go in through the Data API
 * (PostgREST, service-role key) as JSON bulk inserts, the same rows the COPY writer would write.
 *
 * The truth cannot go to kit_truth this way (the schema is deliberately not exposed to any API
 * role), so it is written as NDJSON files next to the manifest: reports/seed/<runId>/truth/. Verify's
 * truth-based gates need a database connection anyway; these files keep the run cleanable and
 * auditable. `--clean` and `--list` read them.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EnvironmentError, KitError, UsageError } from '../lib/errors.ts';
import { categoryNames, categorySlugs, MODEL_VERSION } from '../model/behaviour.ts';
import { AdminApiAuth, type AuthAccount } from './auth.ts';
import { productRows } from './product-rows.ts';
import { FAKER_VERSION, GENERATOR_VERSION, planSeed, type SeedOptions, type SeedResult } from './run.ts';
import { orphanConversions, type Sink } from './simulate.ts';
import { jsonRow, type PublicTableKey, publicOrder, publicTables, type TruthTableKey, truthTables } from './tables.ts';
import { userRows } from './user-rows.ts';
import { uuidBytes } from './uuid.ts';
import { type Category, World } from './world.ts';

const INSERT_CHUNK = 500;
const DELETE_CHUNK = 200;
const MAX_ATTEMPTS = 6;

export class DataApi {
  constructor(
    private readonly baseUrl: string,
    private readonly key: string,
  ) {}

  /** One request with retry on 429, 5xx and network errors; 401/403 is a key problem (exit 2). */
  private async request(
    method: string,
    pathAndQuery: string,
    body?: unknown,
    prefer = 'return=minimal',
  ): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      let status = 0;
      let detail = '';
      try {
        const response = await fetch(`${this.baseUrl}/rest/v1${pathAndQuery}`, {
          method,
          headers: {
            apikey: this.key,
            authorization: `Bearer ${this.key}`,
            'content-type': 'application/json',
            prefer,
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (response.ok) return response;
        status = response.status;
        detail = (await response.text()).slice(0, 300);
      } catch (error) {
        detail = (error as Error).message;
      }
      if (status === 401 || status === 403) {
        throw new UsageError(
          `Data API refused the service-role key on ${method} ${pathAndQuery.split('?')[0]} (${status} ${detail})`,
        );
      }
      const retryable = status === 0 || status === 429 || status >= 500;
      if (!retryable || attempt >= MAX_ATTEMPTS) {
        throw new EnvironmentError(
          `Data API ${method} ${pathAndQuery.split('?')[0]} failed: ${status || 'network'} ${detail}`,
        );
      }
      await new Promise((r) => setTimeout(r, Math.min(8000, 200 * 2 ** attempt) * (0.5 + Math.random())));
    }
  }

  async categories(): Promise<{ id: string; slug: string }[]> {
    const r = await this.request(
      'GET',
      `/categories?select=id,slug&slug=in.(${categorySlugs.join(',')})`,
      undefined,
      '',
    );
    return (await r.json()) as { id: string; slug: string }[];
  }

  async insertCategory(slug: (typeof categorySlugs)[number]): Promise<string> {
    const c = categoryNames[slug];
    const r = await this.request(
      'POST',
      '/categories?select=id',
      { name: c.name, slug, description: c.description, sort_order: c.sortOrder },
      'return=representation',
    );
    return ((await r.json()) as { id: string }[])[0]!.id;
  }

  async insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK)
      await this.request('POST', `/${table}`, rows.slice(i, i + INSERT_CHUNK));
  }

  /** Deletes rows whose `column` is one of `ids`; returns how many went. */
  async deleteIn(table: string, column: string, ids: readonly string[]): Promise<number> {
    let n = 0;
    for (let i = 0; i < ids.length; i += DELETE_CHUNK) {
      const r = await this.request(
        'DELETE',
        `/${table}?${column}=in.(${ids.slice(i, i + DELETE_CHUNK).join(',')})`,
        undefined,
        'return=minimal,count=exact',
      );
      n += Number(r.headers.get('content-range')?.split('/')[1] ?? 0) || 0;
    }
    return n;
  }
}

/** One batch of rows as Data API JSON, plus its truth lines. */
class JsonBatch implements Sink {
  readonly tables = new Map<PublicTableKey, Record<string, unknown>[]>();
  readonly truths = new Map<TruthTableKey, string[]>();
  row(table: PublicTableKey, row: Record<string, unknown>): void {
    let t = this.tables.get(table);
    if (!t) this.tables.set(table, (t = []));
    t.push(jsonRow(publicTables[table], row));
  }
  truth(table: TruthTableKey, row: Record<string, unknown>): void {
    let t = this.truths.get(table);
    if (!t) this.truths.set(table, (t = []));
    t.push(JSON.stringify(jsonRow(truthTables[table], row)));
  }
}

export interface FileRun {
  run_id: string;
  seed: string;
  status: 'running' | 'complete' | 'failed';
  target: string;
  params: Record<string, unknown>;
  versions: Record<string, string>;
  started_at: string;
  finished_at?: string;
  row_counts: Record<string, number>;
  error?: string;
}

export function truthDir(reportsDir: string, runId: string): string {
  return path.join(reportsDir, runId, 'truth');
}

export function listFileRuns(reportsDir: string): FileRun[] {
  if (!existsSync(reportsDir)) return [];
  return readdirSync(reportsDir)
    .map((d) => path.join(truthDir(reportsDir, d), 'run.json'))
    .filter((f) => existsSync(f))
    .map((f) => JSON.parse(readFileSync(f, 'utf8')) as FileRun);
}

export async function runSeedViaDataApi(options: SeedOptions & { reportsDir: string }): Promise<SeedResult> {
  const log = options.log ?? (() => undefined);
  const plan = planSeed(options);
  const { runId, params } = plan;
  const target = options.target;
  const api = new DataApi(target.supabaseUrl, target.serviceRoleKey);
  const auth = new AdminApiAuth(target.supabaseUrl, target.serviceRoleKey);
  await auth.check();
  const clash = listFileRuns(options.reportsDir).find((r) => r.seed === params.seed);
  if (clash) {
    throw new UsageError(
      `seed "${params.seed}" is already used by run ${clash.run_id} (${clash.status}); ids and e-mails derive from the seed`,
      [`Clean it first (npm run seed -- --target ${target.kind} --clean ${clash.run_id}) or choose another --seed.`],
    );
  }
  const dir = truthDir(options.reportsDir, runId);
  mkdirSync(dir, { recursive: true });
  const rows = new Map<string, number>();
  const started = performance.now();
  const run: FileRun = {
    run_id: runId,
    seed: params.seed,
    status: 'running',
    target: target.kind,
    params: { ...params, batchUsers: plan.batchUsers, authWriter: 'admin-api', writer: 'data-api' },
    versions: { generator: GENERATOR_VERSION, model: MODEL_VERSION, faker: FAKER_VERSION, node: process.version },
    started_at: new Date().toISOString(),
    row_counts: {},
  };
  const saveRun = () => writeFileSync(path.join(dir, 'run.json'), `${JSON.stringify(run, null, 2)}\n`);
  const appendTruth = (batch: JsonBatch, table: TruthTableKey) => {
    const lines = batch.truths.get(table);
    if (!lines?.length) return;
    appendFileSync(path.join(dir, `${table}.ndjson`), `${lines.join('\n')}\n`);
    rows.set(`kit_truth.${table}`, (rows.get(`kit_truth.${table}`) ?? 0) + lines.length);
  };
  const insert = async (batch: JsonBatch, key: PublicTableKey) => {
    const list = batch.tables.get(key);
    if (!list?.length) return;
    await api.insert(publicTables[key].name.replace(/^public\./, ''), list);
    rows.set(publicTables[key].name, (rows.get(publicTables[key].name) ?? 0) + list.length);
  };
  saveRun();
  let authMs = 0;
  try {
    const existing = new Map((await api.categories()).map((c) => [c.slug, c.id]));
    for (const s of categorySlugs) {
      if (existing.has(s)) continue;
      const id = await api.insertCategory(s);
      appendFileSync(
        path.join(dir, 'categories.ndjson'),
        `${JSON.stringify({ run_id: runId, category_id: id, slug: s })}\n`,
      );
      existing.set(s, id);
    }
    const categories: Category[] = categorySlugs.map((s) => ({ slug: s, id: uuidBytes(existing.get(s)!) }));
    const world = new World(params, categories);
    const catalogue = new JsonBatch();
    for (const p of world.products) {
      const made = productRows(world, runId, p);
      catalogue.truth('products', made.truth);
      catalogue.row('products', made.row);
    }
    appendTruth(catalogue, 'products');
    await insert(catalogue, 'products');
    log(`run ${runId}: ${params.users} users, ${params.products} products via the Data API`);

    const password = world.password();
    for (let first = 0; first < params.users; first += plan.batchUsers) {
      const last = Math.min(params.users, first + plan.batchUsers);
      const batch = new JsonBatch();
      const accounts: AuthAccount[] = [];
      for (let u = first; u < last; u++) accounts.push(userRows(world, runId, u, batch));
      appendTruth(batch, 'users');
      const authStarted = performance.now();
      await auth.create(accounts, password);
      authMs += performance.now() - authStarted;
      for (const key of publicOrder) await insert(batch, key);
      appendTruth(batch, 'clicks');
      appendTruth(batch, 'conversions');
      log(`  users       ${last}/${params.users}`);
    }
    const orphans = new JsonBatch();
    orphanConversions(world, runId, orphans);
    appendTruth(orphans, 'conversions');
    rows.set('auth.users', params.users);
    run.status = 'complete';
    run.finished_at = new Date().toISOString();
    run.row_counts = Object.fromEntries([...rows].sort());
    saveRun();
    return {
      ...plan,
      // One user batch at a time through the Data API.
      writers: 1,
      rows: new Map([...rows].sort()),
      copyMs: new Map(),
      totalMs: performance.now() - started,
      loadMs: performance.now() - started,
      authMs,
      authWriter: 'admin-api',
      authRetries: auth.retries,
      generateMs: 0,
      world,
    };
  } catch (error) {
    run.status = 'failed';
    run.finished_at = new Date().toISOString();
    run.error = (error as Error).message;
    run.row_counts = Object.fromEntries(rows);
    saveRun();
    if (error instanceof KitError) throw error;
    throw new EnvironmentError(`seed run ${runId} failed: ${(error as Error).message}`, [
      `The run is marked failed; remove what it wrote with --clean ${runId}.`,
    ]);
  }
}

const readNdjson = <T>(file: string): T[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as T)
    : [];

/** Children first, as seed/clean.ts; ownership from the run's truth files. */
export async function cleanViaDataApi(
  reportsDir: string,
  runId: string,
  api: DataApi,
  auth: AdminApiAuth,
  log: (line: string) => void = () => undefined,
): Promise<Map<string, number>> {
  const dir = truthDir(reportsDir, runId);
  if (!existsSync(path.join(dir, 'run.json')))
    throw new UsageError(`--clean ${runId}: no truth files for this run under ${dir}`);
  const deleted = new Map<string, number>();
  const add = (t: string, n: number) => deleted.set(t, (deleted.get(t) ?? 0) + n);
  const users = readNdjson<{ user_id: string }>(path.join(dir, 'users.ndjson')).map((u) => u.user_id);
  for (let i = 0; i < users.length; i += 1000) {
    const ids = users.slice(i, i + 1000);
    for (const table of [
      'recommendation_feedback',
      'product_views',
      'affiliate_clicks',
      'session_analytics',
      'swipe_interactions',
      'recommendations',
      'swipe_sessions',
    ]) {
      add(`public.${table}`, await api.deleteIn(table, 'user_id', ids));
    }
    add('public.profiles', await api.deleteIn('profiles', 'id', ids));
    add('public.users', await api.deleteIn('users', 'id', ids));
    add('auth.users', await auth.remove(ids));
    log(`  cleaned ${Math.min(users.length, i + 1000)} users`);
  }
  const products = readNdjson<{ product_id: string }>(path.join(dir, 'products.ndjson')).map((p) => p.product_id);
  add('public.products', await api.deleteIn('products', 'id', products));
  const cats = readNdjson<{ category_id: string }>(path.join(dir, 'categories.ndjson')).map((c) => c.category_id);
  if (cats.length) add('public.categories', await api.deleteIn('categories', 'id', cats));
  rmSync(dir, { recursive: true, force: true });
  return deleted;
}
