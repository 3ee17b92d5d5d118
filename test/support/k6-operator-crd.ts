/**
 * The k6-operator's TestRun CRD as recorded in shared/fixtures/k6-operator (beside the repo), as a
 * JSON-schema validator (ajv) that refuses unknown fields: the API server would prune them
 * silently and the run would go ahead without them. Also the restricted Pod Security rules a pod
 * of the kit must meet.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { repoRoot } from '../../lib/paths.ts';

export const CRD_FILE = path.join(repoRoot, '..', 'shared', 'fixtures', 'k6-operator', 'k6.io_testruns.yaml');

type Schema = Record<string, unknown>;

/** Every object schema with properties and no additionalProperties gets `additionalProperties: false`. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) out[key] = key === 'properties' ? mapValues(value) : closed(value);
  if (
    out.properties !== undefined &&
    out.additionalProperties === undefined &&
    out['x-kubernetes-preserve-unknown-fields'] !== true
  )
    out.additionalProperties = false;
  return out;
}

function mapValues(properties: unknown): Schema {
  return Object.fromEntries(Object.entries(properties as Schema).map(([k, v]) => [k, closed(v)]));
}

let cached: { root: Schema; ajv: Ajv; testRun: ValidateFunction } | undefined;

function load() {
  if (cached) return cached;
  const crd = parse(readFileSync(CRD_FILE, 'utf8')) as {
    spec: { versions: { name: string; schema: { openAPIV3Schema: Schema } }[] };
  };
  const version = crd.spec.versions.find((v) => v.name === 'v1alpha1');
  if (!version) throw new Error(`${CRD_FILE}: no v1alpha1 version`);
  const root = closed(version.schema.openAPIV3Schema) as Schema;
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('date-time', { type: 'string', validate: (s: string) => !Number.isNaN(Date.parse(s)) });
  cached = { root, ajv, testRun: ajv.compile(root) };
  return cached;
}

function describe(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map(
    (e) =>
      `${e.instancePath || '(root)'} ${e.message}${e.keyword === 'additionalProperties' ? `: ${String((e.params as { additionalProperty: string }).additionalProperty)}` : ''}`,
  );
}

/** What the API server would refuse or prune in a TestRun; empty when it fits the CRD. */
export function testRunProblems(testRun: unknown): string[] {
  const { testRun: validate } = load();
  return validate(testRun) ? [] : describe(validate.errors);
}

/**
 * A part of the runner's pod as the CRD declares it (core/v1 types): `securityContext`
 * (PodSecurityContext), `containerSecurityContext` (SecurityContext), `volumes` (Volume[]), `affinity`.
 */
export function podPartProblems(
  part: 'securityContext' | 'containerSecurityContext' | 'volumes' | 'affinity',
  value: unknown,
) {
  const { root, ajv } = load();
  const spec = (root.properties as Record<string, Schema>).spec!;
  const runner = ((spec.properties as Record<string, Schema>).runner!.properties as Record<string, Schema>)[part]!;
  const validate = ajv.compile(runner);
  return validate(value) ? [] : describe(validate.errors);
}

/** Volume sources the restricted Pod Security level allows. */
const RESTRICTED_VOLUMES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

interface PodLike {
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type?: string } };
  containerSecurityContext?: ContainerSecurity;
  volumes?: Record<string, unknown>[];
}
interface ContainerSecurity {
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type?: string };
}

/** Why the restricted Pod Security level would refuse the pod; empty when it admits it. */
export function restrictedProblems(pod: PodLike): string[] {
  const problems: string[] = [];
  const podSc = pod.securityContext ?? {};
  const c = pod.containerSecurityContext ?? {};
  if (c.privileged) problems.push('privileged');
  if (c.allowPrivilegeEscalation !== false) problems.push('allowPrivilegeEscalation must be false');
  if (!(c.capabilities?.drop ?? []).includes('ALL')) problems.push('capabilities must drop ALL');
  if ((c.capabilities?.add ?? []).some((cap) => cap !== 'NET_BIND_SERVICE')) problems.push('capabilities added');
  if (!(c.runAsNonRoot ?? podSc.runAsNonRoot)) problems.push('runAsNonRoot must be true');
  if ((c.runAsUser ?? podSc.runAsUser) === 0) problems.push('runAsUser 0');
  const seccomp = c.seccompProfile?.type ?? podSc.seccompProfile?.type;
  if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') problems.push('seccompProfile must be RuntimeDefault');
  for (const volume of pod.volumes ?? []) {
    const kinds = Object.keys(volume).filter((k) => k !== 'name');
    for (const kind of kinds) if (!RESTRICTED_VOLUMES.has(kind)) problems.push(`volume type ${kind}`);
  }
  return problems;
}
