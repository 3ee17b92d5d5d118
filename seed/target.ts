/**
 * Where a seed run writes: the local stack or a confirmed staging project.
 *
 * Safety rule: a staging target is only accepted when the user names its project ref (or host) in
 * --confirm-target / KIT_STAGING_PROJECT_REF and that name matches SUPABASE_URL; otherwise the
 * command refuses with exit 2 before connecting to anything.
 */
import type { KitConfig } from '../lib/config.ts';
import { UsageError } from '../lib/errors.ts';
import type { JwtSigner } from '../lib/jwt.ts';
import { KEY_SETTINGS, projectApiKeys, projectTokenSigner } from '../lib/project-keys.ts';
import { targetUrls } from '../lib/target-identity.ts';
import { databaseTarget } from '../stack/database.ts';
import { localKeys } from '../stack/server/keys.ts';

export type TargetKind = 'local' | 'staging';

export interface SeedTarget {
  readonly kind: TargetKind;
  /** Superuser or service connection for COPY; undefined → Data API fallback (staging only). */
  readonly databaseUrl: string | undefined;
  readonly databaseSetting: string;
  readonly supabaseUrl: string;
  readonly apiUrl: string;
  /** The elevated API key: a secret key (`sb_secret_…`) or the legacy `service_role` JWT. */
  readonly serviceRoleKey: string;
  /** The anon-role API key: a publishable key (`sb_publishable_…`) or the legacy `anon` JWT. */
  readonly anonKey: string;
  /**
   * Mints access tokens when the target's HS256 secret or private signing key is known; undefined
   * (a project with asymmetric keys and no private key given) means users are signed in instead.
   */
  readonly tokenSigner: JwtSigner | undefined;
}

/** The project ref of a Supabase URL (first label of *.supabase.co), else the host. */
export function projectRef(url: string): string {
  const host = new URL(url).hostname;
  const m = /^([a-z0-9]+)\.supabase\.(co|in|net)$/i.exec(host);
  return m ? m[1]!.toLowerCase() : host.toLowerCase();
}

/**
 * The command that removes a run from this target, as the user types it: on staging with the
 * flags that name and confirm the project, or it would clean the local stack instead.
 */
export function cleanCommand(target: Pick<SeedTarget, 'kind' | 'supabaseUrl'>, runId: string): string {
  const where = target.kind === 'staging' ? ` --target staging --confirm-target ${projectRef(target.supabaseUrl)}` : '';
  return `npm run seed -- --clean ${runId}${where}`;
}

export async function resolveTarget(config: KitConfig, kind: TargetKind): Promise<SeedTarget> {
  if (kind === 'local') {
    const db = databaseTarget(config);
    const keys = await localKeys(config.jwtSecret, config.stackKeys);
    const urls = targetUrls(config);
    return {
      kind,
      databaseUrl: db.url,
      databaseSetting: db.setting,
      supabaseUrl: urls.supabaseUrl,
      apiUrl: urls.appUrl ?? urls.supabaseUrl,
      serviceRoleKey: keys.serviceRoleKey,
      anonKey: keys.anonKey,
      tokenSigner: keys.signer,
    };
  }
  const { url, stagingRef } = config.supabase;
  const { serviceRoleKey, anonKey } = projectApiKeys(config.supabase);
  if (!url)
    throw new UsageError('--target staging needs SUPABASE_URL (the staging project URL)', [
      'Set SUPABASE_URL or pass --supabase-url.',
    ]);
  const ref = projectRef(url);
  if (!stagingRef) {
    throw new UsageError(`--target staging writes to ${url}: confirm it by naming its project ref`, [
      `Pass --confirm-target ${ref} (or set KIT_STAGING_PROJECT_REF=${ref}) if this really is the staging project.`,
    ]);
  }
  if (stagingRef.toLowerCase() !== ref && stagingRef.toLowerCase() !== new URL(url).hostname.toLowerCase()) {
    throw new UsageError(`--confirm-target ${stagingRef} does not match SUPABASE_URL ${url} (project ref ${ref})`, [
      'The confirmation must name the project the URL points at; check both settings.',
    ]);
  }
  if (!serviceRoleKey) throw new UsageError(`--target staging needs ${KEY_SETTINGS.serviceRole} (Auth admin API)`);
  return {
    kind,
    databaseUrl: config.databaseUrl,
    databaseSetting: 'DATABASE_URL',
    supabaseUrl: url,
    // The app's own host (KIT_APP_URL); a Supabase project does not serve /api/v1.
    apiUrl: config.appUrl ?? url,
    serviceRoleKey,
    anonKey: anonKey ?? '',
    tokenSigner: await projectTokenSigner(config),
  };
}
