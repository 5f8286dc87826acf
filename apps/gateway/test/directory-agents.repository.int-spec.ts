import { AgentFields, DirectoryAgentsRepository } from '../src/persistence/directory-agents.repository';
import { OrgsRepository } from '../src/persistence/orgs.repository';
import { GatewayTestDb, holdTransaction, lockTimesOut, migratedGatewayDb } from './gateway-db';

const fields = (name: string, extra: Partial<AgentFields> = {}): AgentFields => ({
  name,
  kind: 'voice',
  provider: 'simulated',
  variables: ['first_name'],
  config: {},
  sealed_secrets: null,
  secret_names: [],
  ...extra,
});

/** DirectoryAgentsRepository against the real PostgreSQL: agents, tombstones and their version sequence, paging, the row lock. */
describe('DirectoryAgentsRepository', () => {
  let t: GatewayTestDb;
  let agents: DirectoryAgentsRepository;

  beforeAll(async () => {
    t = await migratedGatewayDb('gwagents');
    agents = new DirectoryAgentsRepository(t.db);
    const orgs = new OrgsRepository(t.db);
    await t.db.tx(async (client) => {
      await orgs.insert(client, 'org-a', 'A', {});
      await orgs.insert(client, 'org-b', 'B', {});
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('inserts, finds and refuses a taken id in the org (another org may reuse it)', async () => {
    const row = await t.db.tx((client) =>
      agents.insert(client, 'org-a', 'bot', fields('Bot', { config: { x: 1 }, secret_names: ['api_key'] }), 1),
    );
    expect(row).toMatchObject({
      org_id: 'org-a',
      agent_id: 'bot',
      name: 'Bot',
      kind: 'voice',
      variables: ['first_name'],
      config: { x: 1 },
      secret_names: ['api_key'],
      version: 1,
    });
    expect(await t.db.tx((client) => agents.insert(client, 'org-a', 'bot', fields('Again'), 1))).toBeUndefined();
    expect(await t.db.tx((client) => agents.insert(client, 'org-b', 'bot', fields('B bot'), 1))).toMatchObject({
      org_id: 'org-b',
    });
    expect((await agents.find('org-a', 'bot'))?.name).toBe('Bot');
    expect(await agents.find('org-a', 'missing')).toBeUndefined();
    await expect(agents.get('org-a', 'missing')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('update bumps the version; delete returns the last row and the tombstone keeps the version for a re-create', async () => {
    const updated = await t.db.tx(async (client) => {
      const before = await agents.selectForUpdate(client, 'org-a', 'bot');
      return agents.update(client, 'org-a', 'bot', fields('Bot 2', { provider: before!.provider }));
    });
    expect(updated).toMatchObject({ name: 'Bot 2', version: 2 });
    const tomb = await t.db.tx(async (client) => {
      const deleted = await agents.delete(client, 'org-a', 'bot');
      expect(deleted).toMatchObject({ version: 2 });
      return agents.upsertTombstone(client, deleted!, deleted!.version + 1);
    });
    expect(tomb).toMatchObject({ org_id: 'org-a', agent_id: 'bot', name: 'Bot 2', version: 3 });
    expect(await t.db.tx((client) => agents.delete(client, 'org-a', 'bot'))).toBeUndefined();
    expect((await t.db.tx((client) => agents.listTombstonesInTx(client))).map((r) => r.agent_id)).toEqual(['bot']);
    const version = await t.db.tx((client) => agents.takeTombstoneVersion(client, 'org-a', 'bot'));
    expect(version).toBe(3);
    expect(await t.db.tx((client) => agents.takeTombstoneVersion(client, 'org-a', 'bot'))).toBeUndefined();
  });

  it('lists one org page by page with the total', async () => {
    await t.db.tx(async (client) => {
      for (const id of ['p1', 'p2', 'p3']) await agents.insert(client, 'org-a', id, fields(id), 1);
    });
    const first = await agents.list('org-a', { page: 1, page_size: 2 });
    const second = await agents.list('org-a', { page: 2, page_size: 2 });
    expect(first.total).toBe(3);
    expect([...first.items, ...second.items].map((a) => a.agent_id).sort()).toEqual(['p1', 'p2', 'p3']);
    expect(first).toMatchObject({ page: 1, page_size: 2 });
    expect((await t.db.tx((client) => agents.listInTx(client))).map((a) => `${a.org_id}/${a.agent_id}`)).toEqual([
      'org-a/p1',
      'org-a/p2',
      'org-a/p3',
      'org-b/bot',
    ]);
  });

  it('selectForUpdate locks the agent row until the transaction ends', async () => {
    const holder = holdTransaction(t.db, (client) => agents.selectForUpdate(client, 'org-a', 'p1'));
    await holder.ready;
    try {
      expect(await lockTimesOut(t.db, 200, (client) => agents.selectForUpdate(client, 'org-a', 'p1'))).toBe(true);
      expect(await lockTimesOut(t.db, 200, (client) => agents.selectForUpdate(client, 'org-a', 'p2'))).toBe(false);
    } finally {
      holder.release();
      await holder.done;
    }
  });
});
