import { toWebhookEndpointView } from './webhook-endpoints';

describe('toWebhookEndpointView', () => {
  it('shows an endpoint without its secret, times as ISO 8601', () => {
    expect(
      toWebhookEndpointView({
        webhook_id: 'wh_1',
        url: 'https://x.example/h',
        events: [],
        description: null,
        created_at: new Date('2025-01-01T00:00:00Z'),
      }),
    ).toEqual({
      webhook_id: 'wh_1',
      url: 'https://x.example/h',
      events: [],
      description: null,
      created_at: '2025-01-01T00:00:00.000Z',
    });
  });
});
