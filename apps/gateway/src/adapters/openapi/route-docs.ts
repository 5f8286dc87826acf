/**
 * Documentation for routes that read their request themselves (uploads, streams) or whose
 * controllers carry no swagger decorators. Keyed by `METHOD /path` as in the document; a field is
 * only filled in when the controller's own decorators did not set it, so decorators always win.
 */

const json = (schema: object, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const str = (extra: object = {}) => ({ type: 'string', ...extra });
const int = (extra: object = {}) => ({ type: 'integer', ...extra });
const time = { type: 'string', format: 'date-time', nullable: true };

const validation = {
  type: 'object',
  properties: {
    total_rows: int(),
    valid_rows: int(),
    invalid_rows: int(),
    duplicate_rows: int(),
    empty_rows: int(),
    suppressed_rows: int(),
    issues: {
      type: 'array',
      items: { type: 'object', properties: { row: int(), phone: str(), code: str(), message: str() } },
    },
  },
};

const createResult = {
  type: 'object',
  properties: {
    batch_id: str({ example: 'batch_0f3c…' }),
    status: str({ enum: ['pending', 'scheduled', 'running'] }),
    name: str(),
    validation,
    estimated_cost: { type: 'number' },
    estimated_duration_seconds: int(),
  },
};

const settingsFields = {
  agent_id: str({ description: 'A voice agent of the org' }),
  name: str(),
  description: str(),
  from_number: str({ description: 'E.164, an outbound-enabled number of the org (default: the first)' }),
  campaign_id: str(),
  concurrency: int({ minimum: 1, maximum: 50 }),
  max_attempts: int({ minimum: 1, maximum: 10 }),
  retry_policy: str({ description: 'JSON text in multipart, e.g. {"retry_on":["busy","no_answer"]}' }),
  scheduled_start_time: str({ description: 'ISO 8601; without offset read in `timezone`' }),
  timezone: str({ description: 'IANA zone (default UTC)' }),
  end_time: str(),
  call_timing: str({ description: 'JSON text in multipart' }),
  callback_url: str(),
  default_region: str({ description: 'ISO 3166 alpha-2 for national-format numbers' }),
  invalid_phone_handling: str({ enum: ['skip', 'use_as_is'] }),
  column_mapping: str({ description: 'JSON text in multipart, e.g. {"phone":"phone_number"}' }),
  metadata: str({ description: 'JSON text in multipart' }),
};

/** The settings as a JSON body carries them: objects as objects, booleans as booleans. */
const { column_mapping: _mapping, ...plainSettings } = settingsFields;
const jsonSettingsFields = {
  ...plainSettings,
  retry_policy: {
    type: 'object',
    additionalProperties: true,
    description: '{retry_on, delays_seconds, backoff_multiplier?, retry_on_voicemail?}',
  },
  call_timing: {
    type: 'object',
    additionalProperties: true,
    description: '{start_hour, end_hour, days, skip_weekends, timezone, delay_between_calls_seconds}',
  },
  metadata: { type: 'object', additionalProperties: true },
  bypass_call_guardrails: { type: 'boolean' },
  priority: int(),
  timeout_per_call_seconds: int(),
};

const uploadBody = (extra: Record<string, object> = {}, required = ['file', 'agent_id']) => ({
  required: true,
  content: {
    'multipart/form-data': {
      schema: {
        type: 'object',
        required,
        properties: {
          file: { type: 'string', format: 'binary', description: 'CSV or JSON contact list (≤ 100 MB)' },
          ...settingsFields,
          ...extra,
        },
      },
    },
    'application/json': {
      schema: {
        type: 'object',
        required: ['agent_id', 'calls'],
        properties: {
          ...settingsFields,
          calls: { type: 'array', items: { type: 'object', additionalProperties: true } },
        },
      },
    },
  },
});

const listOf = (item: object) => ({
  type: 'object',
  properties: { items: { type: 'array', items: item }, total: int(), page: int(), page_size: int() },
});

const contactItem = {
  type: 'object',
  properties: {
    contact_id: str(),
    row: int(),
    phone: str(),
    name: str({ nullable: true }),
    variables: { type: 'object', additionalProperties: true },
    status: str(),
    last_outcome: str({ nullable: true }),
    attempts: int(),
    max_attempts: int(),
    last_attempt_at: time,
    next_retry_at: time,
    duration_seconds: int({ nullable: true }),
    failure_reason: str({ nullable: true }),
    call_id: str({ nullable: true }),
    recording_url: str({ nullable: true }),
    transcript: str({ nullable: true }),
  },
};

const attemptItem = {
  type: 'object',
  properties: {
    call_id: str(),
    contact_id: str(),
    phone: str(),
    attempt: int(),
    outcome: str({ nullable: true }),
    status: str(),
    started_at: time,
    answered_at: time,
    ended_at: time,
    duration_seconds: int({ nullable: true }),
    cost: { type: 'number', nullable: true },
    provider: str(),
    provider_call_id: str({ nullable: true }),
  },
};

const batchStatus = {
  type: 'object',
  properties: {
    batch_id: str(),
    name: str(),
    status: str({ enum: ['pending', 'scheduled', 'running', 'paused', 'completed', 'failed', 'cancelled'] }),
    agent_id: str(),
    from_number: str(),
    concurrency: int(),
    max_attempts: int(),
    total_calls: int(),
    completed: int(),
    failed: int(),
    pending: int(),
    in_progress: int(),
    progress_percent: { type: 'number' },
    success_rate: { type: 'number' },
    avg_duration_seconds: { type: 'number', nullable: true },
    cost_so_far: { type: 'number' },
    created_at: time,
    estimated_completion: time,
    start_time: time,
    completed_at: time,
    scheduled_start_time: time,
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { row: int(), phone: str({ nullable: true }), error: str(), retry_count: int() },
      },
    },
  },
  additionalProperties: true,
};

