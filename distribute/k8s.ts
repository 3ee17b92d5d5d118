/**
 * k6-operator manifests for one distributed run: the bundled entry script in a ConfigMap (mounted
 * at /test in every runner by the operator), the seed manifest and the secret settings in a Secret
 * (mounted at /secrets), a volume claim the runners write their raw output to (one sub-folder per
 * runner), the TestRun itself, and the collector pod that reads the claim afterwards.
 *
 * Must know: every runner evaluates thresholds and prints a summary of its own share only; the
 * global verdict comes from `npm run verify -- --run <folder>...` over the collected raw outputs.
 * Runners still run the scenarios' `setup()`, which only probes the target (no writes), so N
 * runners have no N-fold setup side effects. Every pod runs as k6's user (12345) with the settings
 * the restricted Pod Security level asks for, and `fsGroup` 12345 lets it write the claim.
 */
import { UsageError } from '../lib/errors.ts';
import { type AccessMode, DEFAULT_ACCESS_MODE } from './storage.ts';
import { toYamlDocuments } from './yaml.ts';

/**
 * The k6 image the runners use unless --image names another: the k6 release the scenarios are
 * tested with. A plain tag, because the kit never builds or downloads k6 (AGPL-3.0) itself; the
 * cluster pulls the official image. Raise it together with the k6 the team runs locally.
 */
export const DEFAULT_K6_IMAGE = 'grafana/k6:2.2.0';
/** What the collector needs: `sleep`, and `tar` for `kubectl cp`. */
const COLLECTOR_IMAGE = 'busybox:1.36';

/**
 * Kubernetes refuses a ConfigMap or Secret whose data add up to more than 1 MiB. The files are
 * applied server-side (`kubectl apply --server-side`), which, unlike client-side apply, copies no
 * object into the 256 KiB `last-applied-configuration` annotation, so 1 MiB is the cap.
 */
export const OBJECT_DATA_LIMIT_BYTES = 1024 * 1024;
/** Where the k6-operator mounts the script's ConfigMap in every pod (all its keys, as files). */
export const SCRIPT_MOUNT = '/test';
export const SCRIPT_FILE = 'script.js';
/** Where the runners mount the Secret: the seed manifest (passwords, access tokens) and secret settings. */
export const SECRET_MOUNT = '/secrets';
export const MANIFEST_FILE = 'manifest.json';
export const RESULTS_MOUNT = '/results';
/** The user `grafana/k6` runs as; the claim is group-writable for it through fsGroup. */
const K6_USER = 12345;

export interface K8sPlan {
  /** TestRun name; also prefixes the other objects' names (DNS label). */
  readonly name: string;
  readonly namespace: string | undefined;
  readonly parallelism: number;
  /** The entry script bundled into one k6 script (distribute/bundle.ts). */
  readonly script: string;
  /** The seed manifest's JSON, which the script open()s through K6_MANIFEST. */
  readonly manifest: string;
  /** Environment for the runners (`K6_*` settings of the scenarios); K6_MANIFEST is set here. */
  readonly env: Readonly<Record<string, string>>;
  /** Names in `env` that are secrets: they go in the Secret, and never to the initializer. */
  readonly secretNames?: ReadonlySet<string>;
  readonly image: string;
  readonly storage: string;
  /** The results claim's class; the cluster's default class when undefined. */
  readonly storageClass?: string | undefined;
  readonly accessMode?: AccessMode;
}

/** The parts of the TestRun the kit writes; test/distribute validates them against the operator's CRD. */
export interface TestRun {
  readonly apiVersion: 'k6.io/v1alpha1';
  readonly kind: 'TestRun';
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly parallelism: number;
    readonly script: { readonly configMap: { readonly name: string; readonly file: string } };
    readonly arguments: string;
    readonly separate: boolean;
    readonly runner: PodParts;
    readonly initializer: PodParts;
    readonly starter: PodParts;
  };
}

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json | undefined };
type ObjectMeta = { readonly name: string; readonly namespace?: string; readonly labels: Record<string, string> };
type PodParts = { readonly [key: string]: Json | undefined };

