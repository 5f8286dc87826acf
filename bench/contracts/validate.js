'use strict';
// Payload checking per message, old path vs new (issue 16): µs per message for the hot subjects, as JSON
// lines. "old" is what parsePayload ran before the compiled fast path: class-transformer plainToInstance +
// class-validator validateSync (for the contacts chunk, the hand-written bulk check of the contacts plus
// that pass over the envelope). "new" is parsePayload today. "decode" is the transport's bytes -> JSON
// step, with a TextDecoder made per message (before) and one reused (after).
// Needs `npm run build` (reads packages/contracts/dist). Usage: node bench/contracts/validate.js [ms per case]
require('reflect-metadata');
const { plainToInstance } = require('class-transformer');
const { validateSync } = require('class-validator');
const contracts = require('../../packages/contracts/dist');

const { parsePayload, PAYLOAD_CLASSES, Subjects, flattenValidationErrors } = contracts;
const budgetMs = Number(process.argv[2] ?? 1500);
const AT = '2025-01-15T10:00:00.000Z';

/** parsePayload before the compiled fast path (payload-registry.ts at 96bf551). */
function oldParsePayload(subject, raw) {
  const cls = PAYLOAD_CLASSES[subject];
  const bulk = cls.bulk;
  const items = bulk ? raw[bulk.field] : undefined;
  if (bulk && Array.isArray(items) && items.every(bulk.isValid)) {
    const envelope = plainToInstance(cls, { ...raw, [bulk.field]: [] }, { exposeDefaultValues: true });
    const errors = validateSync(envelope, { forbidUnknownValues: false });
    if (errors.length > 0) throw new Error(JSON.stringify(flattenValidationErrors(errors)));
    envelope[bulk.field] = items;
    return envelope;
  }
  const instance = plainToInstance(cls, raw, { exposeDefaultValues: true });
  const errors = validateSync(instance, { forbidUnknownValues: false });
  if (errors.length > 0) throw new Error(JSON.stringify(flattenValidationErrors(errors)));
  return instance;
}

const attempt = {
  event_id: 'evt-3f1c2a',
  org_id: 'org-1',
  attempt_id: 'att-8d0e3b2c',
  batch_id: 'batch-5b9c',
  contact_id: 'c-000421',
  attempt: 1,
  provider: 'simulated',
};

const contacts = Array.from({ length: 1000 }, (_, i) => ({
  contact_id: `c-${String(i).padStart(6, '0')}`,
  row: i + 1,
  phone: `+1202555${String(i).padStart(4, '0')}`,
  name: `Contact ${i}`,
  timezone: 'America/New_York',
  priority: 0,
  variables: { city: 'Paris', plan: 'gold' },
  status: 'pending',
}));

const CASES = [
  [
    Subjects.dialRequested,
    {
      ...attempt,
      phone: '+12025550100',
      from_number: '+12025550199',
      agent_id: 'agent-demo',
      variables: { name: 'Ada', city: 'Paris' },
      timeout_seconds: 600,
      requested_at: AT,
      batch_concurrency: 5,
      not_after: '2025-01-15T21:00:00.000Z',
      calling_window: { start_hour: 8, end_hour: 21, weekdays: [1, 2, 3, 4, 5], zones: ['America/New_York'] },
    },
  ],
  [Subjects.callStarted, { ...attempt, provider_call_id: 'sim-abc123', started_at: AT }],
  [
    Subjects.callFinished,
    {
      ...attempt,
      provider_call_id: 'sim-abc123',
      outcome: 'completed',
      started_at: AT,
      answered_at: AT,
      ended_at: AT,
      duration_seconds: 42.5,
      recording_url: 'https://example.com/r.mp3',
      transcript: 'hello',
      cost: 0.12,
    },
  ],
  [
    Subjects.providerEvent,
    {
      event_id: 'evt-p1',
      provider: 'simulated',
      provider_call_id: 'sim-abc123',
      attempt_id: 'att-8d0e3b2c',
      kind: 'ended',
      outcome: 'completed',
      at: AT,
      duration_seconds: 42.5,
    },
  ],
  [
    Subjects.contactUpdated,
    {
      event_id: 'evt-u1',
      org_id: 'org-1',
      batch_id: 'batch-5b9c',
      contact_id: 'c-000421',
      version: 3,
      status: 'completed',
      final: true,
      attempts: 1,
      last_outcome: 'completed',
      last_attempt_at: AT,
      at: AT,
    },
  ],
  [
    Subjects.batchStatusChanged,
    {
      event_id: 'evt-s1',
      org_id: 'org-1',
      batch_id: 'batch-5b9c',
      status: 'running',
      previous_status: 'pending',
      at: AT,
    },
  ],
  [
    Subjects.contactsChunk,
    { event_id: 'evt-c1', org_id: 'org-1', batch_id: 'batch-5b9c', chunk_index: 0, chunk_count: 1, contacts },
  ],
];

