/**
 * collect.sh under a stand-in kubectl that plays the k6-operator's stages from a table: finished,
 * error, a pod stuck Pending, a crash loop, no end at all, a runner exiting 99. In the finished case
 * the runners' output is real: each runner's `k6 run` as the TestRun gives it (environment from the
 * manifests, the operator's segment and tags) played by the kit's engine against a seeded stack,
 * so the merged verify judges a real run, with every load gate.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { exec } from '../../lib/exec.ts';
import { repoRoot } from '../../lib/paths.ts';
import { summarySchema } from '../../verify/report/summary-schema.ts';
import { nodeBin, runScript } from '../support/run-script.ts';
import { type SeededStack, startSeededStack } from '../support/seeded-stack.ts';
import { type FakeCluster, type FakePod, fakeKubectl } from './fake-kubectl.ts';

// biome-ignore lint/suspicious/noExplicitAny: manifests read back from YAML
type Loose = Record<string, any>;

const NAME = 'aclue-collect';
const RUNNERS = 2;

let seeded: SeededStack;
let tmp: string;
let distributeEnv: Record<string, string>;
/** The claim as the runners left it: one folder per runner. */
let resultsDir: string;
let play: NonNullable<FakeCluster['play']>;
let cases = 0;

async function distribute(out: string, name = NAME): Promise<void> {
  const run = await runScript(
    'scripts/distribute.ts',
    ['k8s', '--instances', String(RUNNERS), '--profile', 'peak', '--name', name, '--out-dir', out],
    distributeEnv,
  );
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
}

/**
 * Each runner's `k6 run` as the operator starts it from the TestRun (its environment with the
 * Secret's values, the segment and tags the operator adds), for the kit's engine to play.
 */
function runnerCommands(out: string): NonNullable<FakeCluster['play']> {
  const docs: Loose[] = parseAllDocuments(readFileSync(path.join(out, 'manifests.yaml'), 'utf8')).map((d) => d.toJS());
  const testRun = docs.find((d) => d.kind === 'TestRun')!;
  const secret = docs.find((d) => d.kind === 'Secret')!;
  const secrets = path.join(tmp, 'secret-volume');
  mkdirSync(secrets, { recursive: true });
  const decoded = (key: string) => Buffer.from(secret.data[key], 'base64').toString();
  for (const key of Object.keys(secret.data)) writeFileSync(path.join(secrets, key), decoded(key));
  const n: number = testRun.spec.parallelism;
  // The operator's segment arguments (pkg/segmentation): 0 and 1 plain, i/N between.
  const point = (i: number) => (i === 0 ? '0' : i === n ? '1' : `${i}/${n}`);
  const sequence = Array.from({ length: n + 1 }, (_, i) => point(i)).join(',');
  return Array.from({ length: n }, (_, k) => {
    const i = k + 1;
    const runner = `${testRun.metadata.name}-${i}`;
    const own = path.join(resultsDir, runner);
    mkdirSync(own, { recursive: true });
    // The pod's mounts: /results is the runner's folder of the claim (subPathExpr), /secrets the Secret.
    const local = (text: string) => text.replaceAll('/results', own).replaceAll('/secrets', secrets);
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: os.tmpdir() };
    for (const e of testRun.spec.runner.env as Loose[]) {
      if (e.value !== undefined) env[e.name] = local(e.value);
      else if (e.valueFrom?.secretKeyRef) env[e.name] = decoded(e.valueFrom.secretKeyRef.key);
      else if (e.valueFrom?.fieldRef?.fieldPath === "metadata.labels['job-name']") env[e.name] = runner;
    }
    // As the operator starts it, less --address and --paused (the starter's business, not the engine's).
    const args = [
      'run',
      '--quiet',
      `--execution-segment=${point(i - 1)}:${point(i)}`,
      `--execution-segment-sequence=${sequence}`,
      ...(testRun.spec.arguments as string).split(' ').map(local),
      // the runner's /test/script.js: the engine takes the profile from the entry's name
      'scenarios/peak.ts',
      '--tag',
      `instance_id=${i}`,
      '--tag',
      `testrun_name=${testRun.metadata.name}`,
    ];
    return { argv: [nodeBin, '--import', 'tsx', path.join(repoRoot, 'engine', 'cli.ts'), ...args], env, cwd: repoRoot };
  });
}

const at = (second: number) => new Date(Date.UTC(2026, 11, 7, 12, 0, second)).toISOString().replace('.000', '');

