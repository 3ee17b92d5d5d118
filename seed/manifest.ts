/**
 * The manifest k6 scenarios load with SharedArray (contract in docs/seed.md and the team's
 * ownership notes): users with credentials and, when the target's JWT secret is known, a pre-minted
 * access token; product and category ids; the run id and target. Written as a stream, one user per
 * line, so a large run does not hold every token in memory at once.
 */
import { once } from 'node:events';
import { copyFileSync, createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { JwtSigner } from '../lib/jwt.ts';
import { behaviour, categoryNames } from '../model/behaviour.ts';
import { simulateUser } from './simulate.ts';
import type { SeedTarget } from './target.ts';
import { type Uuid, uuidText } from './uuid.ts';
import type { World } from './world.ts';

/** Access tokens live long enough for a soak test started right after seeding. */
export const TOKEN_TTL_SECONDS = 24 * 3600;

/** How many aged clicks the manifest lists, and how many users' histories may be replayed to find them. */
const AGED_CLICKS = 16;
const AGED_CLICK_USERS = 200;

export interface ManifestPaths {
  readonly file: string;
  readonly latest: string | undefined;
}

/** GoTrue's access-token claims for a password sign-in (what PostgREST and the app read). */
export function accessToken(
  signer: JwtSigner,
  target: SeedTarget,
  userId: string,
  email: string,
  archetype: string,
  nowSeconds: number,
): Promise<string> {
  return signer.sign({
    aud: 'authenticated',
    exp: nowSeconds + TOKEN_TTL_SECONDS,
    iat: nowSeconds,
    iss: `${target.supabaseUrl}/auth/v1`,
    sub: userId,
    email,
    phone: '',
    app_metadata: { provider: 'email', providers: ['email'] },
    user_metadata: { seed_archetype: archetype },
    role: 'authenticated',
    aal: 'aal1',
    amr: [{ method: 'password', timestamp: nowSeconds }],
    session_id: userId,
    is_anonymous: false,
  });
}

/**
 * `signedIn`: tokens from password sign-in (seed/sign-in.ts) when the target's token keys are unknown;
 * then only those users are listed, because the scenarios need a token for every user they load.
 */
export async function writeManifest(
  repoRoot: string,
  stateDir: string,
  runId: string,
  world: World,
  target: SeedTarget,
  signedIn?: ReadonlyMap<number, string>,
): Promise<ManifestPaths> {
  const dir = path.join(repoRoot, 'reports', 'seed', runId);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'manifest.json');
  const out = createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  const now = Math.floor(Date.now() / 1000);
  const password = world.password();
  await write(
    `{"version":1,"runId":${JSON.stringify(runId)},"target":${JSON.stringify({ apiUrl: target.apiUrl, supabaseUrl: target.supabaseUrl, kind: target.kind })},`,
  );
  await write(`"createdAt":${JSON.stringify(new Date(now * 1000).toISOString())},"users":[\n`);
  let written = 0;
  for (let u = 0; u < world.params.users; u++) {
    if (!target.tokenSigner && signedIn && !signedIn.has(u)) continue;
    const user = world.user(u);
    const id = uuidText(user.id);
    const token = target.tokenSigner
      ? await accessToken(target.tokenSigner, target, id, user.email, user.archetype.id, now)
      : (signedIn?.get(u) ?? null);
    await write(
      `${written++ ? ',\n' : ''}${JSON.stringify({ id, email: user.email, password, accessToken: token, archetype: user.archetype.id })}`,
    );
  }
  await write('\n],"products":[\n');
  for (const p of world.products) {
    await write(
      `${p.index ? ',\n' : ''}${JSON.stringify({ id: uuidText(p.id), categoryId: uuidText(world.categories[p.categoryIndex]!.id), asin: p.asin })}`,
    );
  }
  await write('\n],"categories":');
  await write(
    JSON.stringify(
      world.categories.map((c) => ({ id: uuidText(c.id), slug: c.slug, name: categoryNames[c.slug].name })),
    ),
  );
  await write(`,"agedClicks":${JSON.stringify(agedClicks(world, runId, now * 1000))}`);
  await write('}\n');
  out.end();
  await once(out, 'finish');
  let latest: string | undefined;
  if (target.kind === 'local') {
    mkdirSync(stateDir, { recursive: true });
    latest = path.join(stateDir, 'manifest-latest.json');
    copyFileSync(file, latest);
  }
  return { file, latest };
}

/**
 * Seeded clicks older than the attribution window (with a day's margin) that no planted conversion
 * names and that are not double taps: the load plants late postbacks on them. Found by replaying
 * the first users' histories, which the keyed streams make identical to what the seed wrote, so the
 * manifest needs no database (the Data API writer has none).
 */
export function agedClicks(
  world: World,
  runId: string,
  nowMs: number,
): { id: string; userId: string; clickedAt: string }[] {
  const before = nowMs - (behaviour.attributionWindowDays.value + 1) * 86_400_000;
  const found: { id: string; userId: string; clickedAt: string }[] = [];
  for (let u = 0; u < Math.min(world.params.users, AGED_CLICK_USERS) && found.length < AGED_CLICKS; u++) {
    const clicks: { id: Uuid; at: number }[] = [];
    const converted = new Set<string>();
    simulateUser(world, world.user(u), runId, {
      row: () => undefined,
      truth: (table, row) => {
        if (table === 'clicks' && row.duplicate_of === null)
          clicks.push({ id: row.click_id as Uuid, at: row.clicked_at as number });
        else if (table === 'conversions' && row.expected_click_id !== null)
          converted.add(uuidText(row.expected_click_id as Uuid));
      },
    });
    const userId = uuidText(world.user(u).id);
    for (const c of clicks) {
      const id = uuidText(c.id);
      if (c.at < before && !converted.has(id) && found.length < AGED_CLICKS)
        found.push({ id, userId, clickedAt: new Date(c.at).toISOString() });
    }
  }
  return found;
}
