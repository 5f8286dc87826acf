import { contactJson } from './contact-json';
import { ContactDraft } from './contact-row';

describe('contactJson', () => {
  const contact: ContactDraft = {
    row: 7,
    phone: '+14155550100',
    name: 'Zoë "Z" \\ O\'Neil\n',
    timezone: 'America/Los_Angeles',
    priority: -3,
    variables: { plan: 'gold', note: 'a,b "c"\t\u2028', 'nested.key': '' },
    status: 'pending',
  };

  it('is the JSON of the contact record, with every string escaped', () => {
    const json = contactJson('6a1f0d2e-0000-4000-8000-000000000001', contact, JSON.stringify(contact.variables));
    expect(JSON.parse(json)).toEqual({ contact_id: '6a1f0d2e-0000-4000-8000-000000000001', ...contact });
    expect(json).toBe(JSON.stringify({ contact_id: '6a1f0d2e-0000-4000-8000-000000000001', ...contact }));
  });

  it('leaves out an absent name and timezone', () => {
    const bare: ContactDraft = { row: 1, phone: 'n/a "12"', priority: 0, variables: {}, status: 'invalid_number' };
    expect(JSON.parse(contactJson('6a1f0d2e-0000-4000-8000-000000000002', bare, '{}'))).toEqual({
      contact_id: '6a1f0d2e-0000-4000-8000-000000000002',
      row: 1,
      phone: 'n/a "12"',
      priority: 0,
      variables: {},
      status: 'invalid_number',
    });
  });
});