function pods(stage: 'created' | 'started' | 'finished', codes: readonly (number | null)[] = []): FakePod[] {
  const initializer: FakePod = {
    name: `${NAME}-initializer-x1`,
    job: `${NAME}-initializer`,
    role: 'initializer',
    phase: 'Succeeded',
  };
  const runners = Array.from({ length: RUNNERS }, (_, k): FakePod => {
    const job = `${NAME}-${k + 1}`;
    if (stage === 'created') return { name: `${job}-p`, job, role: 'runner', phase: 'Pending' };
    if (stage === 'started') return { name: `${job}-p`, job, role: 'runner', phase: 'Running' };
    const code = codes[k] ?? 0;
    return {
      name: `${job}-p`,
      job,
      role: 'runner',
      phase: code === 0 ? 'Succeeded' : 'Failed',
      exitCode: code,
      startedAt: at(k),
      finishedAt: at(30 + k),
    };
  });
  return [initializer, ...runners];
}

const classes: FakeCluster['storageClasses'] = [
  { name: 'standard-rwo', provisioner: 'pd.csi.storage.gke.io', default: true },
  { name: 'filestore-rwx', provisioner: 'filestore.csi.storage.gke.io' },
];
/** A cluster whose default class offers ReadWriteMany. */
const rwxDefault: FakeCluster['storageClasses'] = [
  { name: 'standard-rwo', provisioner: 'pd.csi.storage.gke.io' },
  { name: 'nfs', provisioner: 'nfs.csi.k8s.io', default: true },
];

interface Collected {
  kube: string;
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
  calls: string[][];
}

/** Runs <out>/collect.sh from an unrelated folder, with the stand-in first on PATH. */
async function collect(out: string, cluster: FakeCluster, args: string[] = []): Promise<Collected> {
  const kube = path.join(tmp, `kube-${++cases}`);
  const fake = fakeKubectl(kube, cluster);
  const elsewhere = path.join(tmp, 'elsewhere');
  mkdirSync(elsewhere, { recursive: true });
  const decoy = path.join(tmp, 'state');
  const started = Date.now();
  const run = await exec('bash', [path.join(out, 'collect.sh'), ...args, '--poll', '0.05'], {
    cwd: elsewhere,
    env: {
      ...fake.env,
      PATH: `${fake.bin}:${process.env.PATH ?? ''}`,
      HOME: os.tmpdir(),
      KIT_ENV_FILE: '/dev/null',
      KIT_STATE_DIR: decoy,
      DATABASE_URL: seeded.db.url,
    },
    timeoutMs: 240_000,
  });
  const log = path.join(kube, 'calls.log');
  const calls = existsSync(log)
    ? readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as string[])
    : [];
  return { ...run, kube, seconds: (Date.now() - started) / 1000, calls };
}

const applied = (c: Collected) => c.calls.some((a) => a[0] === 'apply' && a.at(-1)?.endsWith('manifests.yaml'));

beforeAll(async () => {
  seeded = await startSeededStack('collect');
  tmp = seeded.tmp;
  resultsDir = path.join(tmp, 'claim');
  // Another seed run is this machine's newest: verify must judge the one the runners were given.
  mkdirSync(path.join(tmp, 'state'), { recursive: true });
  writeFileSync(
    path.join(tmp, 'state', 'manifest-latest.json'),
    JSON.stringify({ runId: 'run-another-seed-00000000', users: [] }),
  );
  distributeEnv = {
    PATH: process.env.PATH ?? '',
    HOME: os.tmpdir(),
    KIT_ENV_FILE: '/dev/null',
    K6_API_URL: seeded.stack.url,
    K6_MANIFEST: seeded.manifestFile,
    K6_POSTBACK_SECRET: seeded.stack.postbackSecret,
    K6_PROFILE_DURATION: '8s',
    K6_THINK_TIME_SCALE: '0.1',
  };
  const out = path.join(tmp, 'finished');
  await distribute(out);
  play = runnerCommands(out);
}, 300_000);

afterAll(() => seeded?.stop());

