import { sleep } from 'k6';
import { thinkTime } from './mix.ts';

/** A user's pause between steps, drawn from the iteration's own random source. */
export function think(random: () => number, range: { readonly min: number; readonly max: number }): void {
  if (range.max <= 0) return;
  sleep(thinkTime(random, range));
}
