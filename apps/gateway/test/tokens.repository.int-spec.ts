import { hashToken } from '../src/domain/token-hash';
import { OrgsRepository } from '../src/persistence/orgs.repository';
import { NewToken, TokensRepository } from '../src/persistence/tokens.repository';
import { GatewayTestDb, migratedGatewayDb } from './gateway-db';

const token = (id: string, org: string, role: NewToken['role'], secret: string): NewToken => ({
  token_id: id,
  org_id: org,
  name: id,
  role,
  token_hash: hashToken(secret),
  token_hint: secret.slice(-4),
  created_by: null,
});

/** TokensRepository against the real PostgreSQL: lookup by hash, revocation, owner counts, the bootstrap upsert. */
describe('TokensRepository', () => {
  let t: GatewayTestDb;
  let tokens: TokensRepository;

  beforeAll(async () => {
    t = await migratedGatewayDb('gwtokens');
    tokens = new TokensRepository(t.db);
    const orgs = new OrgsRepository(t.db);
    await t.db.tx(async (client) => {
      await orgs.insert(client, 'org-a', 'A', {});
      await orgs.insert(client, 'org-b', 'B', {});
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('finds an active token by hash as its identity; the row it returns never carries the hash', async () => {
    const row = await t.db.tx((client) => tokens.insert(client, token('tok_1', 'org-a', 'owner', 'secret-one')));
    expect(row).toMatchObject({
      token_id: 'tok_1',
      org_id: 'org-a',
      role: 'owner',
      token_hint: '-one',
      revoked_at: null,
    });
    expect(row).not.toHaveProperty('token_hash');
    expect(await tokens.findActiveByHash(hashToken('secret-one'))).toEqual({
      token_id: 'tok_1',
      org_id: 'org-a',
      role: 'owner',
    });
    expect(await tokens.findActiveByHash(hashToken('unknown'))).toBeUndefined();
    const page = await tokens.list('org-a', { page: 1, page_size: 10 });
    expect(page.total).toBe(1);
    expect(page.items[0]).not.toHaveProperty('token_hash');
  });

  it('revoked tokens no longer authenticate and no longer count as owners', async () => {
    await t.db.tx((client) => tokens.insert(client, token('tok_2', 'org-a', 'owner', 'secret-two')));
    expect(await t.db.tx((client) => tokens.countActiveOwners(client, 'org-a'))).toBe(2);
    const revoked = await t.db.tx(async (client) => {
      expect(await tokens.findActiveInTx(client, 'org-a', 'tok_2')).toMatchObject({ token_id: 'tok_2' });
      expect(await tokens.findActiveInTx(client, 'org-b', 'tok_2')).toBeUndefined();
      return tokens.revoke(client, 'tok_2');
    });
    expect(revoked.revoked_at).toBeInstanceOf(Date);
    expect(await tokens.findActiveByHash(hashToken('secret-two'))).toBeUndefined();
    expect(await t.db.tx((client) => tokens.findActiveInTx(client, 'org-a', 'tok_2'))).toBeUndefined();
    expect(await t.db.tx((client) => tokens.countActiveOwners(client, 'org-a'))).toBe(1);
  });

  it("upsertOwner re-activates a revoked token of the same org as owner, and leaves another org's token alone", async () => {
    await tokens.upsertOwner(token('tok_new', 'org-a', 'owner', 'secret-two'));
    expect(await tokens.findActiveByHash(hashToken('secret-two'))).toEqual({
      token_id: 'tok_2',
      org_id: 'org-a',
      role: 'owner',
    });
    await tokens.insertStandalone(token('tok_b', 'org-b', 'member', 'secret-b'));
    await tokens.upsertOwner(token('tok_x', 'org-a', 'owner', 'secret-b'));
    expect(await tokens.findActiveByHash(hashToken('secret-b'))).toEqual({
      token_id: 'tok_b',
      org_id: 'org-b',
      role: 'member',
    });
  });
});
