import { Subjects } from '@outdial/contracts';

import { api, RunningPlatform, startPlatform, uploadCsv } from '../support/platform';

/**
 * No head-of-line blocking: messages that cannot be applied (chunks of a batch nobody registered,
 * the chunks of a huge batch deleted while they are still in flight) never hold up another
 * batch, and the ones that can never apply are dead-lettered with their reason and shown in
 * GET /api/system/status.
 */
describe('no tenant stalls another', () => {
  let platform: RunningPlatform;

  beforeAll(async () => {
    platform = await startPlatform('headofline', {
      env: { SCHEDULER_UNKNOWN_BATCH_MAX_AGE_SECONDS: '5', SIM_TIME_SCALE: '0.01' },
    });
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
  });

  async function threeContactBatchSeconds(label: string): Promise<number> {
    const started = Date.now();
    const created = await uploadCsv(
      platform,
      'phone,name,sim_outcomes\n+14155550121,A,completed\n+14155550122,B,busy\n+14155550123,C,completed\n',
      {
        agent_id: 'agent-demo',
        max_attempts: '1',
        name: label,
      },
    );
    expect(created.status).toBe(201);
    const createdAt = Date.now();
    const batchId = created.body.batch_id;
    const marks: Record<string, number> = {};
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const t = (Date.now() - createdAt) / 1000;
      if (
        !marks.scheduler &&
        (await platform.db.query(`SELECT 1 FROM scheduler.contacts WHERE batch_id = $1`, [batchId])).rowCount
      )
        marks.scheduler = t;
      if (
        !marks.reporting &&
        (await platform.db.query(`SELECT 1 FROM reporting.contacts WHERE batch_id = $1`, [batchId])).rowCount
      )
        marks.reporting = t;
      if (
        !marks.dialed &&
        (await platform.db.query(`SELECT 1 FROM dialer.attempts WHERE batch_id = $1`, [batchId])).rowCount
      )
        marks.dialed = t;
      if ((await api(platform, `/api/batch-calls/${batchId}`)).body?.status === 'completed') {
        marks.completed = t;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }

    console.log(
      `${label}: created in ${((createdAt - started) / 1000).toFixed(1)} s, then (s) ${JSON.stringify(marks)}`,
    );
    expect(marks.completed).toBeDefined();
    return (Date.now() - started) / 1000;
  }

  it('forged chunks of an unknown batch are dead-lettered with their reason and never delay another batch', async () => {
    const { connect } = await import('@nats-io/transport-node');
    const { jetstream } = await import('@nats-io/jetstream');
    const nc = await connect({ servers: platform.env.natsUrl });
    const js = jetstream(nc);
    const forged = 40;
    for (let i = 0; i < forged; i++) {
      const chunk = {
        event_id: `forged-chunk-${i}`,
        org_id: 'default',
        batch_id: 'batch_never_registered',
        chunk_index: i,
        chunk_count: forged,
        contacts: [
          {
            contact_id: `forged-${i}`,
            row: i + 1,
            phone: '+14155550199',
            priority: 0,
            variables: {},
            status: 'pending',
          },
        ],
      };
      await js.publish(`${platform.env.prefix}.${Subjects.contactsChunk}`, JSON.stringify(chunk), {
        msgID: chunk.event_id,
      });
    }
    await nc.close();

    const seconds = await threeContactBatchSeconds('behind forged chunks');
    expect(seconds).toBeLessThan(10);

    const deadline = Date.now() + 60_000;
    let status: any;
    while (Date.now() < deadline) {
      status = (await api(platform, '/api/system/status')).body;
      if ((status?.dead_letters?.by_service?.scheduler ?? 0) >= forged) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(status.dead_letters.by_service.scheduler).toBe(forged);

    const { jetstreamManager } = await import('@nats-io/jetstream');
    const nc2 = await connect({ servers: platform.env.natsUrl });
    try {
      const jsm = await jetstreamManager(nc2);
      const stream = `${platform.env.prefix.toUpperCase()}_DLQ`;
      const last = await jsm.streams.getMessage(stream, {
        last_by_subj: `${platform.env.prefix}.${Subjects.deadLetter}.scheduler`,
      });
      expect(last.header.get('Outdial-Reason')).toMatch(
        /never applicable: batch batch_never_registered not registered yet after \d+ s/,
      );
    } finally {
      await nc2.close();
    }
  }, 120_000);

  it('a 200,000-row batch created, paused and deleted at once does not hold up a 3-contact batch', async () => {
    const lines = ['phone,name'];
    for (let i = 0; i < 200_000; i++) lines.push(`+1312${String(2000000 + i).padStart(7, '0')},Contact ${i}`);
    const created = await uploadCsv(platform, lines.join('\n') + '\n', {
      agent_id: 'agent-demo',
      max_attempts: '1',
      concurrency: '5',
      name: 'huge',
    });
    expect(created.status).toBe(201);
    // SPEC §4: a running batch is paused (or cancelled) before it can be deleted.
    expect((await api(platform, `/api/batch-calls/${created.body.batch_id}/pause`, { method: 'POST' })).status).toBe(
      200,
    );
    const deleted = await api(platform, `/api/batch-calls/${created.body.batch_id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    const seconds = await threeContactBatchSeconds('after a deleted 200k batch');

    console.log(`3-contact batch completed ${seconds.toFixed(1)} s after a 200,000-row batch was deleted`);
    // Before the head-of-line fix (issue 15) this took 33-53 s; with the tombstone checked only after
    // each of the deleted batch's 200 chunks was parsed and validated, 10.6-12.8 s. The chunks now carry
    // the batch id as a header and are dropped unparsed (DeletedBatchGate).
    expect(seconds).toBeLessThan(10);
  }, 180_000);
});
