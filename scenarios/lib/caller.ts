/**
 * Who is acting and through what: the runtime, the target and, for signed-in journeys, one manifest
 * user. Actions take it as an argument instead of reading globals, so every action says what it
 * depends on.
 */
import type { ManifestUser } from './manifest.ts';
import type { Target } from './requests.ts';
import type { Runtime } from './runtime.ts';

export interface Anonymous {
  readonly rt: Runtime;
  readonly target: Target;
}

export interface Caller extends Anonymous {
  readonly user: ManifestUser;
}
