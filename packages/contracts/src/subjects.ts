/**
 * Every NATS subject Outdial uses, without the deployment prefix. The transport turns a logical
 * subject `v1.dial.requested` into `<prefix>.v1.dial.requested` (prefix `outdial` by default, a
 * per-run prefix in tests so runs never collide).
 */
export const Subjects = {
  // JetStream events
  batchIngested: 'v1.ingest.batch_ingested',
  contactsChunk: 'v1.ingest.contacts_chunk',
  batchStatusChanged: 'v1.batch.status_changed',
  dialRequested: 'v1.dial.requested',
  callStarted: 'v1.call.started',
  callFinished: 'v1.call.finished',
  contactUpdated: 'v1.contact.updated',
  callDeclined: 'v1.call.declined',
  batchDeleted: 'v1.batch.deleted',
  orgSettingsChanged: 'v1.org.settings_changed',
  agentChanged: 'v1.org.agent_changed',
  providerEvent: 'v1.provider.event',
  deadLetter: 'v1.dlq',
  // core NATS request/reply
  ingestCreateBatch: 'v1.rpc.ingest.create_batch',
  ingestValidateBatch: 'v1.rpc.ingest.validate_batch',
  ingestIssuesPage: 'v1.rpc.ingest.issues_page',
  ingestSuppressionList: 'v1.rpc.ingest.suppression_list',
  ingestSuppressionAdd: 'v1.rpc.ingest.suppression_add',
  ingestSuppressionImport: 'v1.rpc.ingest.suppression_import',
  ingestSuppressionRemove: 'v1.rpc.ingest.suppression_remove',
  ingestBatchSettings: 'v1.rpc.ingest.batch_settings',
  reportingGetBatch: 'v1.rpc.reporting.get_batch',
  reportingAwaitReadModel: 'v1.rpc.reporting.await_read_model',
  reportingBatchActivity: 'v1.rpc.reporting.batch_activity',
  reportingResultsPage: 'v1.rpc.reporting.results_page',
  reportingListBatches: 'v1.rpc.reporting.list_batches',
  reportingContactsPage: 'v1.rpc.reporting.contacts_page',
  reportingCallsPage: 'v1.rpc.reporting.calls_page',
  reportingReport: 'v1.rpc.reporting.report',
  reportingWebhookCreate: 'v1.rpc.reporting.webhook_create',
  reportingWebhookList: 'v1.rpc.reporting.webhook_list',
  reportingWebhookDelete: 'v1.rpc.reporting.webhook_delete',
  reportingWebhookDeliveries: 'v1.rpc.reporting.webhook_deliveries',
  reportingSystemCounts: 'v1.rpc.reporting.system_counts',
  reportingWebhookCallbackSecret: 'v1.rpc.reporting.webhook_callback_secret',
  schedulerBatchAction: 'v1.rpc.scheduler.batch_action',
} as const;

export type Subject = (typeof Subjects)[keyof typeof Subjects];

export type StreamRetention = 'limits' | 'workqueue';

export interface StreamDefinition {
  /** Stream name without the prefix; the full name is `<PREFIX>_<name>`. */
  name: string;
  /** Logical subject filter (prefix added at provisioning). */
  subjects: string[];
  retention: StreamRetention;
  /** Maximum age of a message, in seconds (0 = unlimited). */
  maxAgeSeconds: number;
  description: string;
}

const DAY = 24 * 3600;

/** The streams provisioned (idempotently) at start-up by every service. */
export const STREAMS: readonly StreamDefinition[] = [
  {
    name: 'INGEST',
    subjects: ['v1.ingest.>'],
    retention: 'limits',
    maxAgeSeconds: 7 * DAY,
    description: 'ingested batches and their contacts, in chunks',
  },
  {
    name: 'BATCH',
    subjects: ['v1.batch.>'],
    retention: 'limits',
    maxAgeSeconds: 30 * DAY,
    description: 'batch lifecycle events',
  },
  {
    name: 'DIAL',
    subjects: ['v1.dial.>'],
    retention: 'workqueue',
    maxAgeSeconds: 7 * DAY,
    description: 'dial requests, shared by all dialer replicas',
  },
  {
    name: 'CALL',
    subjects: ['v1.call.>'],
    retention: 'limits',
    maxAgeSeconds: 30 * DAY,
    description: 'call attempt events',
  },
  {
    name: 'CONTACT',
    subjects: ['v1.contact.>'],
    retention: 'limits',
    maxAgeSeconds: 30 * DAY,
    description: 'contact status changes decided by the scheduler',
  },
  {
    name: 'PROVIDER',
    subjects: ['v1.provider.>'],
    retention: 'workqueue',
    maxAgeSeconds: 7 * DAY,
    description: 'verified provider call status events',
  },
  {
    name: 'ORG',
    subjects: ['v1.org.>'],
    retention: 'limits',
    maxAgeSeconds: 0,
    description: 'org settings and limits (latest per org wins)',
  },
  {
    name: 'DLQ',
    subjects: ['v1.dlq.>'],
    retention: 'limits',
    maxAgeSeconds: 30 * DAY,
    description: 'terminated (poison) messages',
  },
];

/** Which stream holds a logical subject. */
export function streamForSubject(subject: string): StreamDefinition {
  const stream = STREAMS.find((s) => s.subjects.some((filter) => subjectMatches(filter, subject)));
  if (!stream) throw new Error(`no stream holds subject ${subject}`);
  return stream;
}

/** NATS wildcard match of a subject against a filter (`*` one token, `>` the rest). */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (f[i] !== '*' && f[i] !== s[i]) return false;
  }
  return f.length === s.length;
}

/** A prefix is one subject token that is also valid in a stream name. */
export function assertValidPrefix(prefix: string): void {
  if (!/^[a-z][a-z0-9_-]{0,31}$/.test(prefix)) {
    throw new Error(`invalid NATS prefix "${prefix}": use 1-32 of [a-z0-9_-], starting with a letter`);
  }
}

export function prefixedSubject(prefix: string, subject: string): string {
  return `${prefix}.${subject}`;
}

export function prefixedStreamName(prefix: string, stream: string): string {
  return `${prefix.toUpperCase().replace(/-/g, '_')}_${stream}`;
}

/** The object store bucket uploads travel in, from gateway to ingest. */
export function uploadsBucketName(prefix: string): string {
  return `${prefix.replace(/-/g, '_')}_uploads`;
}
