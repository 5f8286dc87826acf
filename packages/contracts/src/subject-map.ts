import { BatchIngestedEvent, ContactsChunkEvent, CreateBatchCommand, CreateBatchResult } from './batch-ingest';
import {
  BatchActionCommand,
  BatchActionResult,
  BatchDeletedEvent,
  BatchStatusChangedEvent,
  ContactUpdatedEvent,
} from './batch-lifecycle';
import { BatchQuery, ListPage, OrgQuery } from './common';
import { CallDeclinedEvent, CallFinishedEvent, CallStartedEvent, DialRequest, ProviderCallEvent } from './dialing';
import {
  BatchSettingsQuery,
  BatchSettingsView,
  IssuesPage,
  IssuesPageQuery,
  SuppressionAddCommand,
  SuppressionAddResult,
  SuppressionImportCommand,
  SuppressionImportResult,
  SuppressionListPage,
  SuppressionListQuery,
  SuppressionRemoveCommand,
  SuppressionRemoveResult,
  ValidateBatchResult,
} from './ingest-queries';
import { AgentChangedEvent, OrgSettingsChangedEvent } from './org-directory';
import {
  AwaitReadModelQuery,
  AwaitReadModelResult,
  BatchActivityItem,
  BatchActivityQuery,
  BatchListItem,
  BatchStatusView,
  CallItem,
  CallsPageQuery,
  ContactItem,
  ContactsPageQuery,
  ListBatchesQuery,
  ReportingSystemCounts,
  ReportQuery,
  ReportReply,
  ResultsPage,
  ResultsPageQuery,
} from './reporting-queries';
import { Subjects } from './subjects';
import {
  CreatedWebhookEndpoint,
  CreateWebhookCommand,
  WebhookCallbackSecretReply,
  WebhookDeletedReply,
  WebhookDeliveriesQuery,
  WebhookDeliveryView,
  WebhookEndpointView,
  WebhookQuery,
} from './webhooks';

/**
 * The typed subject map: the single source of truth for what travels on each subject.
 *
 * - `EVENTS`: JetStream event subject -> payload class (validated by consumers, and by producers
 *   outside production).
 * - `RPCS`: request/reply subject -> `{ request: class, reply: replyOf<T>() }` (the reply is a
 *   type only: JSON answers are not re-validated).
 *
 * `PAYLOAD_CLASSES` / `parsePayload` (payload-registry.ts) are derived from these two maps.
 */

/** A payload class: constructible without arguments (class-transformer builds it). */
export type PayloadClass<T extends object = object> = new () => T;

/** A reply type carried at the type level only (no runtime value). */
export interface ReplyOf<T> {
  /** Never set: only its type matters. */
  readonly __reply?: T;
}

/** Declares an RPC reply type in `RPCS`: `reply: replyOf<BatchStatusView>()`. */
export function replyOf<T>(): ReplyOf<T> {
  return {};
}

/** One request/reply subject's contract. */
export interface RpcContract<Req extends object, Rep> {
  request: PayloadClass<Req>;
  reply: ReplyOf<Rep>;
}

function rpc<Req extends object, Rep>(request: PayloadClass<Req>, reply: ReplyOf<Rep>): RpcContract<Req, Rep> {
  return { request, reply };
}

/** Event subject -> payload class (JetStream). `v1.dlq.*` is written by the transport itself and not listed. */
export const EVENTS = {
  [Subjects.batchIngested]: BatchIngestedEvent,
  [Subjects.contactsChunk]: ContactsChunkEvent,
  [Subjects.batchStatusChanged]: BatchStatusChangedEvent,
  [Subjects.dialRequested]: DialRequest,
  [Subjects.callStarted]: CallStartedEvent,
  [Subjects.callFinished]: CallFinishedEvent,
  [Subjects.contactUpdated]: ContactUpdatedEvent,
  [Subjects.providerEvent]: ProviderCallEvent,
  [Subjects.callDeclined]: CallDeclinedEvent,
  [Subjects.batchDeleted]: BatchDeletedEvent,
  [Subjects.orgSettingsChanged]: OrgSettingsChangedEvent,
  [Subjects.agentChanged]: AgentChangedEvent,
} as const;