describe('collect.sh under a stand-in kubectl', () => {
  it('finished: collects each runner, completes its load.json from the pod, and verify judges the merge with every load gate', async () => {
    const out = path.join(tmp, 'finished');
    const result = await collect(out, {
      storageClasses: rwxDefault,
      steps: [
        { stage: '', pods: [] },
        { stage: 'initialization', pods: [] },
        { stage: 'created', pods: pods('created') },
        { stage: 'started', pods: pods('started') },
        { stage: 'finished', pods: pods('finished') },
      ],
      resultsDir,
      play,
    });
    const runnerCodes = [1, 2].map((i) => Number(readFileSync(path.join(result.kube, `runner-${i}.exit`), 'utf8')));
    expect(
      runnerCodes.every((c) => c === 0 || c === 99),
      JSON.stringify(runnerCodes),
    ).toBe(true);
    expect(result.stderr).not.toContain('collect.sh:');
    expect(result.calls.filter((a) => a[0] === 'apply').every((a) => a.includes('--server-side'))).toBe(true);
    expect(result.calls.some((a) => a.some((w) => w.startsWith('--for=jsonpath')))).toBe(false);

    const summary = summarySchema.parse(JSON.parse(readFileSync(path.join(out, 'report', 'summary.json'), 'utf8')));
    // collect.sh ends with verify's own exit code: the same as verify run again on the collected folders
    const direct = await runScript(
      'scripts/verify.ts',
      [
        '--seed-run',
        seeded.runId,
        ...[1, 2].flatMap((i) => ['--run', path.join(out, 'instances', `${NAME}-${i}`)]),
        '--out',
        path.join(tmp, 'verify-again'),
      ],
      { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), KIT_ENV_FILE: '/dev/null', DATABASE_URL: seeded.db.url },
    );
    expect(result.code).toBe(direct.code);
    expect(result.code === 1).toBe(summary.verdict === 'NO-GO');
    // the shipped seed run, not this machine's newest
    expect(summary.reproducibility.seedRunIds).toEqual([seeded.runId]);
    expect(summary.load?.sources.map((s) => s.instance).sort()).toEqual(['1', '2']);
    for (const source of summary.load?.sources ?? []) expect(source.problems).toEqual([]);
    const gate = (id: string) => summary.gates.find((g) => g.id === id)!;
    // load.json's schedule from the plan: the runners' shares add up to the whole run at 10x
    const delivered = gate('load-delivered');
    expect(delivered.measured).toContain('of 160 scheduled completed');
    expect(delivered.measured).toContain('schedule 10.0x baseline');
    // It passes unless this busy machine kept the engine from starting iterations on time; then it says
    // only that (completed and dropped iterations), never that the schedule or its evidence is wrong.
    if (delivered.status !== 'pass') {
      expect(delivered.status).toBe('fail');
      expect(delivered.evidence.summary).toMatch(
        /^The 10x load was not delivered: [^;]*(completed|dropped|exited 99 \(thresholds breached\))[^;]*(; [^;]*(completed|dropped|exited 99 \(thresholds breached\)|breached)[^;]*)*\.$/,
      );
    }
    for (const id of ['api-latency', 'availability'])
      expect(gate(id).status, `${id}: ${gate(id).evidence.summary}`).not.toBe('insufficient-data');
    // the database gate reads the statistics watched around the run (this tiny seed's tables may be too small to judge)
    expect(gate('database').evidence.summary).not.toContain('no database statistics recorded');
    // nothing in the verdict stems from missing k8s evidence
    expect(summary.verdictReasons.join('\n')).not.toMatch(/load\.json|no database statistics/);

    for (const i of [1, 2]) {
      const meta = JSON.parse(readFileSync(path.join(out, 'instances', `${NAME}-${i}`, 'load.json'), 'utf8'));
      expect(meta).toMatchObject({
        engine: { name: 'k6', version: '2.2.0' },
        instance: String(i),
        share: 0.5,
        exitCode: runnerCodes[i - 1],
        seedRunId: seeded.runId,
      });
    }
    // the runners' times from their pods: within the run, to the second
    for (const i of [1, 2]) {
      const meta = JSON.parse(readFileSync(path.join(out, 'instances', `${NAME}-${i}`, 'load.json'), 'utf8'));
      expect(meta.startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(Date.parse(meta.finishedAt) - Date.parse(meta.startedAt)).toBeGreaterThanOrEqual(8_000);
    }
    // the database watched around the run, its files with the first instance as a local run keeps them
    expect(existsSync(path.join(out, 'instances', `${NAME}-1`, 'db-samples.json'))).toBe(true);
    expect(existsSync(path.join(out, 'db-watch'))).toBe(false);
    // the same fields a local `npm run load -- peak --instances 2` writes
    const local = JSON.parse(readFileSync(path.join(out, 'load-plan', `${NAME}-1.json`), 'utf8'));
    expect(Object.keys(local).sort()).toEqual(
      Object.keys(JSON.parse(readFileSync(path.join(out, 'instances', `${NAME}-1`, 'load.json'), 'utf8'))).sort(),
    );
  }, 300_000);

  it('refuses to run a name again while its results are there, and --replace deletes them first', async () => {
    const out = path.join(tmp, 'finished');
    const again = await collect(out, {
      storageClasses: rwxDefault,
      existing: true,
      steps: [{ stage: 'finished', pods: [] }],
    });
    expect(again.code).toBe(3);
    expect(again.stderr).toContain(`${NAME} was run before`);
    expect(again.stderr).toContain('exists in the cluster');
    expect(again.stderr).toContain('holds collected results');
    expect(again.stderr).toContain('--replace');
    expect(applied(again)).toBe(false);
    expect(existsSync(path.join(out, 'report', 'summary.json'))).toBe(true);

    const replaced = await collect(
      out,
      {
        storageClasses: rwxDefault,
        existing: true,
        steps: [{ stage: 'error', pods: pods('created') }],
      },
      ['--replace'],
    );
    const deleted = replaced.calls.find((a) => a[0] === 'delete')!;
    expect(deleted).toEqual(
      expect.arrayContaining([
        `testrun/${NAME}`,
        `pvc/${NAME}-results`,
        `configmap/${NAME}-script`,
        `secret/${NAME}-secrets`,
        `pod/${NAME}-collect`,
      ]),
    );
    expect(applied(replaced)).toBe(true);
    expect(existsSync(path.join(out, 'instances'))).toBe(false);
    expect(existsSync(path.join(out, 'report'))).toBe(false);
    expect(replaced.code).toBe(3);
  }, 60_000);

  it('a runner exiting 99: its load.json says so, and the merged verify still judges the whole run', async () => {
    const out = path.join(tmp, 'ninety-nine');
    await distribute(out);
    const result = await collect(out, {
      storageClasses: rwxDefault,
      steps: [
        { stage: 'started', pods: pods('started') },
        { stage: 'finished', pods: pods('finished', [0, 99]) },
      ],
      resultsDir,
    });
    expect(result.stdout).toContain(`runner ${NAME}-2 exited 99: thresholds crossed on its own share`);
    const summary = summarySchema.parse(JSON.parse(readFileSync(path.join(out, 'report', 'summary.json'), 'utf8')));
    expect([2, 3]).not.toContain(result.code);
    expect(result.code === 1).toBe(summary.verdict === 'NO-GO');
    const meta = (i: number) =>
      JSON.parse(readFileSync(path.join(out, 'instances', `${NAME}-${i}`, 'load.json'), 'utf8')).exitCode;
    expect([meta(1), meta(2)]).toEqual([0, 99]);
  }, 300_000);

  describe('fails within its timeout, with the reason', () => {
    let out: string;
    beforeAll(async () => {
      out = path.join(tmp, 'failing');
      await distribute(out);
    }, 60_000);

    it("stage error: the operator's reason and the pods' last events and log lines, exit 3", async () => {
      const result = await collect(
        out,
        {
          storageClasses: rwxDefault,
          steps: [
            { stage: 'initialization', pods: [] },
            { stage: 'error', pods: [{ ...pods('created')[0]!, phase: 'Failed' }] },
          ],
          conditions: [
            {
              type: 'TestRunRunning',
              status: 'False',
              reason: 'TestRunPreparation',
              message: 'number of instances > number of VUs',
            },
          ],
          events: { [`${NAME}-initializer-x1`]: ['BackoffLimitExceeded: Job has reached the specified backoff limit'] },
          logs: { [`${NAME}-initializer-x1`]: 'level=error msg="a script error on the initializer"\n' },
        },
        ['--timeout', '60'],
      );
      expect(result.code).toBe(3);
      expect(result.stderr).toContain('the operator stopped the run (stage error)');
      expect(result.stderr).toContain('number of instances > number of VUs');
      expect(result.stderr).toContain('BackoffLimitExceeded');
      expect(result.stderr).toContain('a script error on the initializer');
      expect(result.seconds).toBeLessThan(30);
    }, 60_000);

    it("a pod stuck Pending: stops after --pending-timeout with the claim's and the pod's events", async () => {
      const result = await collect(
        out,
        {
          storageClasses: rwxDefault,
          steps: [{ stage: 'created', pods: pods('created') }],
          events: {
            [`${NAME}-1-p`]: [
              'FailedScheduling: 0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims',
            ],
            [`${NAME}-results`]: [
              'ProvisioningFailed: failed to provision volume: access mode ReadWriteMany is not supported',
            ],
          },
        },
        ['--pending-timeout', '2s', '--timeout', '60', '--replace'],
      );
      expect(result.code).toBe(3);
      expect(result.stderr).toContain('pods still Pending after 2s (stage "created")');
      expect(result.stderr).toContain('unbound immediate PersistentVolumeClaims');
      expect(result.stderr).toContain('access mode ReadWriteMany is not supported');
      expect(result.seconds).toBeLessThan(30);
    }, 60_000);

    it('a crash loop stops it at once', async () => {
      const crashing = pods('started').map((p, i) => (i === 1 ? { ...p, waiting: 'CrashLoopBackOff' } : p));
      const result = await collect(out, { storageClasses: rwxDefault, steps: [{ stage: 'started', pods: crashing }] }, [
        '--timeout',
        '60',
        '--replace',
      ]);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(`pod ${NAME}-1-p cannot run (CrashLoopBackOff)`);
      expect(result.seconds).toBeLessThan(30);
    }, 60_000);

    it('no end within --timeout: stops, naming the stage it was left in', async () => {
      const result = await collect(
        out,
        { storageClasses: rwxDefault, steps: [{ stage: 'started', pods: pods('started') }] },
        ['--timeout', '3s', '--replace'],
      );
      expect(result.code).toBe(3);
      expect(result.stderr).toContain('neither finished nor failed within 3s (stage "started")');
      expect(result.seconds).toBeLessThan(20);
    }, 60_000);

    it('checks the storage class before applying anything, naming the classes that offer the mode', async () => {
      const rwo = await collect(out, { storageClasses: classes, steps: [{ stage: 'created', pods: [] }] }, [
        '--replace',
      ]);
      expect(rwo.code).toBe(3);
      expect(rwo.stderr).toContain('storage class "standard-rwo" (pd.csi.storage.gke.io) does not offer ReadWriteMany');
      expect(rwo.stderr).toContain('Classes known to offer it: filestore-rwx');
      expect(applied(rwo)).toBe(false);

      const named = path.join(tmp, 'named-class');
      const made = await runScript(
        'scripts/distribute.ts',
        ['k8s', '--instances', '2', '--profile', 'peak', '--name', NAME, '--storage-class', 'efs', '--out-dir', named],
        distributeEnv,
      );
      expect(made.code).toBe(0);
      const missing = await collect(named, { storageClasses: classes, steps: [{ stage: 'created', pods: [] }] });
      expect(missing.code).toBe(3);
      expect(missing.stderr).toContain(
        'storage class "efs" (distribute --storage-class) does not exist in this cluster',
      );
      expect(missing.stderr).toContain('Classes known to offer ReadWriteMany: filestore-rwx');
      expect(applied(missing)).toBe(false);

      const unknown = await collect(
        out,
        {
          storageClasses: [{ name: 'fancy', provisioner: 'storage.example.com/fancy', default: true }],
          steps: [{ stage: 'error', pods: [] }],
        },
        ['--replace'],
      );
      expect(unknown.stdout).toContain(
        'uses storage.example.com/fancy, whose access modes the kit does not know; going ahead',
      );
      expect(applied(unknown)).toBe(true);
    }, 60_000);

    it('cleanup deletes what it applied; a bad flag is a usage error', async () => {
      const cleaned = await collect(out, { storageClasses: rwxDefault, existing: true, steps: [] }, ['cleanup']);
      expect(cleaned.code).toBe(0);
      expect(cleaned.calls).toHaveLength(1);
      expect(cleaned.calls[0]).toEqual([
        'delete',
        `pod/${NAME}-collect`,
        `testrun/${NAME}`,
        `pvc/${NAME}-results`,
        `configmap/${NAME}-script`,
        `secret/${NAME}-secrets`,
        '--ignore-not-found',
      ]);
      const help = await collect(out, { storageClasses: rwxDefault, steps: [] }, ['--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('--pending-timeout  give up when a pod stays Pending this long');
      expect(help.calls).toEqual([]);
      const bad = await collect(out, { storageClasses: rwxDefault, steps: [] }, ['--timeout', 'soon']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--timeout: expected a duration such as 90m or 2h, received "soon"');
    }, 60_000);
  });
});
