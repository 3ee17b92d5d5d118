import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { bundleK6Script, isK6Module } from '../../distribute/bundle.ts';
import { buildK8sManifests, CONFIGMAP_LIMIT_BYTES, type K8sPlan } from '../../distribute/k8s.ts';
import { runnerSettings } from '../../distribute/settings.ts';
import { testRunSchema } from '../../distribute/testrun-schema.ts';
import { toYaml } from '../../distribute/yaml.ts';
import { ExitCode, type KitError } from '../../lib/errors.ts';
import { repoRoot } from '../../lib/paths.ts';

// biome-ignore lint/suspicious/noExplicitAny: manifests broken on purpose, field by field
type Loose = Record<string, any>;

import { parseScenarioEnv } from '../../scenarios/lib/env.ts';

const plan: K8sPlan = {
  name: 'aclue-peak-20261125',
  namespace: 'load',
  parallelism: 4,
  script: 'import http from "k6/http";\nexport default function () {}\n',
  manifest: '{"runId":"seed-run-1","users":[]}',
  env: {
    K6_API_URL: 'https://staging.example.test',
    K6_PROFILE_DURATION: '5m',
    K6_POSTBACK_SECRET: 'runner-secret',
    K6_MANIFEST: '/home/me/.kit/manifest-latest.json',
  },
  secretNames: new Set(['K6_POSTBACK_SECRET']),
  image: 'grafana/k6:2.2.0',
  storage: '2Gi',
};

/** Everything an entry script exports for k6: options, lifecycle functions, one function per journey. */
const ENTRY_EXPORTS = [
  'options',
  'setup',
  'handleSummary',
  'swipingUser',
  'returningUser',
  'anonymousBrowser',
  'networkPostback',
  'rlsProbe',
];

describe('k6-operator manifests', () => {
  it('writes a ConfigMap (script and seed manifest), a claim and a TestRun that round-trip through YAML and fit the CRD', () => {
    const { yaml, configMapBytes } = buildK8sManifests(plan);
    const docs = parseAllDocuments(yaml).map((d) => d.toJS());
    expect(docs.map((d) => d.kind)).toEqual(['ConfigMap', 'PersistentVolumeClaim', 'TestRun']);
    const [configMap, claim, testRun] = docs;
    expect(configMap.data).toEqual({ 'script.js': plan.script, 'manifest.json': plan.manifest });
    expect(configMap.binaryData).toBeUndefined();
    expect(configMapBytes).toBe(
      'script.js'.length + plan.script.length + 'manifest.json'.length + plan.manifest.length,
    );
    const parsed = testRunSchema.parse(testRun); // validates the fields the kit uses
    expect(parsed.spec.parallelism).toBe(4);
    expect(parsed.spec.script.configMap).toEqual({ name: configMap.metadata.name, file: 'script.js' });
    expect(parsed.metadata.namespace).toBe('load');
    expect(parsed.spec.runner?.volumes?.[0]?.persistentVolumeClaim?.claimName).toBe(claim.metadata.name);
    // each runner writes into its own folder of the shared claim
    expect(parsed.spec.runner?.volumeMounts?.[0]?.subPathExpr).toBe('$(RUNNER_NAME)');
    expect(parsed.spec.arguments).toContain('--out json=/results/k6-raw.json.gz');
  });

  it('points K6_MANIFEST at the mounted copy and gives the initializer the settings but not the secrets', () => {
    const { testRun } = buildK8sManifests(plan);
    const runner = testRun.spec.runner?.env ?? [];
    // the operator mounts the whole ConfigMap at /test, one file per key
    expect(runner.filter((e) => e.name === 'K6_MANIFEST')).toEqual([
      { name: 'K6_MANIFEST', value: '/test/manifest.json' },
    ]);
    expect(runner).toEqual(
      expect.arrayContaining([
        { name: 'K6_API_URL', value: 'https://staging.example.test' },
        { name: 'K6_PROFILE_DURATION', value: '5m' },
        { name: 'K6_POSTBACK_SECRET', value: 'runner-secret' },
        { name: 'K6_SUMMARY_DIR', value: '/results' },
      ]),
    );
    const initializer = testRun.spec.initializer;
    expect(initializer?.image).toBe('grafana/k6:2.2.0');
    expect(initializer?.env?.map((e) => e.name).sort()).toEqual(['K6_API_URL', 'K6_MANIFEST', 'K6_PROFILE_DURATION']);
  });

  it('the schema rejects what the CRD rejects', () => {
    const { testRun } = buildK8sManifests(plan);
    const broken = structuredClone(testRun) as Loose;
    delete broken.spec.parallelism;
    expect(testRunSchema.safeParse(broken).success).toBe(false);
    const typo = structuredClone(testRun) as Loose;
    typo.spec.paralellism = 4; // a misspelt field would be pruned silently by the API server
    expect(testRunSchema.safeParse(typo).success).toBe(false);
    const cleanup = structuredClone(testRun) as Loose;
    cleanup.spec.cleanup = 'always';
    expect(testRunSchema.safeParse(cleanup).success).toBe(false);
  });

  it('the collect script merges every runner in one verify', () => {
    const { collectScript } = buildK8sManifests(plan);
    expect(collectScript).toContain('kubectl -n load apply -f manifests.yaml');
    for (let i = 1; i <= 4; i++)
      expect(collectScript).toContain(`--run "reports/aclue-peak-20261125/instances/aclue-peak-20261125-${i}"`);
  });

  it('refuses bad input with a usage error naming the flag or the limit', () => {
    const bad = (p: Partial<K8sPlan>) => {
      try {
        buildK8sManifests({ ...plan, ...p });
      } catch (error) {
        return error as KitError;
      }
      throw new Error('expected an error');
    };
    expect(bad({ name: 'Peak_Run' }).message).toContain('--name');
    expect(bad({ parallelism: 0 }).message).toContain('--instances');
    const big = bad({ manifest: 'x'.repeat(CONFIGMAP_LIMIT_BYTES) });
    expect(big.exitCode).toBe(ExitCode.usage);
    expect(big.message).toContain('1 MiB');
    expect(big.message).toContain('seed manifest 1024 KiB');
    // just under the limit still fits: the check counts keys and values, as the API server does
    const fits = CONFIGMAP_LIMIT_BYTES - 'script.js'.length - 'manifest.json'.length - plan.script.length;
    expect(buildK8sManifests({ ...plan, manifest: 'x'.repeat(fits) }).configMapBytes).toBe(CONFIGMAP_LIMIT_BYTES);
  });

  it('YAML strings escape the characters Kubernetes would read as line breaks', () => {
    const text = 'a\u2028b\u0085c\u00e9';
    const yaml = toYaml({ s: text });
    expect(yaml).toBe('s: "a\\u2028b\\u0085cé"\n');
    expect(parseAllDocuments(yaml)[0]?.toJS()).toEqual({ s: text });
  });
});