/** RPC subject -> request class and reply type (core NATS request/reply, queue group of the owner). */
export const RPCS = {
  [Subjects.schedulerBatchAction]: rpc(BatchActionCommand, replyOf<BatchActionResult>()),
  [Subjects.ingestCreateBatch]: rpc(CreateBatchCommand, replyOf<CreateBatchResult>()),
  [Subjects.ingestValidateBatch]: rpc(CreateBatchCommand, replyOf<ValidateBatchResult>()),
  [Subjects.ingestIssuesPage]: rpc(IssuesPageQuery, replyOf<IssuesPage>()),
  [Subjects.ingestSuppressionList]: rpc(SuppressionListQuery, replyOf<SuppressionListPage>()),
  [Subjects.ingestSuppressionAdd]: rpc(SuppressionAddCommand, replyOf<SuppressionAddResult>()),
  [Subjects.ingestSuppressionImport]: rpc(SuppressionImportCommand, replyOf<SuppressionImportResult>()),
  [Subjects.ingestSuppressionRemove]: rpc(SuppressionRemoveCommand, replyOf<SuppressionRemoveResult>()),
  [Subjects.ingestBatchSettings]: rpc(BatchSettingsQuery, replyOf<BatchSettingsView>()),
  [Subjects.reportingGetBatch]: rpc(BatchQuery, replyOf<BatchStatusView>()),
  [Subjects.reportingAwaitReadModel]: rpc(AwaitReadModelQuery, replyOf<AwaitReadModelResult>()),
  [Subjects.reportingBatchActivity]: rpc(BatchActivityQuery, replyOf<ListPage<BatchActivityItem>>()),
  [Subjects.reportingResultsPage]: rpc(ResultsPageQuery, replyOf<ResultsPage>()),
  [Subjects.reportingListBatches]: rpc(ListBatchesQuery, replyOf<ListPage<BatchListItem>>()),
  [Subjects.reportingContactsPage]: rpc(ContactsPageQuery, replyOf<ListPage<ContactItem>>()),
  [Subjects.reportingCallsPage]: rpc(CallsPageQuery, replyOf<ListPage<CallItem>>()),
  [Subjects.reportingReport]: rpc(ReportQuery, replyOf<ReportReply>()),
  [Subjects.reportingWebhookCreate]: rpc(CreateWebhookCommand, replyOf<CreatedWebhookEndpoint>()),
  [Subjects.reportingWebhookList]: rpc(OrgQuery, replyOf<ListPage<WebhookEndpointView>>()),
  [Subjects.reportingWebhookDelete]: rpc(WebhookQuery, replyOf<WebhookDeletedReply>()),
  [Subjects.reportingWebhookDeliveries]: rpc(WebhookDeliveriesQuery, replyOf<ListPage<WebhookDeliveryView>>()),
  [Subjects.reportingSystemCounts]: rpc(OrgQuery, replyOf<ReportingSystemCounts>()),
  [Subjects.reportingWebhookCallbackSecret]: rpc(OrgQuery, replyOf<WebhookCallbackSecretReply>()),
} as const;

export type EventMap = typeof EVENTS;
export type RpcMap = typeof RPCS;

/** A JetStream event subject (logical, without the deployment prefix). */
export type EventSubject = keyof EventMap;
/** A request/reply subject (logical). */
export type RpcSubject = keyof RpcMap;

/** The payload an event subject carries. */
export type EventPayload<S extends EventSubject> = InstanceType<EventMap[S]>;
/** The request an RPC subject takes (a plain object of the class's shape is accepted). */
export type RpcRequest<S extends RpcSubject> = RpcMap[S] extends RpcContract<infer Req, unknown> ? Req : never;
/** The reply an RPC subject answers with. */
export type RpcReply<S extends RpcSubject> = RpcMap[S] extends RpcContract<object, infer Rep> ? Rep : never;

/** A subject and its payload, correlated: a union over every event subject. */
export type TypedEvent = { [S in EventSubject]: { subject: S; payload: EventPayload<S> } }[EventSubject];

export function isEventSubject(subject: string): subject is EventSubject {
  return Object.prototype.hasOwnProperty.call(EVENTS, subject);
}

export function isRpcSubject(subject: string): subject is RpcSubject {
  return Object.prototype.hasOwnProperty.call(RPCS, subject);
}
