import { OrgsRepository } from '../src/persistence/orgs.repository';
import { PhoneNumbersRepository } from '../src/persistence/phone-numbers.repository';
import { GatewayTestDb, migratedGatewayDb } from './gateway-db';

/** PhoneNumbersRepository against the real PostgreSQL: one org per number, partial updates, the default caller number. */
describe('PhoneNumbersRepository', () => {
  let t: GatewayTestDb;
  let numbers: PhoneNumbersRepository;

  beforeAll(async () => {
    t = await migratedGatewayDb('gwnumbers');
    numbers = new PhoneNumbersRepository(t.db);
    const orgs = new OrgsRepository(t.db);
    await t.db.tx(async (client) => {
      await orgs.insert(client, 'org-a', 'A', {});
      await orgs.insert(client, 'org-b', 'B', {});
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('inserts a number and knows which org has it', async () => {
    const row = await t.db.tx((client) => numbers.insert(client, 'org-a', '+12025550100', true, 'simulated'));
    expect(row).toMatchObject({ org_id: 'org-a', e164: '+12025550100', outbound_enabled: true, provider: 'simulated' });
    expect(await t.db.tx((client) => numbers.ownerOf(client, '+12025550100'))).toBe('org-a');
    expect(await t.db.tx((client) => numbers.ownerOf(client, '+12025550199'))).toBeUndefined();
    expect(await numbers.isRegistered('+12025550100')).toBe(true);
    expect(await numbers.isRegistered('+12025550199')).toBe(false);
    await expect(numbers.get('org-b', '+12025550100')).rejects.toMatchObject({ code: 'not_found' });
  });

  it("update changes only what is given; update and delete of another org's number are not_found", async () => {
    expect(await numbers.update('org-a', '+12025550100', { provider: 'twilio' })).toMatchObject({
      outbound_enabled: true,
      provider: 'twilio',
    });
    expect(await numbers.update('org-a', '+12025550100', { outbound_enabled: false })).toMatchObject({
      outbound_enabled: false,
      provider: 'twilio',
    });
    await expect(numbers.update('org-b', '+12025550100', { outbound_enabled: true })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(numbers.delete('org-b', '+12025550100')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('the default caller number is the first outbound-enabled one by registration', async () => {
    expect(await numbers.firstOutbound('org-a')).toBeUndefined();
    expect(await numbers.isOutboundEnabled('org-a', '+12025550100')).toBe(false);
    await t.db.tx((client) => numbers.insert(client, 'org-a', '+12025550101', true, 'simulated'));
    await t.db.tx((client) => numbers.insert(client, 'org-a', '+12025550102', true, 'simulated'));
    expect(await numbers.firstOutbound('org-a')).toBe('+12025550101');
    expect(await numbers.isOutboundEnabled('org-a', '+12025550102')).toBe(true);
    expect(await numbers.isOutboundEnabled('org-b', '+12025550102')).toBe(false);
    const page = await numbers.list('org-a', { page: 1, page_size: 50 });
    expect(page.total).toBe(3);
    await numbers.delete('org-a', '+12025550101');
    expect(await numbers.firstOutbound('org-a')).toBe('+12025550102');
  });
});
