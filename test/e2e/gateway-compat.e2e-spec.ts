import { zoneWithLocalHour } from '../support/clock-zones';
import { RunningPlatform, startPlatform } from '../support/platform';

/**
 * The compatibility routes driven the way existing clients drive them: the Bolna seed's
 * batch_script.py (create -> schedule with an offset time -> poll status until completed ->
 * executions) and Trillet's Postman recipe (x-api-key + x-workspace-id, file + agentId).
 */
describe('gateway compatibility routes', () => {
  let platform: RunningPlatform;

  beforeAll(async () => {
    platform = await startPlatform('gwcompat');
    // Calls must not depend on the hour the test runs at (the 08:00-21:00 local-time guard).
    const org = await fetch(`${platform.gatewayUrl}/api/org`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${platform.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ compliance_guard: false }),
    });
    expect(org.status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
  });

  /** Like aiohttp: Authorization header, form data, JSON back. */
  async function bolna(
    method: string,
    path: string,
    body?: FormData | URLSearchParams,
    headers: Record<string, string> = {},
  ) {
    const response = await fetch(`${platform.gatewayUrl}${path}`, {
      method,
      body,
      headers: { Authorization: `Bearer ${platform.token}`, ...headers },
    });
    const text = await response.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, body: json, headers: response.headers };
  }

  /** The seed's CSV: `contact_number` header, E.164 numbers, other columns are variables. */
  function contactsForm(agentId: string, rows: string[], extra: Record<string, string> = {}): FormData {
    // Calling hours apply to these batches (the compat routes take no bypass): each contact gets a
    // zone where it is midday now, so the test does not depend on the hour it runs at.
    const csv =
      [
        'contact_number,first_name,last_name,sim_outcomes,sim_duration_seconds,timezone',
        ...rows.map((r) => `${r},${zoneWithLocalHour(12)}`),
      ].join('\n') + '\n';
    const form = new FormData();
    form.append('agent_id', agentId);
    for (const [k, v] of Object.entries(extra)) form.append(k, v);
    form.append('file', new Blob([csv], { type: 'application/octet-stream' }), 'contacts.csv');
    return form;
  }

  /** An instant a few seconds ahead, written with a +05:30 offset as in the seed. */
  function inIndia(msFromNow: number): string {
    const shifted = new Date(Date.now() + msFromNow + 5.5 * 3600_000);
    return `${shifted.toISOString().slice(0, 19)}+05:30`;
  }

  it('Bolna-style: create -> schedule -> status until completed -> executions', async () => {
    const created = await bolna(
      'POST',
      '/batches',
      contactsForm('agent-demo', [
        '+12065550142,Bruce,Wayne,completed,2',
        '+14155550142,Bruce,Lee,completed,1',
        '+13125550123,James,Bond,completed,3',
      ]),
    );
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ batch_id: expect.stringMatching(/^batch_/), state: 'created' });
    const batchId = created.body.batch_id;

    // Created, not started: nothing is dialed until it is scheduled.
    const waiting = await bolna('GET', `/batches/agent-demo/${batchId}`);
    expect(waiting.status).toBe(200);
    expect(waiting.body).toMatchObject({
      batch_id: batchId,
      agent_id: 'agent-demo',
      status: 'queued',
      outdial_status: 'pending',
      total_contacts: 3,
    });

    // The seed posts `data={...}`: application/x-www-form-urlencoded.
    const scheduledAt = inIndia(2000);
    const scheduled = await bolna(
      'POST',
      '/batches/schedule',
      new URLSearchParams({ agent_id: 'agent-demo', batch_id: batchId, scheduled_at: scheduledAt }),
    );
    expect(scheduled.status).toBe(200);
    expect(scheduled.body).toMatchObject({ batch_id: batchId, state: 'scheduled' });
    expect(new Date(scheduled.body.scheduled_at).getTime()).toBe(new Date(scheduledAt).getTime());

    let status: any;
    const seen = new Set<string>();
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      status = (await bolna('GET', `/batches/agent-demo/${batchId}`)).body;
      seen.add(status.status);
      if (status.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    if (status.status !== 'completed') {
      const contacts = await bolna('GET', `/api/batch-calls/${batchId}/contacts`);
      throw new Error(`batch not completed: ${JSON.stringify(status)}\ncontacts: ${JSON.stringify(contacts.body)}`);
    }
    expect(status).toMatchObject({
      status: 'completed',
      outdial_status: 'completed',
      execution_status: { completed: 3, failed: 0, pending: 0, in_progress: 0 },
    });
    expect(seen.has('scheduled')).toBe(true);
    // It did not start before its time.
    expect(new Date(status.started_at).getTime()).toBeGreaterThanOrEqual(new Date(scheduledAt).getTime() - 50);

    const executions = await bolna('GET', `/batches/agent-demo/${batchId}/executions`);
    expect(executions.status).toBe(200);
    expect(executions.headers.get('x-total-count')).toBe('3');
    expect(executions.body).toHaveLength(3);
    expect(executions.body.map((e: any) => e.telephony_data.to_number).sort()).toEqual([
      '+12065550142',
      '+13125550123',
      '+14155550142',
    ]);
    for (const execution of executions.body) {
      expect(execution).toMatchObject({
        agent_id: 'agent-demo',
        batch_id: batchId,
        status: 'completed',
        telephony_data: { from_number: '+12025550100', call_type: 'outbound' },
      });
      expect(execution.id).toBeTruthy();
      expect(execution.conversation_time).toBeGreaterThanOrEqual(0);
    }

    // Stopping a finished batch is a transition error, in the same error shape as everything else.
    const late = await bolna('POST', `/batches/${batchId}/stop`);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('invalid_transition');
  });

  it("Bolna-style: schedule validation, another agent's path is a 404, stop a waiting batch", async () => {
    const created = await bolna(
      'POST',
      '/batches',
      contactsForm('agent-demo', ['+14155550150,Ada,Lovelace,completed,1']),
    );
    const batchId = created.body.batch_id;

    const missing = await bolna('POST', '/batches/schedule', new URLSearchParams({ batch_id: batchId }));
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.map((d: any) => d.field).sort()).toEqual(['agent_id', 'scheduled_at']);
    const noOffset = await bolna(
      'POST',
      '/batches/schedule',
      new URLSearchParams({ agent_id: 'agent-demo', batch_id: batchId, scheduled_at: '2030-06-01T04:10:00' }),
    );
    expect([noOffset.status, noOffset.body.error.details[0].field]).toEqual([400, 'scheduled_at']);
    const wrongType = await bolna('POST', '/batches/schedule', undefined, { 'Content-Type': 'text/plain' });
    expect(wrongType.status).toBe(415);
    expect((await bolna('GET', `/batches/other-agent/${batchId}`)).status).toBe(404);
    const otherAgent = await bolna(
      'POST',
      '/batches/schedule',
      new URLSearchParams({ agent_id: 'other-agent', batch_id: batchId, scheduled_at: inIndia(60_000) }),
    );
    expect(otherAgent.status).toBe(404);
    expect(
      (await bolna('POST', '/batches', contactsForm('no-such-agent', ['+14155550151,A,B,completed,1']))).status,
    ).toBe(404);
    // A text agent cannot place calls.
    const textAgent = await fetch(`${platform.gatewayUrl}/api/agents`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${platform.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ agent_id: 'chat-bot', name: 'Chat bot', kind: 'text' }),
    });
    expect(textAgent.status).toBe(201);
    const refused = await bolna('POST', '/batches', contactsForm('chat-bot', ['+14155550152,A,B,completed,1']));
    expect([refused.status, refused.body.error.code]).toEqual([422, 'agent_not_voice']);

    const stopped = await bolna('POST', `/batches/${batchId}/stop`);
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ batch_id: batchId, state: 'stopped' });
    expect((await bolna('GET', `/batches/agent-demo/${batchId}`)).body).toMatchObject({
      status: 'stopped',
      outdial_status: 'cancelled',
    });
    expect((await bolna('GET', `/batches/agent-demo/${batchId}/executions`)).body).toEqual([]);
  });

  it('Trillet-style: x-api-key + x-workspace-id, multipart file + agentId', async () => {
    const trillet = (headers: Record<string, string>, fields: Record<string, string>) => {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      form.append(
        'file',
        new Blob(['phone_number,first_name\n+14155550160,Kim\n+14155550161,Lee\n'], { type: 'text/csv' }),
        'contacts.csv',
      );
      return fetch(`${platform.gatewayUrl}/v1/api/batch-calls`, { method: 'POST', body: form, headers }).then(
        async (r) => ({ status: r.status, body: await r.json() }),
      );
    };
    const created = await trillet(
      { 'x-api-key': platform.token, 'x-workspace-id': 'default' },
      { agentId: 'agent-demo' },
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      success: true,
      batchId: expect.stringMatching(/^batch_/),
      status: 'running',
      totalContacts: 2,
    });
    const native = await fetch(`${platform.gatewayUrl}/api/batch-calls/${created.body.batchId}`, {
      headers: { 'x-api-key': platform.token },
    }).then((r) => r.json());
    expect(native).toMatchObject({ batch_id: created.body.batchId, agent_id: 'agent-demo', total_calls: 2 });

    const otherWorkspace = await trillet(
      { 'x-api-key': platform.token, 'x-workspace-id': 'someone-else' },
      { agentId: 'agent-demo' },
    );
    expect(otherWorkspace.status).toBe(403);
    const noAgent = await trillet({ 'x-api-key': platform.token }, {});
    expect([noAgent.status, noAgent.body.error.details[0].field]).toEqual([400, 'agentId']);
    const noKey = await trillet({ 'x-workspace-id': 'default' }, { agentId: 'agent-demo' });
    expect(noKey.status).toBe(401);
  });
});
