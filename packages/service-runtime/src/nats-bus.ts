import { Readable } from 'node:stream';

import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  JetStreamClient,
  JetStreamManager,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { ObjectStore, Objm } from '@nats-io/obj';
import { connect, headers as natsHeaders, MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import {
  assertValidPrefix,
  prefixedStreamName,
  prefixedSubject,
  StreamDefinition,
  streamForSubject,
  STREAMS,
  Subjects,
  uploadsBucketName,
} from '@outdial/contracts';
import type { Logger } from 'pino';

import { validateOutgoingJson } from './event-publisher';
import { readObjectStream } from './object-stream';
import { NatsUploadStore, UploadStore } from './upload-store';

/** One durable consumer's backlog, as `consumerStats()` lists it. */
export interface ConsumerStats {
  /** Full stream name (`<PREFIX>_<NAME>`). */
  stream: string;
  /** Stream name without the deployment prefix (`DIAL`, `CALL`, ...). */
  stream_base: string;
  /** Durable consumer name. */
  name: string;
  /** Messages not yet delivered. */
  num_pending: number;
  /** Delivered, not yet acknowledged. */
  num_ack_pending: number;
  /** Messages delivered more than once. */
  redelivered: number;
}

/** Stops a core subscription. */
export type Unsubscribe = () => void;

export interface NatsBusOptions {
  /** Validate pre-built JSON given to publishSerialized (default true; off in production). */
  validatePayloads?: boolean;
}

const NANOS_PER_MS = 1_000_000;

/** One NATS connection per service, with the prefix that keeps deployments (and test runs) apart. */
export class NatsBus {
  private uploadStore?: UploadStore;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    readonly prefix: string,
    private readonly options: NatsBusOptions = {},
  ) {}

  static async connect(
    url: string,
    prefix: string,
    connectionName: string,
    logger?: Logger,
    options: NatsBusOptions = {},
  ): Promise<NatsBus> {
    assertValidPrefix(prefix);
    const nc = await connect({
      servers: url,
      name: connectionName,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      waitOnFirstConnect: true,
      // Otherwise every request and JetStream publish builds an Error (stack trace) up front, just
      // in case it times out: ~15% of the gateway's CPU under API load. Our RPC errors name the
      // subject anyway.
      noAsyncTraces: true,
    });
    if (logger) {
      (async () => {
        for await (const status of nc.status()) {
          if (status.type === 'disconnect' || status.type === 'reconnect' || status.type === 'error') {
            logger.warn({ nats: status.type }, `nats ${status.type}`);
          }
        }
      })().catch(() => undefined);
    }
    const jsm = await jetstreamManager(nc, { timeout: 10_000 });
    return new NatsBus(nc, jetstream(nc, { timeout: 10_000 }), jsm, prefix, options);
  }

  subject(logical: string): string {
    return prefixedSubject(this.prefix, logical);
  }

  /** Strips the prefix from a wire subject. */
  logicalSubject(wire: string): string {
    return wire.startsWith(`${this.prefix}.`) ? wire.slice(this.prefix.length + 1) : wire;
  }

  streamName(definition: StreamDefinition): string {
    return prefixedStreamName(this.prefix, definition.name);
  }

  streamNameForSubject(logical: string): string {
    return this.streamName(streamForSubject(logical));
  }

  /** Creates or updates every stream Outdial uses. Idempotent; safe when services start together. */
  async provisionStreams(): Promise<void> {
    for (const definition of STREAMS) {
      const config = {
        name: this.streamName(definition),
        subjects: definition.subjects.map((s) => this.subject(s)),
        retention: definition.retention === 'workqueue' ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
        storage: StorageType.File,
        max_age: definition.maxAgeSeconds * 1_000 * NANOS_PER_MS,
        duplicate_window: 120_000 * NANOS_PER_MS,
        description: definition.description,
      };
      try {
        await this.jsm.streams.info(config.name);
        await this.jsm.streams.update(config.name, config);
      } catch (error) {
        if (!isNotFound(error)) throw error;
        try {
          await this.jsm.streams.add(config);
        } catch (addError) {
          // Another service created it between our info and add.
          if (!/already in use/i.test((addError as Error).message)) throw addError;
        }
      }
    }
  }

  /** Creates or updates a durable pull consumer filtered to one subject. */
  async provisionConsumer(
    logicalSubject: string,
    durable: string,
    options: { maxDeliver: number; ackWaitMs: number; maxAckPending: number },
  ): Promise<string> {
    const stream = this.streamNameForSubject(logicalSubject);
    const config = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: this.subject(logicalSubject),
      max_deliver: options.maxDeliver,
      ack_wait: options.ackWaitMs * NANOS_PER_MS,
      max_ack_pending: options.maxAckPending,
    };
    try {
      await this.jsm.consumers.info(stream, durable);
      await this.jsm.consumers.update(stream, durable, {
        max_deliver: config.max_deliver,
        ack_wait: config.ack_wait,
        max_ack_pending: config.max_ack_pending,
      });
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await this.jsm.consumers.add(stream, config);
    }
    return stream;
  }

  /**
   * Dead letters stored (DLQ stream, SPEC §10): the total and per service that gave up on them.
   * Zeros when the stream does not exist yet.
   */
  async deadLetterCounts(): Promise<{ total: number; by_service: Record<string, number> }> {
    const stream = this.streamNameForSubject(Subjects.deadLetter + '.any');
    const prefix = this.subject(Subjects.deadLetter) + '.';
    try {
      const info = await this.jsm.streams.info(stream, { subjects_filter: `${prefix}>` });
      const by_service: Record<string, number> = {};
      for (const [subject, count] of Object.entries(info.state.subjects ?? {}))
        by_service[subject.slice(prefix.length)] = count;
      return { total: info.state.messages, by_service };
    } catch {
      return { total: 0, by_service: {} };
    }
  }

  /** The uploads object store (gateway -> ingest) as a port: put/get streams, info, delete. */
  uploadsStore(): UploadStore {
    this.uploadStore ??= new NatsUploadStore(
      () => this.openUploads(),
      (name) => this.readUpload(name),
    );
    return this.uploadStore;
  }

  /** The uploads bucket (created on first use). */
  private async openUploads(): Promise<ObjectStore> {
    const objm = new Objm(this.nc);
    return objm.create(uploadsBucketName(this.prefix), { storage: StorageType.File });
  }

  /** One upload as a stream read with backpressure (see readObjectStream); null when missing. */
  private async readUpload(name: string): Promise<Readable | null> {
    return readObjectStream(this.js, await this.openUploads(), uploadsBucketName(this.prefix), name);
  }

  /**
   * @internal The raw clients, for the runtime's own transport and its tests only. Apps use the
   * ports (`nc/js/jsm` are private).
   */
  connections(): { nc: NatsConnection; js: JetStreamClient; jsm: JetStreamManager } {
    return { nc: this.nc, js: this.js, jsm: this.jsm };
  }

  /** Health: resolves when the server answered a round trip; rejects when closed or unreachable. */
  async ping(): Promise<void> {
    if (this.nc.isClosed()) throw new Error('nats connection closed');
    await this.nc.flush();
  }

  // ---- broker ports (apps never touch nc/js/jsm) ----

  /**
   * Publishes pre-built JSON to a JetStream subject with a msgID (dedupe key); resolves once
   * stored (10 s timeout). Outside production the JSON is parsed and validated against the
   * subject's payload class first (InvalidPayloadError). For producers that serialize themselves
   * (ingest's hand-over of big contact chunks). `headers` go as NATS headers (e.g. BATCH_ID_HEADER).
   */
  async publishSerialized(
    subject: string,
    json: string | Uint8Array,
    msgId: string,
    options: { validate?: boolean; headers?: Record<string, string> } = {},
  ): Promise<void> {
    validateOutgoingJson(subject, json, options.validate ?? this.options.validatePayloads ?? true);
    let h: MsgHdrs | undefined;
    if (options.headers) {
      h = natsHeaders();
      for (const [name, value] of Object.entries(options.headers)) h.set(name, value);
    }
    await this.js.publish(this.subject(subject), json, { msgID: msgId, timeout: 10_000, headers: h });
  }

  /** Core NATS request with a JSON body; resolves with the parsed JSON reply. Throws the client's errors (no responders, timeout). */
  async requestJson<T>(subject: string, json: string, timeoutMs: number): Promise<T> {
    const reply = await this.nc.request(this.subject(subject), json, { timeout: timeoutMs });
    return reply.json<T>();
  }

  /**
   * Publishes a JSON message on core NATS (fire and forget, not stored): live feeds such as
   * batch progress (`progressSubject(batchId)`). Logical subject, prefixed here.
   */
  publishCore(subject: string, payload: object): void {
    this.nc.publish(this.subject(subject), JSON.stringify(payload));
  }

  /**
   * Subscribes to a core NATS subject (logical, prefixed here) with JSON messages; messages that
   * are not JSON are skipped. Resolves once the server has registered the subscription (flushed),
   * so a state read afterwards misses no message. Returns the unsubscribe function.
   */
  async subscribeCore<T = unknown>(subject: string, handler: (message: T) => void): Promise<Unsubscribe> {
    const subscription = this.nc.subscribe(this.subject(subject), {
      callback: (error, msg) => {
        if (error) return;
        let message: T;
        try {
          message = msg.json<T>();
        } catch {
          return;
        }
        handler(message);
      },
    });
    try {
      await this.nc.flush();
    } catch (error) {
      subscription.unsubscribe();
      throw error;
    }
    return () => subscription.unsubscribe();
  }

  /**
   * Every durable consumer of every Outdial stream with its backlog (for /api/system/status and
   * the queue-depth gauges). Streams not provisioned yet are skipped.
   */
  async consumerStats(): Promise<ConsumerStats[]> {
    const out: ConsumerStats[] = [];
    for (const definition of STREAMS) {
      const stream = this.streamName(definition);
      try {
        for await (const consumer of this.jsm.consumers.list(stream)) {
          out.push({
            stream,
            stream_base: definition.name,
            name: consumer.name,
            num_pending: consumer.num_pending,
            num_ack_pending: consumer.num_ack_pending,
            redelivered: consumer.num_redelivered,
          });
        }
      } catch {
        /* a stream not provisioned yet has no consumers */
      }
    }
    return out;
  }

  async close(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
  }
}

function isNotFound(error: unknown): boolean {
  const e = error as { code?: number | string; message?: string; api_error?: { err_code?: number } };
  return (
    e?.api_error?.err_code === 10059 ||
    e?.api_error?.err_code === 10014 ||
    e?.code === 404 ||
    e?.code === '404' ||
    /not found/i.test(e?.message ?? '')
  );
}