export interface K8sManifests {
  readonly testRun: TestRun;
  /** Secret, ConfigMap, claim and TestRun, in the order they are applied. */
  readonly yaml: string;
  /** The collector pod, applied by collect.sh once the run has finished. */
  readonly collector: { readonly kind: 'Pod'; readonly metadata: ObjectMeta; readonly spec: PodParts };
  readonly collectorYaml: string;
  readonly names: {
    readonly configMap: string;
    readonly secret: string;
    readonly claim: string;
    readonly collector: string;
  };
  /** What the ConfigMap's and the Secret's data count against their 1 MiB limit. */
  readonly configMapBytes: number;
  readonly secretBytes: number;
}

export function buildK8sManifests(plan: K8sPlan): K8sManifests {
  if (!/^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/.test(plan.name)) {
    throw new UsageError(
      `--name: "${plan.name}" is not a valid Kubernetes name (lower-case letters, digits and '-', at most 42 characters)`,
    );
  }
  if (!Number.isInteger(plan.parallelism) || plan.parallelism < 1) {
    throw new UsageError(`--instances: expected a whole number of runners >= 1, received ${plan.parallelism}`);
  }
  const accessMode = plan.accessMode ?? DEFAULT_ACCESS_MODE;
  const names = {
    configMap: `${plan.name}-script`,
    secret: `${plan.name}-secrets`,
    claim: `${plan.name}-results`,
    collector: `${plan.name}-collect`,
  };
  const secretNames = plan.secretNames ?? new Set<string>();
  const secretEnv = Object.entries(plan.env).filter(([name]) => secretNames.has(name) && name !== 'K6_MANIFEST');
  // The script is text, so it goes in `data` as it is; the Secret's values are base64 on the wire
  // but count decoded against the limit.
  const configMapData = { [SCRIPT_FILE]: plan.script };
  const secretText: Record<string, string> = { [MANIFEST_FILE]: plan.manifest, ...Object.fromEntries(secretEnv) };
  const configMapBytes = dataSize(configMapData);
  const secretBytes = dataSize(secretText);
  if (configMapBytes > OBJECT_DATA_LIMIT_BYTES) {
    throw new UsageError(
      `the ConfigMap would hold ${kib(configMapBytes)} (the bundled script); Kubernetes accepts at most ${kib(OBJECT_DATA_LIMIT_BYTES)} (1 MiB)`,
      ['Ship the script on a volume and use spec.script.volumeClaim.'],
    );
  }
  if (secretBytes > OBJECT_DATA_LIMIT_BYTES) {
    throw new UsageError(
      `the Secret would hold ${kib(secretBytes)} (seed manifest ${kib(Buffer.byteLength(plan.manifest))}); Kubernetes accepts at most ${kib(OBJECT_DATA_LIMIT_BYTES)} (1 MiB)`,
      [
        'The manifest is cut to the users that fit (distribute/seed-manifest.ts); its products or categories alone are too large.',
      ],
    );
  }
  const labels = (extra: Record<string, string> = {}) => ({
    'app.kubernetes.io/part-of': 'aclue-signoff-kit',
    'aclue-kit/run': plan.name,
    ...extra,
  });
  const metadata = (name: string): ObjectMeta => ({
    name,
    ...(plan.namespace ? { namespace: plan.namespace } : {}),
    labels: labels(),
  });
  // ReadWriteOnce serves the pods of one node only: the runners and the collector keep together.
  const sameNode =
    accessMode === 'ReadWriteOnce'
      ? {
          affinity: {
            podAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                {
                  labelSelector: { matchLabels: { 'aclue-kit/results': plan.name } },
                  topologyKey: 'kubernetes.io/hostname',
                },
              ],
            },
          },
        }
      : {};
  const podSecurity = {
    securityContext: {
      runAsNonRoot: true,
      runAsUser: K6_USER,
      runAsGroup: K6_USER,
      fsGroup: K6_USER,
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
  const containerSecurity = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
  const resultsVolume = { name: 'results', persistentVolumeClaim: { claimName: names.claim } };

  const testRun: TestRun = {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: metadata(plan.name),
    spec: {
      parallelism: plan.parallelism,
      script: { configMap: { name: names.configMap, file: SCRIPT_FILE } },
      // No shell reads these (ConfigMap scripts run k6 directly), so values must not contain spaces.
      arguments: runnerArguments(plan.name).join(' '),
      separate: false,
      runner: {
        image: plan.image,
        env: [
          ...settings(plan.env, secretNames, names.secret),
          { name: 'K6_SUMMARY_DIR', value: RESULTS_MOUNT },
          // Each runner's job name ("<name>-<i>") names its folder on the shared claim.
          { name: 'RUNNER_NAME', valueFrom: { fieldRef: { fieldPath: "metadata.labels['job-name']" } } },
        ],
        volumes: [resultsVolume, { name: 'secrets', secret: { secretName: names.secret, defaultMode: 0o440 } }],
        volumeMounts: [
          { name: 'results', mountPath: RESULTS_MOUNT, subPathExpr: '$(RUNNER_NAME)' },
          { name: 'secrets', mountPath: SECRET_MOUNT, readOnly: true },
        ],
        metadata: { labels: labels({ 'aclue-kit/role': 'runner', 'aclue-kit/results': plan.name }) },
        ...podSecurity,
        containerSecurityContext: containerSecurity,
        ...sameNode,
      },
      // The initializer runs `k6 inspect` on the script to size the run; the options depend on the
      // settings (duration, baseline rates), so it gets them too, and the same k6 image. It gets no
      // secret and no manifest: the scenarios' init code does without one (scenarios/k6/context.ts).
      initializer: {
        image: plan.image,
        env: settings(
          Object.fromEntries(Object.entries(plan.env).filter(([name]) => !secretNames.has(name))),
          secretNames,
          names.secret,
        ),
        metadata: { labels: labels({ 'aclue-kit/role': 'initializer' }) },
        ...podSecurity,
        containerSecurityContext: containerSecurity,
      },
      starter: {
        metadata: { labels: labels({ 'aclue-kit/role': 'starter' }) },
        ...podSecurity,
        containerSecurityContext: containerSecurity,
      },
    },
  };

  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: metadata(names.secret),
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(secretText).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(names.configMap), data: configMapData };
  const claim = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: metadata(names.claim),
    spec: {
      accessModes: [accessMode],
      ...(plan.storageClass ? { storageClassName: plan.storageClass } : {}),
      resources: { requests: { storage: plan.storage } },
    },
  };
  const collector = {
    apiVersion: 'v1',
    kind: 'Pod' as const,
    metadata: {
      ...metadata(names.collector),
      labels: labels({ 'aclue-kit/role': 'collector', 'aclue-kit/results': plan.name }),
    },
    spec: {
      restartPolicy: 'Never',
      ...podSecurity,
      ...sameNode,
      volumes: [resultsVolume],
      containers: [
        {
          name: 'collect',
          image: COLLECTOR_IMAGE,
          command: ['sleep', '3600'],
          securityContext: containerSecurity,
          volumeMounts: [{ name: 'results', mountPath: RESULTS_MOUNT, readOnly: true }],
        },
      ],
    },
  };
  return {
    testRun,
    yaml: toYamlDocuments([secret, configMap, claim, testRun] as unknown as Json[]),
    collector,
    collectorYaml: toYamlDocuments([collector as unknown as Json]),
    names,
    configMapBytes,
    secretBytes,
  };
}