describe('runner settings', () => {
  const readFile = (file: string) => {
    if (file === 'baseline.json') return '{"baselineRates":{"swipingUser":30}}';
    throw new Error(`no ${file}`);
  };

  it('passes set settings, marks secrets, and a baseline file by value (the runners cannot read it)', () => {
    const given = {
      K6_API_URL: 'https://staging.example.test',
      K6_ANON_KEY: 'anon',
      K6_BASELINE_FILE: 'baseline.json',
      K6_MANIFEST: 'm.json',
      K6_THINK_TIME_SCALE: '',
    };
    const { env, secretNames } = runnerSettings(given, parseScenarioEnv(given, readFile));
    expect(Object.keys(env).sort()).toEqual(['K6_ANON_KEY', 'K6_API_URL', 'K6_BASELINE_RATES']);
    expect([...secretNames]).toEqual(['K6_ANON_KEY']);
    const rates = JSON.parse(env.K6_BASELINE_RATES ?? '{}');
    expect(rates.swipingUser).toBe(30);
    // the runners parse the value with the same code
    expect(parseScenarioEnv({ K6_BASELINE_RATES: env.K6_BASELINE_RATES }, readFile).baselineRates).toEqual(
      parseScenarioEnv(given, readFile).baselineRates,
    );
  });
});

describe('the bundled entry script', () => {
  for (const profile of ['smoke', 'peak']) {
    it(`scenarios/${profile}.ts bundles into one script that imports only k6 modules and keeps the entry's exports`, async () => {
      const bundle = await bundleK6Script(repoRoot, `scenarios/${profile}.ts`);
      expect(bundle.inputs.length).toBeGreaterThan(1); // local imports were inlined
      expect(bundle.inputs.some((file) => file.startsWith('node_modules/'))).toBe(false);
      expect(bundle.imports.length).toBeGreaterThan(0);
      for (const { path, external } of bundle.imports) {
        expect(external, path).toBe(true);
        expect(isK6Module(path), path).toBe(true);
        expect(path.startsWith('node:'), path).toBe(false);
      }
      expect(bundle.exports).toEqual(expect.arrayContaining(ENTRY_EXPORTS));
      expect(bundle.code).not.toMatch(/\binterface\s+\w+\s*\{/); // types stripped

      // Parsed again from the emitted text alone, with every import left external: what k6 will load.
      const again = await build({
        stdin: { contents: bundle.code, loader: 'js', sourcefile: `${profile}.js` },
        bundle: true,
        external: ['*'],
        format: 'esm',
        platform: 'neutral',
        target: 'es2020',
        metafile: true,
        write: false,
        outfile: 'check.js',
        logLevel: 'silent',
      });
      const output = again.metafile.outputs['check.js'];
      const imported = (output?.imports ?? []).map((i) => i.path);
      expect(imported.length).toBeGreaterThan(0);
      expect(imported.filter((specifier) => !isK6Module(specifier))).toEqual([]);
      expect(output?.exports).toEqual(expect.arrayContaining(ENTRY_EXPORTS));
    });
  }
});
