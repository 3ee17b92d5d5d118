/**
 * Who is acting: the target plus, for signed-in journeys, one manifest user. Actions take it as an
 * argument instead of reading globals, so every action says what it depends on.
 */
import type { ManifestUser } from './manifest.ts';
import type { Target } from './requests.ts';

export interface Caller {
  readonly target: Target;
  readonly user: ManifestUser;
}
