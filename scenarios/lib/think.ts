import { thinkTime } from './mix.ts';
import type { Runtime } from './runtime.ts';

/** A user's pause between steps, drawn from the iteration's own random source. */
export async function think(
  rt: Runtime,
  random: () => number,
  range: { readonly min: number; readonly max: number },
): Promise<void> {
  if (range.max <= 0) return;
  await rt.sleep(thinkTime(random, range));
}