/** µs per call of fn(), timed over ~budgetMs after a warm-up. */
function microsPerCall(fn) {
  const warmUntil = Date.now() + budgetMs / 4;
  while (Date.now() < warmUntil) fn();
  let calls = 0;
  const start = process.hrtime.bigint();
  const until = Date.now() + budgetMs;
  while (Date.now() < until) {
    for (let i = 0; i < 20; i++) fn();
    calls += 20;
  }
  return Number(process.hrtime.bigint() - start) / 1000 / calls;
}

const round = (x) => Math.round(x * 100) / 100;
const sharedDecoder = new TextDecoder('utf-8', { fatal: true });

for (const [subject, raw] of CASES) {
  const bytes = new TextEncoder().encode(JSON.stringify(raw));
  // Same answer both ways before timing anything.
  const a = oldParsePayload(subject, JSON.parse(JSON.stringify(raw)));
  const b = parsePayload(subject, JSON.parse(JSON.stringify(raw)));
  if (a.constructor !== b.constructor || JSON.stringify(a) !== JSON.stringify(b))
    throw new Error(`${subject}: paths disagree`);
  // Neither path mutates the raw object (both copy it), so one parsed payload serves every call; the
  // JSON parse is timed on its own (on a shared machine, timing it inside would drown the chunk's check).
  const parsed = JSON.parse(sharedDecoder.decode(bytes));
  const oldUs = microsPerCall(() => oldParsePayload(subject, parsed));
  const newUs = microsPerCall(() => parsePayload(subject, parsed));
  const parseOnly = microsPerCall(() => JSON.parse(sharedDecoder.decode(bytes)));
  const decodeFreshUs = microsPerCall(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  const decodeSharedUs = microsPerCall(() => sharedDecoder.decode(bytes));
  console.log(
    JSON.stringify({
      bench: 'contracts.validate',
      subject,
      bytes: bytes.length,
      old_us: round(oldUs),
      new_us: round(newUs),
      speedup: round(oldUs / newUs),
      json_parse_us: round(parseOnly - decodeSharedUs),
      decode_fresh_decoder_us: round(decodeFreshUs),
      decode_shared_decoder_us: round(decodeSharedUs),
    }),
  );
}

// The pipeline's mix: every small subject in turn through one process (shapes and classes interleaved,
// as a consumer of several subjects sees them), µs per message averaged over the mix.
{
  const mix = CASES.filter(([subject]) => subject !== Subjects.contactsChunk).map(([subject, raw]) => [
    subject,
    JSON.parse(JSON.stringify(raw)),
  ]);
  const oldUs = microsPerCall(() => {
    for (const [subject, raw] of mix) oldParsePayload(subject, raw);
  });
  const newUs = microsPerCall(() => {
    for (const [subject, raw] of mix) parsePayload(subject, raw);
  });
  console.log(
    JSON.stringify({
      bench: 'contracts.validate',
      subject: 'mix of the 6 small subjects above',
      old_us: round(oldUs / mix.length),
      new_us: round(newUs / mix.length),
      speedup: round(oldUs / newUs),
    }),
  );
}
