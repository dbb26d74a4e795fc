import { query, toIso, toNumber, type Db } from '../sql.js';
import { col, defineTable, type Row } from '../table.js';

/** The read scopes a token may carry: the overview (JSON), character views, the overview as CSV. */
export const TOKEN_SCOPES = ['overview', 'characters', 'csv'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** Read-only API tokens of guilds. Only a token's SHA-256 is stored; the token is shown once, when created. */
export const apiTokensTable = defineTable('api_tokens', {
  id: col.bigint().defaulted(),
  guild_id: col.integer(),
  name: col.text(),
  scopes: col.jsonb<TokenScope[]>(),
  token_hash: col.text(),
  created_by: col.bigint(),
  created_at: col.timestamptz().defaulted(),
  last_used_at: col.timestamptz().nullable(),
  revoked_at: col.timestamptz().nullable(),
});

export interface ApiTokenRecord {
  id: number;
  guildId: number;
  name: string;
  scopes: TokenScope[];
  createdBy: number;
  createdAt: string;
  lastUsedAt: string | null;
}

type TokenRow = Omit<Row<typeof apiTokensTable>, 'token_hash' | 'revoked_at'>;

const COLUMNS = 'id, guild_id, name, scopes, created_by, created_at, last_used_at';

const toRecord = (r: TokenRow): ApiTokenRecord => ({
  id: toNumber(r.id) as number,
  guildId: r.guild_id,
  name: r.name,
  scopes: r.scopes,
  createdBy: toNumber(r.created_by) as number,
  createdAt: toIso(r.created_at) as string,
  lastUsedAt: toIso(r.last_used_at),
});

export async function insertApiToken(
  db: Db,
  token: { guildId: number; name: string; scopes: TokenScope[]; tokenHash: string; createdBy: number },
): Promise<ApiTokenRecord> {
  const rows = await query<TokenRow>(
    db,
    `insert into api_tokens (guild_id, name, scopes, token_hash, created_by) values (?, ?, ?::jsonb, ?, ?) returning ${COLUMNS}`,
    [token.guildId, token.name, JSON.stringify(token.scopes), token.tokenHash, token.createdBy],
  );
  return toRecord(rows[0] as TokenRow);
}

/** The guild's tokens that are not revoked, oldest first. */
export async function listApiTokens(db: Db, guildId: number): Promise<ApiTokenRecord[]> {
  const rows = await query<TokenRow>(db, `select ${COLUMNS} from api_tokens where guild_id = ? and revoked_at is null order by id`, [guildId]);
  return rows.map(toRecord);
}

export async function countApiTokens(db: Db, guildId: number): Promise<number> {
  const rows = await query<{ n: string }>(db, 'select count(*) as n from api_tokens where guild_id = ? and revoked_at is null', [guildId]);
  return Number(rows[0]?.n ?? 0);
}

/** The token whose hash this is, unless revoked (api_tokens_hash_idx). */
export async function findApiTokenByHash(db: Db, tokenHash: string): Promise<ApiTokenRecord | undefined> {
  const rows = await query<TokenRow>(db, `select ${COLUMNS} from api_tokens where token_hash = ? and revoked_at is null`, [tokenHash]);
  return rows[0] && toRecord(rows[0]);
}

/** Revokes one token of the guild; false when the guild has no such live token. */
export async function revokeApiToken(db: Db, guildId: number, id: number): Promise<boolean> {
  const rows = await query<{ id: string }>(
    db,
    'update api_tokens set revoked_at = now() where guild_id = ? and id = ? and revoked_at is null returning id',
    [guildId, id],
  );
  return rows.length > 0;
}

/** Records a use; called at most once a minute per token, so a busy token costs one write a minute. */
export async function touchApiToken(db: Db, id: number, at: Date): Promise<void> {
  await query(db, 'update api_tokens set last_used_at = ? where id = ? and (last_used_at is null or last_used_at < ?)', [at, id, at]);
}
