import { Database, Outbox, OutboxEvent, quoteIdent } from '@outdial/service-runtime';

import { orgSettingsEvent } from '../src/domain/directory-events';
import { DirectoryOutbox, DirectoryUnitOfWork } from '../src/persistence/directory-unit-of-work';
import { OrgsRepository } from '../src/persistence/orgs.repository';
import { GatewayTestDb, migratedGatewayDb } from './gateway-db';

/** The outbox the admin CLI uses too: the runtime's Outbox, enqueue only, kicks counted. */
function countingOutbox(db: Database): DirectoryOutbox & { kicks: number } {
  const real = Outbox.enqueueOnly(db);
  // enqueue validates each payload against its subject's class (outside production), as in the gateway.
  const outbox = {
    kicks: 0,
    enqueue: (client: Parameters<Outbox['enqueue']>[0], events: OutboxEvent[]) => real.enqueue(client, events),
    kick: () => void outbox.kicks++,
  };
  return outbox;
}

/** DirectoryUnitOfWork against the real PostgreSQL: a change and its events commit together or not at all. */
describe('DirectoryUnitOfWork', () => {
  let t: GatewayTestDb;
  let outbox: ReturnType<typeof countingOutbox>;
  let unitOfWork: DirectoryUnitOfWork;
  let orgs: OrgsRepository;
  const outboxRows = () =>
    t.db.query<{ subject: string; msg_id: string }>(
      `SELECT subject, msg_id FROM ${quoteIdent(t.db.schema)}.outbox ORDER BY id`,
    );

  beforeAll(async () => {
    t = await migratedGatewayDb('gwuow');
    outbox = countingOutbox(t.db);
    unitOfWork = new DirectoryUnitOfWork(t.db, outbox);
    orgs = new OrgsRepository(t.db);
  });

  afterAll(async () => {
    await t?.close();
  });

  it("enqueues the events in the change's transaction and kicks the relay after the commit", async () => {
    await unitOfWork.run(async (client, events) => {
      const row = (await orgs.insert(client, 'org-a', 'A', {}))!;
      events.push(orgSettingsEvent(row), orgSettingsEvent({ ...row, version: 2 }));
    });
    expect(await outboxRows()).toEqual([
      { subject: 'v1.org.settings_changed', msg_id: 'org_settings:org-a:v1' },
      { subject: 'v1.org.settings_changed', msg_id: 'org_settings:org-a:v2' },
    ]);
    expect(outbox.kicks).toBe(1);
  });

  it('a failed change writes neither its rows nor its events, and kicks nothing', async () => {
    await expect(
      unitOfWork.run(async (client, events) => {
        events.push(orgSettingsEvent((await orgs.insert(client, 'org-b', 'B', {}))!));
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect((await outboxRows()).map((r) => r.msg_id)).toEqual(['org_settings:org-a:v1', 'org_settings:org-a:v2']);
    await expect(orgs.get('org-b')).rejects.toMatchObject({ code: 'not_found' });
    expect(outbox.kicks).toBe(1);
  });

  it('a change without events does not kick the relay', async () => {
    await unitOfWork.run((client) => orgs.insert(client, 'org-c', 'C', {}));
    expect(outbox.kicks).toBe(1);
  });
});
