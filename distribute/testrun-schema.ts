/**
 * The parts of the k6-operator `TestRun` custom resource (k6.io/v1alpha1) that the kit writes,
 * with the types, required fields and value sets of the operator's CRD (config/crd/bases/
 * k6.io_testruns.yaml, read at the operator's 2026-08 HEAD). `.strict()` catches a misspelt field:
 * the API server would silently prune it, and the run would go ahead without it.
 */
import { z } from 'zod';

const int32 = z.number().int().min(-2147483648).max(2147483647);
const quantityOrString = z.string();

const envVar = z
  .object({
    name: z.string(),
    value: z.string().optional(),
    valueFrom: z
      .object({ fieldRef: z.object({ fieldPath: z.string(), apiVersion: z.string().optional() }).strict() })
      .strict()
      .optional(),
  })
  .strict();

const volumeMount = z
  .object({
    name: z.string(),
    mountPath: z.string(),
    subPath: z.string().optional(),
    subPathExpr: z.string().optional(),
    readOnly: z.boolean().optional(),
  })
  .strict()
  .refine((m) => !(m.subPath && m.subPathExpr), { message: 'subPath and subPathExpr are mutually exclusive' });

const volume = z
  .object({
    name: z.string(),
    persistentVolumeClaim: z.object({ claimName: z.string(), readOnly: z.boolean().optional() }).strict().optional(),
  })
  .strict();

const podSpec = z
  .object({
    image: z.string().optional(),
    env: z.array(envVar).optional(),
    volumes: z.array(volume).optional(),
    volumeMounts: z.array(volumeMount).optional(),
    metadata: z
      .object({
        labels: z.record(z.string(), z.string()).optional(),
        annotations: z.record(z.string(), z.string()).optional(),
      })
      .strict()
      .optional(),
    resources: z
      .object({
        limits: z.record(z.string(), quantityOrString).optional(),
        requests: z.record(z.string(), quantityOrString).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const testRunSchema = z
  .object({
    apiVersion: z.literal('k6.io/v1alpha1'),
    kind: z.literal('TestRun'),
    metadata: z
      .object({
        name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
        namespace: z.string().optional(),
        labels: z.record(z.string(), z.string()).optional(),
      })
      .strict(),
    spec: z
      .object({
        parallelism: int32.min(1),
        script: z
          .object({
            configMap: z.object({ name: z.string(), file: z.string().optional() }).strict().optional(),
            volumeClaim: z
              .object({ name: z.string(), file: z.string().optional(), readOnly: z.boolean().optional() })
              .strict()
              .optional(),
            localFile: z.string().optional(),
          })
          .strict(),
        arguments: z.string().optional(),
        separate: z.boolean().optional(),
        cleanup: z.enum(['post']).optional(),
        paused: z.string().optional(),
        quiet: z.string().optional(),
        runner: podSpec.optional(),
        starter: podSpec.optional(),
        initializer: podSpec.optional(),
      })
      .strict(),
  })
  .strict();

export type TestRun = z.infer<typeof testRunSchema>;