/**
 * What the TestRun's `arguments` give every runner's `k6 run`; the operator adds the execution
 * segment, `--tag instance_id=<i>` and `--tag testrun_name=<name>` itself.
 */
export function runnerArguments(name: string): string[] {
  return ['--out', `json=${RESULTS_MOUNT}/k6-raw.json.gz`, '--tag', `testrun=${name}`];
}

/**
 * The settings as container environment: secrets by reference to the Secret, K6_MANIFEST at the
 * Secret's copy (wherever the manifest was on this machine).
 */
function settings(env: Readonly<Record<string, string>>, secretNames: ReadonlySet<string>, secretName: string): Json[] {
  const given = Object.entries(env).filter(([name]) => name !== 'K6_MANIFEST');
  return [
    ...given.map(([name, value]) =>
      secretNames.has(name) ? { name, valueFrom: { secretKeyRef: { name: secretName, key: name } } } : { name, value },
    ),
    { name: 'K6_MANIFEST', value: `${SECRET_MOUNT}/${MANIFEST_FILE}` },
  ];
}

/** How the API server measures a ConfigMap or Secret: the bytes of every key and (decoded) value. */
function dataSize(data: Readonly<Record<string, string>>): number {
  return Object.entries(data).reduce((sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(value), 0);
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}
