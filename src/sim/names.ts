import { ACCENTED, NAME_ENDS, NAME_MIDDLES, NAME_STARTS } from './catalog.js';
import type { Random } from './random.js';

const MAX_LENGTH = 12;

/**
 * A fresh character name (letters only, at most 12, capitalised, like the game's). A few carry an accent,
 * as real names such as "Zúljín" do, so that encoding mistakes show up in tests.
 */
export function uniqueName(rng: Random, isTaken: (name: string) => boolean): string {
  for (let attempt = 0; ; attempt += 1) {
    // Long runs of collisions mean the short names are used up: allow more syllables.
    const extra = Math.floor(attempt / 20);
    let name = rng.pick(NAME_STARTS);
    if (rng.chance(0.5) || extra > 0) name += rng.pick(NAME_MIDDLES);
    for (let i = 1; i < extra; i += 1) name += rng.pick(NAME_MIDDLES) + rng.pick(NAME_ENDS).slice(0, 1);
    name += rng.pick(NAME_ENDS);
    if (rng.chance(0.03)) name = accent(name);
    if (name.length <= MAX_LENGTH && !isTaken(name)) return name;
    if (attempt > 400) throw new Error('ran out of character names');
  }
}

function accent(name: string): string {
  const letters = [...name];
  for (let i = letters.length - 1; i > 0; i -= 1) {
    const plain = letters[i] as keyof typeof ACCENTED;
    if (plain in ACCENTED) {
      letters[i] = ACCENTED[plain];
      return letters.join('');
    }
  }
  return name;
}