const webhookAttempt = {
  type: 'object',
  properties: {
    attempt: int({ minimum: 1 }),
    started_at: str({ format: 'date-time' }),
    duration_ms: int({
      nullable: true,
      description: 'null while the try is under way, or when its result was never recorded',
    }),
    status_code: int({ nullable: true, description: "The receiver's HTTP status; null when no answer came" }),
    error: str({
      nullable: true,
      description: 'e.g. `HTTP 500`, `fetch failed (ECONNREFUSED)`, `no answer within 10000 ms`',
    }),
    result: str({ enum: ['succeeded', 'failed', 'in_progress', 'interrupted'] }),
  },
};

const webhookDelivery = {
  type: 'object',
  properties: {
    delivery_id: str(),
    event_id: str(),
    type: str(),
    batch_id: str({ nullable: true }),
    url: str(),
    status: str({ enum: ['pending', 'delivered', 'failed'] }),
    attempts: int({ description: 'Number of tries so far' }),
    last_status_code: int({ nullable: true }),
    last_error: str({ nullable: true }),
    next_attempt_at: time,
    created_at: str({ format: 'date-time' }),
    delivered_at: time,
    attempt_history: { type: 'array', items: webhookAttempt, description: 'Every try, oldest first' },
  },
};

const actionResult = json({
  type: 'object',
  properties: { batch_id: str(), status: str(), previous_status: str(), scheduled_start_time: time },
});
const batchId = { name: 'id', in: 'path', required: true, schema: str(), description: 'Batch id' };
const page = [
  { name: 'page', in: 'query', required: false, schema: int({ minimum: 1, default: 1 }) },
  { name: 'page_size', in: 'query', required: false, schema: int({ minimum: 1, maximum: 200, default: 50 }) },
];

