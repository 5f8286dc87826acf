import { AgentChangedEvent } from '@outdial/contracts';

import { AgentsRepository } from '../src/persistence/agents.repository';
import { openRepositoryDb, RepositoryDb } from './support/repository-db';

/** AgentsRepository against the real PostgreSQL: the highest version wins; secrets stay sealed. */
describe('AgentsRepository', () => {
  let r: RepositoryDb;
  let agents: AgentsRepository;

  beforeAll(async () => {
    r = await openRepositoryDb('repoagents');
    agents = new AgentsRepository(r.db);
  });
  afterAll(async () => {
    await r?.close();
  });

  const event = (overrides: Partial<AgentChangedEvent> = {}): AgentChangedEvent =>
    ({
      event_id: 'e',
      org_id: 'org-1',
      agent_id: 'agent-1',
      name: 'bot',
      kind: 'voice',
      provider: 'http',
      config: { endpoint_url: 'https://a.example/v1' },
      deleted: false,
      version: 1,
      at: new Date().toISOString(),
      ...overrides,
    }) as AgentChangedEvent;
  const apply = (e: AgentChangedEvent) => r.db.tx((client) => agents.apply(client, e));

  it('finds nothing for an agent never announced', async () => {
    expect(await agents.find('org-1', 'nobody')).toBeNull();
  });

  it('stores the announcement, its config and sealed secrets', async () => {
    expect(await apply(event({ sealed_secrets: 'v1.sealed' }))).toBe(true);
    expect(await agents.find('org-1', 'agent-1')).toEqual({
      org_id: 'org-1',
      agent_id: 'agent-1',
      provider: 'http',
      config: { endpoint_url: 'https://a.example/v1' },
      sealed_secrets: 'v1.sealed',
      deleted: false,
      version: 1,
    });
  });

  it('applies a higher version, ignores an equal or lower one', async () => {
    expect(await apply(event({ version: 3, provider: 'twilio', config: { twiml_url: 'https://t.example' } }))).toBe(
      true,
    );
    expect(await apply(event({ version: 3, config: { endpoint_url: 'https://same-version.example' } }))).toBe(false);
    expect(await apply(event({ version: 2, config: { endpoint_url: 'https://older.example' } }))).toBe(false);
    expect(await agents.find('org-1', 'agent-1')).toMatchObject({
      provider: 'twilio',
      config: { twiml_url: 'https://t.example' },
      version: 3,
      sealed_secrets: null,
    });
  });

  it('keeps a deletion as a flagged row (a later dial ends agent_error rather than waiting)', async () => {
    expect(await apply(event({ version: 4, deleted: true }))).toBe(true);
    expect(await agents.find('org-1', 'agent-1')).toMatchObject({ deleted: true, version: 4 });
  });

  it('keeps agents of different orgs apart', async () => {
    await apply(event({ org_id: 'org-2', version: 1, config: { endpoint_url: 'https://org2.example' } }));
    expect(await agents.find('org-2', 'agent-1')).toMatchObject({
      config: { endpoint_url: 'https://org2.example' },
      version: 1,
    });
    expect(await agents.find('org-1', 'agent-1')).toMatchObject({ version: 4 });
  });
});
