import { api, RunningPlatform, startPlatform, uploadCsv } from '../support/platform';

/**
 * Read-your-writes: after a 2xx from a batch write, the very next read shows it (SPEC §9 reads
 * are served from reporting's read model, fed by events; the gateway answers a write only once the
 * read model shows it).
 */
describe('every batch write is visible on the next read', () => {
  let platform: RunningPlatform;

  beforeAll(async () => {
    // 4,000 writes and reads as fast as they go: the per-token rate limit (50/s) is not what this measures.
    platform = await startPlatform('ryw', { env: { GATEWAY_RATE_LIMIT_PER_SECOND: '0' } });
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
  });

  /** A batch that stays running with its contacts waiting all along: their calling window is closed. */
  async function batchThatStaysRunning(csv: string): Promise<string> {
    const created = await uploadCsv(platform, csv, {
      agent_id: 'agent-demo',
      bypass_call_guardrails: 'false',
      call_timing: JSON.stringify({ timezone: 'Etc/GMT', start_hour: 9, end_hour: 10, days: [] }),
    });
    expect(created.status).toBe(201);
    return created.body.batch_id;
  }

  /** `cycles` pause -> read -> resume -> read rounds; returns every read that did not show the write before it. */
  async function staleReadsOverCycles(id: string, cycles: number): Promise<string[]> {
    const stale: string[] = [];
    for (let i = 0; i < cycles; i++) {
      for (const [action, status] of [
        ['pause', 'paused'],
        ['resume', 'running'],
      ]) {
        expect((await api(platform, `/api/batch-calls/${id}/${action}`, { method: 'POST' })).status).toBe(200);
        const read = await api(platform, `/api/batch-calls/${id}`);
        if (read.body.status !== status) stale.push(`cycle ${i}: after ${action} read ${read.body.status}`);
      }
    }
    return stale;
  }

  it('1,000 pause -> read -> resume -> read cycles without one stale read', async () => {
    const id = await batchThatStaysRunning('phone,name\n+14155550131,A\n+14155550132,B\n');
    const started = Date.now();
    const stale = await staleReadsOverCycles(id, 1000);
    console.log(`1,000 pause/resume cycles with reads in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(stale).toEqual([]);
  }, 600_000);

  it('with 8 other clients polling the same batch all along, every write is still on the next read', async () => {
    // The gateway coalesces concurrent status reads of one batch (issue 16): a read must never be
    // answered by a fetch that began before it, or a poll under way would hand a stale status to
    // the read that follows a write.
    const id = await batchThatStaysRunning('phone\n+14155550133\n');
    const gateway = platform.processes.find((p) => p.service === 'gateway')!;
    const coalescedSoFar = async () => {
      const text = await (await fetch(`${gateway.url}/metrics`)).text();
      return Number(/^outdial_status_reads_coalesced_total(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? 0);
    };
    const coalescedBefore = await coalescedSoFar();
    let polling = true;
    let polls = 0;
    const pollers = Array.from({ length: 8 }, async () => {
      while (polling) {
        const read = await api(platform, `/api/batch-calls/${id}`);
        expect(read.status).toBe(200);
        polls++;
      }
    });
    let stale: string[];
    try {
      stale = await staleReadsOverCycles(id, 150);
    } finally {
      polling = false;
      await Promise.all(pollers);
    }
    expect(stale).toEqual([]);
    expect(polls).toBeGreaterThan(300);
    // The pollers did share reads: the path under test was taken.
    expect((await coalescedSoFar()) - coalescedBefore).toBeGreaterThan(0);
  }, 600_000);

  it('cancel, reschedule and delete are visible on the next read', async () => {
    const a = await uploadCsv(platform, 'phone\n+14155550141\n', {
      agent_id: 'agent-demo',
      scheduled_start_time: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(a.status).toBe(201);
    const later = new Date(Date.now() + 7_200_000).toISOString().replace(/\.\d+Z$/, '');
    const rescheduled = await api(platform, `/api/batch-calls/${a.body.batch_id}/reschedule`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ scheduled_start_time: later, timezone: 'UTC' }),
    });
    expect(rescheduled.status).toBe(200);
    const read = await api(platform, `/api/batch-calls/${a.body.batch_id}`);
    expect(new Date(read.body.scheduled_start_time).getTime()).toBe(new Date(`${later}Z`).getTime());
    expect((await api(platform, `/api/batch-calls/${a.body.batch_id}/cancel`, { method: 'POST' })).status).toBe(200);
    expect((await api(platform, `/api/batch-calls/${a.body.batch_id}`)).body.status).toBe('cancelled');
    expect((await api(platform, `/api/batch-calls/${a.body.batch_id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await api(platform, `/api/batch-calls/${a.body.batch_id}`)).status).toBe(404);
  }, 120_000);

  it('right after creating a 100,000-row batch, its contacts list counts every contact', async () => {
    const lines = ['phone,name'];
    for (let i = 0; i < 100_000; i++) lines.push(`+1646${String(2000000 + i).padStart(7, '0')},Contact ${i}`);
    const created = await uploadCsv(platform, lines.join('\n') + '\n', {
      agent_id: 'agent-demo',
      scheduled_start_time: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(created.status).toBe(201);
    const contacts = await api(platform, `/api/batch-calls/${created.body.batch_id}/contacts?page_size=25`);
    expect(contacts.status).toBe(200);
    expect(contacts.body.total).toBe(100_000);
    const pending = await api(
      platform,
      `/api/batch-calls/${created.body.batch_id}/contacts?status=pending&page_size=25`,
    );
    expect(pending.body.total).toBe(100_000);
    expect((await api(platform, `/api/batch-calls/${created.body.batch_id}`)).body.total_calls).toBe(100_000);
  }, 300_000);
});
