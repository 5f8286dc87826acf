import { Injectable } from '@nestjs/common';
import { MemberRole } from '@outdial/contracts';
import { Database, quoteIdent, SqlClient } from '@outdial/service-runtime';

import { AuthContext } from '../domain/auth-context';
import { Page, PageParams } from '../domain/directory-rules';
import { selectPage } from './paging';

/** A token as it may be shown: never its hash. */
export interface TokenRow {
  token_id: string;
  org_id: string;
  name: string;
  role: MemberRole;
  token_hint: string | null;
  created_at: Date;
  revoked_at: Date | null;
}

export interface NewToken {
  token_id: string;
  org_id: string;
  name: string;
  role: MemberRole;
  /** SHA-256 of the secret (`domain/token-hash.ts`); the secret itself is never stored. */
  token_hash: string;
  token_hint: string;
  created_by: string | null;
}

const VISIBLE = 'token_id, org_id, name, role, token_hint, created_at, revoked_at';

/**
 * Typed SQL over the gateway's `tokens` table (API tokens: members of an org with a role).
 *
 * Transactions and locks: `insert`, `findActiveInTx`, `countActiveOwners` and `revoke` run inside
 * the caller's transaction, after `OrgsRepository.lock`: token changes of one org are serialized
 * on the org row, which is what makes "never revoke the last owner token" hold under concurrent
 * revocations. `findActiveByHash`, `list` and the bootstrap upserts are single statements outside
 * any transaction (the unique `token_hash` decides races between bootstraps).
 */
@Injectable()
export class TokensRepository {
  private readonly table: string;

  constructor(private readonly db: Database) {
    this.table = `${quoteIdent(db.schema)}.tokens`;
  }

  /** The active (not revoked) token with this hash, as the identity it grants. */
  async findActiveByHash(tokenHash: string): Promise<AuthContext | undefined> {
    const rows = await this.db.query<AuthContext>(
      `SELECT token_id, org_id, role FROM ${this.table} WHERE token_hash = $1 AND revoked_at IS NULL`,
      [tokenHash],
    );
    return rows[0];
  }

  async list(orgId: string, page: PageParams): Promise<Page<TokenRow>> {
    return selectPage<TokenRow>(
      this.db,
      `${this.table} WHERE org_id = $1`,
      [orgId],
      'created_at, token_id',
      page,
      VISIBLE,
    );
  }

  async insert(client: SqlClient, token: NewToken): Promise<TokenRow> {
    const inserted = await client.query<TokenRow>(
      `INSERT INTO ${this.table} (token_id, org_id, name, role, token_hash, token_hint, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${VISIBLE}`,
      [token.token_id, token.org_id, token.name, token.role, token.token_hash, token.token_hint, token.created_by],
    );
    return inserted.rows[0];
  }

  /** The org's active token `tokenId`, undefined when unknown or already revoked. */
  async findActiveInTx(client: SqlClient, orgId: string, tokenId: string): Promise<TokenRow | undefined> {
    const found = await client.query<TokenRow>(
      `SELECT ${VISIBLE} FROM ${this.table} WHERE org_id = $1 AND token_id = $2 AND revoked_at IS NULL`,
      [orgId, tokenId],
    );
    return found.rows[0];
  }

  async countActiveOwners(client: SqlClient, orgId: string): Promise<number> {
    const owners = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${this.table} WHERE org_id = $1 AND role = 'owner' AND revoked_at IS NULL`,
      [orgId],
    );
    return owners.rows[0].n;
  }

  async revoke(client: SqlClient, tokenId: string): Promise<TokenRow> {
    const revoked = await client.query<TokenRow>(
      `UPDATE ${this.table} SET revoked_at = now() WHERE token_id = $1 RETURNING ${VISIBLE}`,
      [tokenId],
    );
    return revoked.rows[0];
  }

  /**
   * Makes the token with this hash an active owner token of `token.org_id`: inserted, or (when it
   * exists in that org, even revoked) re-activated as owner. A hash of another org's token is left alone.
   */
  async upsertOwner(token: NewToken): Promise<void> {
    await this.db.query(
      `INSERT INTO ${this.table} (token_id, org_id, name, role, token_hash, token_hint, created_by) VALUES ($1, $2, $3, 'owner', $4, $5, $6)
       ON CONFLICT (token_hash) DO UPDATE SET revoked_at = NULL, role = 'owner' WHERE ${this.table}.org_id = EXCLUDED.org_id`,
      [token.token_id, token.org_id, token.name, token.token_hash, token.token_hint, token.created_by],
    );
  }

  /** Inserts a token outside any transaction (the bootstrap's new owner token). */
  async insertStandalone(token: NewToken): Promise<void> {
    await this.db.query(
      `INSERT INTO ${this.table} (token_id, org_id, name, role, token_hash, token_hint, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [token.token_id, token.org_id, token.name, token.role, token.token_hash, token.token_hint, token.created_by],
    );
  }
}
