import { p } from '@mikro-orm/core';

/** Columns every projection row carries; the database fills them on insert. */
export const updatedAt = () => p.datetime().defaultRaw('now()').onUpdate(() => new Date());