export const ROUTE_DOCS: Record<string, Record<string, unknown>> = {
  'POST /api/batch-calls': {
    summary: 'Create a batch (owner, admin)',
    description:
      'Multipart (`file` + settings as form fields) or JSON (`calls` + settings). Send `Idempotency-Key` to make retries safe: same key and body → same batch; same key, other body → 422.',
    parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: str({ maxLength: 200 }) }],
    requestBody: uploadBody(),
    responses: { '201': json(createResult, 'Created, with the validation report') },
  },
  'POST /api/batch-calls/validate': {
    summary: 'Dry run: the validation report only (owner, admin)',
    requestBody: uploadBody(),
    responses: { '200': json({ type: 'object', properties: { validation } }) },
  },
  'GET /api/batch-calls/template.csv': {
    summary: 'CSV template for an agent',
    parameters: [{ name: 'agent_id', in: 'query', required: false, schema: str() }],
    responses: { '200': { description: 'CSV', content: { 'text/csv': { schema: str() } } } },
  },
  'GET /api/batch-calls': {
    summary: 'List batches',
    parameters: [
      { name: 'status', in: 'query', required: false, schema: str() },
      { name: 'search', in: 'query', required: false, schema: str() },
      ...page,
    ],
    responses: { '200': json(listOf(batchStatus)) },
  },
  'GET /api/batch-calls/{id}': {
    summary: 'Batch status and progress (SPEC §8)',
    parameters: [batchId],
    responses: { '200': json(batchStatus) },
  },
  'GET /api/batch-calls/{id}/contacts': {
    summary: 'Contacts of a batch',
    parameters: [
      batchId,
      { name: 'status', in: 'query', required: false, schema: str(), description: 'Comma-separated contact statuses' },
      {
        name: 'attempts',
        in: 'query',
        required: false,
        schema: int({ minimum: 0 }),
        description: 'Exactly this many attempts',
      },
      { name: 'min_attempts', in: 'query', required: false, schema: int({ minimum: 0 }) },
      { name: 'max_attempts', in: 'query', required: false, schema: int({ minimum: 0 }) },
      {
        name: 'from',
        in: 'query',
        required: false,
        schema: str({ format: 'date-time' }),
        description: 'Last attempt at or after',
      },
      {
        name: 'to',
        in: 'query',
        required: false,
        schema: str({ format: 'date-time' }),
        description: 'Last attempt before',
      },
      {
        name: 'search',
        in: 'query',
        required: false,
        schema: str(),
        description: 'Part of the phone number or of the name',
      },
      { name: 'page', in: 'query', required: false, schema: int({ minimum: 1, default: 1 }) },
      { name: 'page_size', in: 'query', required: false, schema: int({ enum: [25, 50, 100], default: 50 }) },
    ],
    responses: { '200': json(listOf(contactItem)) },
  },
  'GET /api/batch-calls/{id}/calls': {
    summary: 'Attempts (calls) of a batch',
    parameters: [
      batchId,
      { name: 'outcome', in: 'query', required: false, schema: str(), description: 'Comma-separated attempt outcomes' },
      { name: 'contact_id', in: 'query', required: false, schema: str(), description: "Only this contact's attempts" },
      ...page,
    ],
    responses: { '200': json(listOf(attemptItem)) },
  },
  'GET /api/batch-calls/{id}/activity': {
    summary:
      'Activity log of a batch: created, started, paused (by which token, or auto-paused with the numbers that tripped it), resumed, retries scheduled per minute, completed, failed',
    parameters: [batchId, ...page],
    responses: {
      '200': json(
        listOf({
          type: 'object',
          required: ['at', 'kind', 'message'],
          properties: {
            at: time,
            kind: str(),
            actor: str({ nullable: true }),
            message: str(),
            data: { type: 'object', additionalProperties: true },
          },
        }),
      ),
    },
  },
  'POST /api/batch-calls/{id}/pause': {
    summary: 'Pause a running batch (owner, admin)',
    parameters: [batchId],
    responses: { '200': actionResult },
  },
  'POST /api/batch-calls/{id}/resume': {
    summary: 'Resume a paused batch (owner, admin)',
    parameters: [batchId],
    responses: { '200': actionResult },
  },
  'POST /api/batch-calls/{id}/cancel': {
    summary: 'Cancel a batch (owner, admin)',
    parameters: [batchId],
    responses: { '200': actionResult },
  },
  'POST /api/batch-calls/{id}/reschedule': {
    summary: 'Reschedule a pending or scheduled batch (owner, admin)',
    parameters: [batchId],
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['scheduled_start_time'],
            properties: { scheduled_start_time: str({ format: 'date-time' }), timezone: str() },
          },
        },
      },
    },
    responses: { '200': actionResult },
  },
  'GET /api/batch-calls/{id}/settings': {
    summary: 'The settings a batch was created with',
    description:
      'SPEC §3 settings as stored at create time (times in UTC): what "Duplicate settings" copies. A redial carries `settings.metadata.redial_of`.',
    parameters: [batchId],
    responses: {
      '200': json({
        type: 'object',
        required: ['batch_id', 'name', 'agent_id', 'from_number', 'settings'],
        properties: {
          batch_id: str(),
          name: str(),
          agent_id: str(),
          from_number: str(),
          settings: { type: 'object', additionalProperties: true },
        },
      }),
    },
  },
  'POST /api/batch-calls/{id}/redial': {
    summary: 'Redial: a new batch from the contacts that ended in the given statuses (owner, admin)',
    description:
      'SPEC §4 "Redial". `statuses` lists final contact statuses (`failed`, `voicemail`, `cancelled`, `expired`, …) and/or attempt outcomes ' +
      '(`busy`, `no_answer`, `timeout`: contacts whose retries ran out on that outcome). Every other field is a create setting that overrides the ' +
      'original\'s (by default the new batch has the original\'s settings, without its start and end times, and the name "<original> (redial)"). ' +
      "The new batch carries `metadata.redial_of` = the original's id. 422 `unprocessable` when no contact matches. `Idempotency-Key` is not supported.",
    parameters: [batchId],
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['statuses'],
            properties: {
              statuses: { type: 'array', minItems: 1, items: str({ example: 'no_answer' }) },
              ...jsonSettingsFields,
            },
          },
        },
      },
    },
    responses: {
      '201': json(
        { ...createResult, properties: { ...createResult.properties, redial_of: str(), redialed_contacts: int() } },
        'Created, like a create, with the validation report',
      ),
    },
  },
  'DELETE /api/batch-calls/{id}': {
    summary: 'Delete a batch and its data (owner, admin)',
    parameters: [batchId],
    responses: { '200': actionResult },
  },
  'GET /api/batch-calls/{id}/results': {
    summary: 'Results CSV',
    parameters: [
      batchId,
      {
        name: 'filter',
        in: 'query',
        required: false,
        schema: str({ enum: ['all', 'successful', 'failed'], default: 'all' }),
      },
    ],
    responses: { '200': { description: 'CSV, one record per contact', content: { 'text/csv': { schema: str() } } } },
  },
  'GET /api/batch-calls/{id}/report.json': {
    summary: 'Report (JSON)',
    parameters: [batchId],
    responses: { '200': json({ type: 'object', additionalProperties: true }) },
  },
  'GET /api/batch-calls/{id}/report.pdf': {
    summary: 'Report (PDF)',
    parameters: [batchId],
    responses: { '200': { description: 'PDF', content: { 'application/pdf': { schema: str({ format: 'binary' }) } } } },
  },
  'GET /api/batch-calls/{id}/events': {
    summary: 'Live progress (Server-Sent Events)',
    parameters: [batchId],
    responses: {
      '200': {
        description: 'text/event-stream of progress snapshots',
        content: { 'text/event-stream': { schema: str() } },
      },
    },
  },
  'GET /api/system/status': {
    summary: 'System status',
    responses: {
      '200': json({
        type: 'object',
        properties: {
          active_batches: int(),
          active_calls: int(),
          queue_size: int(),
          cpu_usage: { type: 'number' },
          memory_usage: { type: 'number' },
          disk_usage: { type: 'number' },
          dead_letters: {
            type: 'object',
            description:
              'Messages no service could ever apply (DLQ stream): total, and per service that gave up on them',
            properties: { total: int(), by_service: { type: 'object', additionalProperties: int() } },
          },
        },
        additionalProperties: true,
      }),
    },
  },
  'GET /api/batch-calls/{id}/issues.csv': {
    summary: 'Validation issues of the upload, as CSV (row, phone, code, message)',
    parameters: [batchId],
    responses: { '200': { description: 'CSV', content: { 'text/csv': { schema: str() } } } },
  },
  'GET /api/suppression-list': {
    summary: "The org's do-not-call list",
    parameters: [{ name: 'search', in: 'query', required: false, schema: str() }, ...page],
    responses: {
      '200': json(
        listOf({
          type: 'object',
          properties: { phone: str(), reason: str({ nullable: true }), created_at: time },
          additionalProperties: true,
        }),
      ),
    },
  },
  'POST /api/suppression-list': {
    summary: 'Add numbers to the do-not-call list (owner, admin)',
    description:
      'JSON `{phone_number}` or `{numbers: [...]}` (optional `reason`, `default_region`), or multipart with a CSV `file`.',
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: {
              phone_number: str(),
              numbers: { type: 'array', items: str() },
              reason: str(),
              default_region: str({ minLength: 2, maxLength: 2 }),
            },
          },
        },
        'multipart/form-data': {
          schema: {
            type: 'object',
            properties: { file: str({ format: 'binary' }), reason: str(), default_region: str() },
          },
        },
      },
    },
    responses: { '201': json({ type: 'object', additionalProperties: true }, 'Added') },
  },
  'POST /api/suppression-list/import': {
    summary: 'Import a CSV of numbers into the do-not-call list (owner, admin)',
    requestBody: {
      required: true,
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            required: ['file'],
            properties: { file: str({ format: 'binary' }), reason: str(), default_region: str() },
          },
        },
      },
    },
    responses: { '201': json({ type: 'object', additionalProperties: true }, 'Imported') },
  },
  'DELETE /api/suppression-list/{phone}': {
    summary: 'Remove a number from the do-not-call list (owner, admin)',
    parameters: [{ name: 'default_region', in: 'query', required: false, schema: str() }],
    responses: { '200': json({ type: 'object', properties: { phone: str(), removed: { type: 'boolean' } } }) },
  },
  'POST /api/webhooks': {
    summary: 'Register a webhook endpoint (owner, admin); its signing `secret` is shown once',
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['url'],
            properties: { url: str({ format: 'uri' }), events: { type: 'array', items: str() }, description: str() },
          },
        },
      },
    },
    responses: {
      '201': json(
        { type: 'object', properties: { secret: str() }, additionalProperties: true },
        'Created, with the signing secret',
      ),
    },
  },
  'GET /api/webhooks': {
    summary: "The org's webhook endpoints",
    responses: { '200': json(listOf({ type: 'object', additionalProperties: true })) },
  },
  'GET /api/webhooks/callback-secret': {
    summary: 'Secret for verifying provider callbacks of this org',
    responses: { '200': json({ type: 'object', additionalProperties: true }) },
  },
  'DELETE /api/webhooks/{id}': {
    summary: 'Delete a webhook endpoint (owner, admin)',
    responses: { '200': json({ type: 'object', additionalProperties: true }) },
  },
  'GET /api/webhooks/{id}/deliveries': {
    summary: 'Deliveries of a webhook endpoint, newest first, each with every try',
    description:
      'Each delivery lists every try in `attempt_history` (time, HTTP status or network error, duration), so a receiver that answered 500, 500, then 200 shows three tries. ' +
      'Finished deliveries are kept for `WEBHOOK_HISTORY_RETENTION_DAYS` (reporting setting, default 7) after they finished, then pruned; pending ones are kept until they finish.',
    parameters: [
      { name: 'id', in: 'path', required: true, schema: str(), description: 'Webhook endpoint id' },
      { name: 'status', in: 'query', required: false, schema: str({ enum: ['pending', 'delivered', 'failed'] }) },
      ...page,
    ],
    responses: { '200': json(listOf(webhookDelivery)) },
  },
  'POST /api/provider-events/{provider}': {
    summary: 'Provider call status callback (signed; no token)',
    description:
      'The signature is verified before anything is published; unsigned or badly signed callbacks are refused.',
    requestBody: {
      required: true,
      content: {
        'application/json': { schema: { type: 'object', additionalProperties: true } },
        'application/x-www-form-urlencoded': { schema: { type: 'object', additionalProperties: true } },
      },
    },
  },
  'GET /health/live': {
    summary: 'Liveness',
    responses: { '200': json({ type: 'object', additionalProperties: true }) },
  },
  'GET /health/ready': {
    summary: 'Readiness: database and NATS reachable',
    responses: { '200': json({ type: 'object', additionalProperties: true }), '503': { description: 'Not ready' } },
  },
  'GET /metrics': {
    summary: 'Prometheus metrics',
    responses: { '200': { description: 'Prometheus text format', content: { 'text/plain': { schema: str() } } } },
  },
  'POST /batches': {
    summary: 'Bolna-style: create a batch (not started until scheduled)',
    requestBody: {
      required: true,
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            required: ['file', 'agent_id'],
            properties: { file: str({ format: 'binary' }), agent_id: str(), from_phone_number: str() },
          },
        },
      },
    },
    responses: { '200': json({ type: 'object', properties: { batch_id: str(), state: str({ enum: ['created'] }) } }) },
  },
};
