import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The kit's checkout: every repo-relative path is resolved from here, never from the cwd. */
export const repoRoot = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

export const migrationsDir = path.join(repoRoot, 'db', 'migrations');
export const reportsDir = path.join(repoRoot, 'reports');
