import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { buildK8sManifests, type K8sPlan } from '../../distribute/k8s.ts';
import { testRunSchema } from '../../distribute/testrun-schema.ts';
import { ExitCode, KitError } from '../../lib/errors.ts';

const plan: K8sPlan = {
  name: 'aclue-peak-20261125',
  namespace: 'load',
  parallelism: 4,
  archive: new Uint8Array(Buffer.from('ustar archive bytes')),
  env: { K6_BASE_URL: 'https://staging.example.test', K6_PROFILE: 'peak' },
  image: 'grafana/k6:2.2.0',
  storage: '2Gi',
};

describe('k6-operator manifests', () => {
  it('writes a ConfigMap, a claim and a TestRun that round-trip through YAML and fit the CRD', () => {
    const { yaml } = buildK8sManifests(plan);
    const docs = parseAllDocuments(yaml).map((d) => d.toJS());
    expect(docs.map((d) => d.kind)).toEqual(['ConfigMap', 'PersistentVolumeClaim', 'TestRun']);
    const [configMap, claim, testRun] = docs;
    expect(Buffer.from(configMap.binaryData['archive.tar'], 'base64').toString()).toBe('ustar archive bytes');
    const parsed = testRunSchema.parse(testRun); // validates the fields the kit uses
    expect(parsed.spec.parallelism).toBe(4);
    expect(parsed.spec.script.configMap).toEqual({ name: 'aclue-peak-20261125-archive', file: 'archive.tar' });
    expect(parsed.metadata.namespace).toBe('load');
    expect(parsed.spec.runner?.volumes?.[0]?.persistentVolumeClaim?.claimName).toBe(claim.metadata.name);
    // each runner writes into its own folder of the shared claim
    expect(parsed.spec.runner?.volumeMounts?.[0]?.subPathExpr).toBe('$(RUNNER_NAME)');
    expect(parsed.spec.arguments).toContain('--out json=/results/k6-raw.json.gz');
    expect(parsed.spec.runner?.env).toEqual(expect.arrayContaining([{ name: 'K6_BASE_URL', value: 'https://staging.example.test' }]));
  });

  it('the schema rejects what the CRD rejects', () => {
    const { testRun } = buildK8sManifests(plan);
    const broken = structuredClone(testRun) as Record<string, any>;
    delete broken.spec.parallelism;
    expect(testRunSchema.safeParse(broken).success).toBe(false);
    const typo = structuredClone(testRun) as Record<string, any>;
    typo.spec.paralellism = 4; // a misspelt field would be pruned silently by the API server
    expect(testRunSchema.safeParse(typo).success).toBe(false);
    const cleanup = structuredClone(testRun) as Record<string, any>;
    cleanup.spec.cleanup = 'always';
    expect(testRunSchema.safeParse(cleanup).success).toBe(false);
  });

  it('the collect script merges every runner in one verify', () => {
    const { collectScript } = buildK8sManifests(plan);
    expect(collectScript).toContain('kubectl -n load apply -f manifests.yaml');
    for (let i = 1; i <= 4; i++) expect(collectScript).toContain(`--run "reports/aclue-peak-20261125/instances/aclue-peak-20261125-${i}"`);
  });

  it('refuses bad input with a usage error naming the flag', () => {
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
    const big = bad({ archive: new Uint8Array(900 * 1024) });
    expect(big.exitCode).toBe(ExitCode.usage);
    expect(big.message).toContain('1 MiB');
  });
});
