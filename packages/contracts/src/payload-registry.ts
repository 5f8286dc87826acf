import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import {
  BatchIngestedEvent,
  BatchStatusChangedEvent,
  CallFinishedEvent,
  CallStartedEvent,
  ContactsChunkEvent,
  ContactUpdatedEvent,
  DialRequest,
  ProviderCallEvent,
} from './events';
import { BatchQuery, CreateBatchCommand, ResultsPageQuery } from './rpc';
import { Subjects } from './subjects';
import { BatchSettingsQuery, IssuesPageQuery, SuppressionAddCommand, SuppressionImportCommand, SuppressionListQuery, SuppressionRemoveCommand } from './ingest-rpc';
import { AwaitReadModelQuery, BatchActivityQuery, CallsPageQuery, ContactsPageQuery, CreateWebhookCommand, ListBatchesQuery, OrgQuery, ReportQuery, WebhookDeliveriesQuery, WebhookQuery } from './reporting-rpc';
import { AgentChangedEvent, BatchActionCommand, BatchDeletedEvent, CallDeclinedEvent, OrgSettingsChangedEvent } from './lifecycle';

type PayloadClass = new () => object;

/** One payload class per subject: consumers turn raw messages into it before anything else runs. */
export const PAYLOAD_CLASSES: Record<string, PayloadClass> = {
  [Subjects.batchIngested]: BatchIngestedEvent as unknown as PayloadClass,
  [Subjects.contactsChunk]: ContactsChunkEvent as unknown as PayloadClass,
  [Subjects.batchStatusChanged]: BatchStatusChangedEvent as unknown as PayloadClass,
  [Subjects.dialRequested]: DialRequest as unknown as PayloadClass,
  [Subjects.callStarted]: CallStartedEvent as unknown as PayloadClass,
  [Subjects.callFinished]: CallFinishedEvent as unknown as PayloadClass,
  [Subjects.contactUpdated]: ContactUpdatedEvent as unknown as PayloadClass,
  [Subjects.providerEvent]: ProviderCallEvent as unknown as PayloadClass,
  [Subjects.callDeclined]: CallDeclinedEvent as unknown as PayloadClass,
  [Subjects.batchDeleted]: BatchDeletedEvent as unknown as PayloadClass,
  [Subjects.orgSettingsChanged]: OrgSettingsChangedEvent as unknown as PayloadClass,
  [Subjects.agentChanged]: AgentChangedEvent as unknown as PayloadClass,
  [Subjects.schedulerBatchAction]: BatchActionCommand as unknown as PayloadClass,
  [Subjects.ingestCreateBatch]: CreateBatchCommand as unknown as PayloadClass,
  [Subjects.ingestValidateBatch]: CreateBatchCommand as unknown as PayloadClass,
  [Subjects.ingestIssuesPage]: IssuesPageQuery as unknown as PayloadClass,
  [Subjects.ingestSuppressionList]: SuppressionListQuery as unknown as PayloadClass,
  [Subjects.ingestSuppressionAdd]: SuppressionAddCommand as unknown as PayloadClass,
  [Subjects.ingestSuppressionImport]: SuppressionImportCommand as unknown as PayloadClass,
  [Subjects.ingestSuppressionRemove]: SuppressionRemoveCommand as unknown as PayloadClass,
  [Subjects.ingestBatchSettings]: BatchSettingsQuery as unknown as PayloadClass,
  [Subjects.reportingGetBatch]: BatchQuery as unknown as PayloadClass,
  [Subjects.reportingAwaitReadModel]: AwaitReadModelQuery as unknown as PayloadClass,
  [Subjects.reportingBatchActivity]: BatchActivityQuery as unknown as PayloadClass,
  [Subjects.reportingResultsPage]: ResultsPageQuery as unknown as PayloadClass,
  [Subjects.reportingListBatches]: ListBatchesQuery as unknown as PayloadClass,
  [Subjects.reportingContactsPage]: ContactsPageQuery as unknown as PayloadClass,
  [Subjects.reportingCallsPage]: CallsPageQuery as unknown as PayloadClass,
  [Subjects.reportingReport]: ReportQuery as unknown as PayloadClass,
  [Subjects.reportingWebhookCreate]: CreateWebhookCommand as unknown as PayloadClass,
  [Subjects.reportingWebhookList]: OrgQuery as unknown as PayloadClass,
  [Subjects.reportingWebhookDelete]: WebhookQuery as unknown as PayloadClass,
  [Subjects.reportingWebhookDeliveries]: WebhookDeliveriesQuery as unknown as PayloadClass,
  [Subjects.reportingSystemCounts]: OrgQuery as unknown as PayloadClass,
  [Subjects.reportingWebhookCallbackSecret]: OrgQuery as unknown as PayloadClass,
};

export interface FieldError {
  field: string;
  problems: string[];
}

/** A message whose payload does not match its subject's class. Never worth redelivering. */
export class InvalidPayloadError extends Error {
  constructor(
    readonly subject: string,
    readonly fieldErrors: FieldError[],
  ) {
    super(`invalid payload for ${subject}: ${fieldErrors.map((e) => `${e.field}: ${e.problems.join(', ')}`).join('; ')}`);
    this.name = 'InvalidPayloadError';
  }
}

/** Flattens class-validator's nested errors into `a.b[2].c` paths. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const path = /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints) out.push({ field: path, problems: Object.values(error.constraints) });
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, path));
  }
  return out;
}

/** Validates a plain object against a payload class; returns the typed instance or throws. */
export function toValidatedInstance<T extends object>(cls: new () => T, raw: unknown, label: string): T {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InvalidPayloadError(label, [{ field: '(root)', problems: ['payload must be a JSON object'] }]);
  }
  const instance = plainToInstance(cls, raw, { exposeDefaultValues: true }) as T;
  const errors = validateSync(instance, { forbidUnknownValues: false });
  if (errors.length > 0) throw new InvalidPayloadError(label, flattenValidationErrors(errors));
  return instance;
}

/** Turns a raw message of a logical subject into its payload class instance, or throws. */
export function parsePayload<T extends object = object>(subject: string, raw: unknown): T {
  const cls = PAYLOAD_CLASSES[subject];
  if (!cls) throw new Error(`no payload class registered for subject ${subject}`);
  return toValidatedInstance(cls as new () => T, raw, subject);
}
