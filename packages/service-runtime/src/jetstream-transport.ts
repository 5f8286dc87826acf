import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { Msg, Subscription } from '@nats-io/transport-node';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import {
  BaseRpcContext,
  CustomTransportStrategy,
  EventPattern,
  MessageHandler,
  MessagePattern,
  Server,
} from '@nestjs/microservices';
import { InvalidPayloadError, parsePayload, Subjects } from '@outdial/contracts';
import type { Logger } from 'pino';
import { lastValueFrom, Observable, throwError } from 'rxjs';

import { ServiceError, TransientError } from './errors';
import { Metrics } from './metrics';
import { NatsBus } from './nats-bus';
import { decideSettlement, Settlement } from './settlement';

export interface JetStreamConsumerOptions {
  /** Durable consumer name; default `<service>-<subject>`. */
  durable?: string;
  /** Deliveries before the message is terminated and dead-lettered. */
  maxDeliver?: number;
  /** Must exceed the handler's p99. */
  ackWaitMs?: number;
  /** Messages handled at once by this process. 1 keeps the stream's order. */
  concurrency?: number;
  /**
   * A provider (resolved from the app's Nest container) asked, from the message's headers alone and
   * before its payload is parsed and validated, whether the message can be dropped: a bulk message of a
   * deleted batch must not cost a parse of 1,000 contacts while other tenants' messages wait behind it
   * (issue 15, no head-of-line blocking). A dropped message is acked, logged at debug and counted in
   * `outdial_messages_dropped_total{subject,reason}`.
   */
  gate?: abstract new (...args: never[]) => MessageGate;
}

/** The headers of a JetStream message, as a gate sees them. */
export interface MessageHeaderView {
  /** The header's value, or '' when absent. */
  get(name: string): string;
}

/** Decides from headers alone whether a message can be dropped unparsed; see `JetStreamConsumerOptions.gate`. */
export interface MessageGate {
  /** The reason to drop the message (a short metric label such as `batch_deleted`), or null to handle it. */
  dropReason(headers: MessageHeaderView): Promise<string | null> | string | null;
}

const NO_HEADERS: MessageHeaderView = { get: () => '' };

const EXTRAS_KEY = 'outdialJetStream';

/** A JetStream durable pull consumer on one subject; settle by returning or throwing. */
export function JetStreamEvent(subject: string, options: JetStreamConsumerOptions = {}): MethodDecorator {
  return EventPattern(subject, { [EXTRAS_KEY]: options });
}

/** Request/reply over core NATS, served by the service's queue group. */
export function RpcHandler(subject: string): MethodDecorator {
  return MessagePattern(subject);
}

/** What a JetStream handler can learn about the message it handles. */
export class JetStreamContext extends BaseRpcContext<[string, number, JsMsg]> {
  get subject(): string {
    return this.args[0];
  }
  get deliveryCount(): number {
    return this.args[1];
  }
  /** Tells the server the handler is still working (extends ack_wait). */
  working(): void {
    this.args[2].working();
  }
}

/** Handlers throw their own errors to the transport, which decides the settlement. */
@Catch()
export class RethrowRpcErrorsFilter implements RpcExceptionFilter {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}

interface RunningConsumer {
  subject: string;
  messages: ConsumerMessages;
  loop: Promise<void>;
}

/**
 * The Nest transport over NATS: `@JetStreamEvent` handlers become durable pull consumers with
 * explicit settlement; `@RpcHandler` handlers answer requests in the service's queue group.
 */
export class JetStreamTransport extends Server implements CustomTransportStrategy {
  private readonly consumers: RunningConsumer[] = [];
  private readonly subscriptions: Subscription[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private closing = false;
  private resolveProvider?: (token: abstract new (...args: never[]) => MessageGate) => MessageGate;

  constructor(
    private readonly bus: NatsBus,
    private readonly service: string,
    private readonly log: Logger,
    private readonly metrics: Metrics,
    private readonly defaults = { maxDeliver: 10, ackWaitMs: 30_000, concurrency: 8 },
    /** How long `close()` waits for the handlers already running (SHUTDOWN_TIMEOUT_MS leaves room for the rest). */
    private readonly drainTimeoutMs = 10_000,
  ) {
    super();
  }

  /** How consumer gates are found: the app's Nest container (set by startService before listen). */
  useProviders(resolve: (token: abstract new (...args: never[]) => MessageGate) => MessageGate): void {
    this.resolveProvider = resolve;
  }

  on(): void {
    /* status events are logged by NatsBus */
  }

  unwrap<T>(): T {
    return this.bus.connections().nc as unknown as T;
  }

  listen(callback: (error?: unknown) => void): void {
    this.start().then(
      () => callback(),
      (error) => callback(error),
    );
  }

  private async start(): Promise<void> {
    for (const [pattern, handler] of this.messageHandlers) {
      if (handler.isEventHandler) await this.startConsumer(pattern, handler);
      else this.startResponder(pattern, handler);
    }
  }

  private async startConsumer(subject: string, handler: MessageHandler): Promise<void> {
    const options: JetStreamConsumerOptions = handler.extras?.[EXTRAS_KEY] ?? {};
    const durable = options.durable ?? `${this.service}-${subject.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
    const maxDeliver = options.maxDeliver ?? this.defaults.maxDeliver;
    const ackWaitMs = options.ackWaitMs ?? this.defaults.ackWaitMs;
    const concurrency = options.concurrency ?? this.defaults.concurrency;
    const stream = await this.bus.provisionConsumer(subject, durable, {
      maxDeliver,
      ackWaitMs,
      maxAckPending: Math.max(1000, concurrency * 4),
    });
    const consumer = await this.bus.connections().js.consumers.get(stream, durable);
    const messages = await consumer.consume({ max_messages: Math.max(concurrency * 2, 2) });
    const slots = new Semaphore(concurrency);
    const gate = options.gate ? this.gateOf(options.gate) : undefined;
    const loop = (async () => {
      for await (const message of messages) {
        await slots.acquire();
        const task = this.handleJetStreamMessage(subject, handler, message, maxDeliver, gate).finally(() => {
          slots.release();
          this.inFlight.delete(task);
        });
        this.inFlight.add(task);
      }
    })().catch((error) => this.log.error({ err: error, subject }, 'consumer loop ended with an error'));
    this.consumers.push({ subject, messages, loop });
    this.log.info({ subject, durable, stream, maxDeliver, ackWaitMs, concurrency }, 'consuming');
  }

  private async handleJetStreamMessage(
    subject: string,
    handler: MessageHandler,
    message: JsMsg,
    maxDeliver: number,
    gate?: MessageGate,
  ): Promise<void> {
    const deliveryCount = message.info.deliveryCount;
    const timer = this.metrics.handlerSeconds.startTimer({ subject });
    let error: unknown;
    try {
      const dropReason = gate ? await gate.dropReason(message.headers ?? NO_HEADERS) : null;
      if (dropReason) {
        timer();
        this.metrics.messagesDropped.inc({ subject, reason: dropReason });
        this.metrics.messagesHandled.inc({ subject, settlement: 'ack' });
        this.log.debug({ subject, seq: message.seq, reason: dropReason }, 'dropped unparsed');
        message.ack();
        return;
      }
    } catch (caught) {
      // The gate could not tell (its database is away): handle the message as usual.
      this.log.debug({ subject, seq: message.seq, reason: errorMessage(caught) }, 'gate failed; handling the message');
    }
    try {
      const payload = parsePayload(subject, decodeJson(subject, message.data));
      const context = new JetStreamContext([subject, deliveryCount, message]);
      await lastValueFrom(this.transformToObservable(await handler(payload, context)), { defaultValue: undefined });
    } catch (caught) {
      error = caught ?? new Error('handler failed without an error');
    } finally {
      timer();
    }
    const ageMs = Date.now() - Number(BigInt(message.info.timestampNanos) / 1_000_000n);
    const settlement = decideSettlement({ error, deliveryCount, maxDeliver, ageMs });
    await this.settle(subject, message, settlement, error);
  }

  /**
   * Acks, naks or terminates the message. Log levels follow what an operator must do: a
   * `TransientError` is an expected race (a batch not registered yet, an attempt not recorded yet)
   * and is a `debug` line, counted in `outdial_messages_handled_total{settlement="nak"}`; any other
   * handler failure that is redelivered is one `warn` line without a stack; a terminated message is
   * an `error` with its stack. A message is only terminated once its dead letter is stored: when the
   * dead-letter publish fails, the message is nak'ed and comes back (never lost).
   */
  private async settle(subject: string, message: JsMsg, settlement: Settlement, error: unknown): Promise<void> {
    switch (settlement.kind) {
      case 'ack':
        this.metrics.messagesHandled.inc({ subject, settlement: settlement.kind });
        message.ack();
        return;
      case 'nak': {
        this.metrics.messagesHandled.inc({ subject, settlement: settlement.kind });
        const fields = {
          subject,
          seq: message.seq,
          delivery: message.info.deliveryCount,
          reason: errorMessage(error),
          delayMs: settlement.delayMs,
        };
        if (error instanceof TransientError) this.log.debug(fields, 'not applicable yet; redelivering later');
        else this.log.warn(fields, 'handler failed; redelivering later');
        message.nak(settlement.delayMs);
        return;
      }
      case 'term':
        try {
          await this.deadLetter(subject, message, settlement.reason);
        } catch (dlqError) {
          this.metrics.messagesHandled.inc({ subject, settlement: 'nak' });
          this.log.error(
            { err: dlqError, subject, seq: message.seq },
            'dead-letter publish failed; the message is redelivered instead of terminated',
          );
          message.nak(DEAD_LETTER_RETRY_MS);
          return;
        }
        this.metrics.messagesHandled.inc({ subject, settlement: settlement.kind });
        this.log.error(
          { subject, seq: message.seq, reason: settlement.reason, err: error },
          'message terminated and dead-lettered',
        );
        message.term(settlement.reason.slice(0, 200));
        return;
    }
  }

  private gateOf(token: abstract new (...args: never[]) => MessageGate): MessageGate {
    if (!this.resolveProvider) throw new Error(`consumer gate ${token.name} needs JetStreamTransport.useProviders()`);
    return this.resolveProvider(token);
  }

  private async deadLetter(subject: string, message: JsMsg, reason: string): Promise<void> {
    const h = natsHeaders();
    h.set('Outdial-Original-Subject', subject);
    h.set('Outdial-Service', this.service);
    h.set('Outdial-Reason', reason.replace(/[\r\n]+/g, ' ').slice(0, 1000));
    h.set('Outdial-Stream-Seq', String(message.seq));
    await this.bus.connections().js.publish(this.bus.subject(`${Subjects.deadLetter}.${this.service}`), message.data, {
      headers: h,
      msgID: `dlq:${this.service}:${message.info.stream}:${message.seq}`,
    });
  }

  private startResponder(subject: string, handler: MessageHandler): void {
    const subscription = this.bus.connections().nc.subscribe(this.bus.subject(subject), {
      queue: this.service,
      callback: (error, msg) => {
        if (error) {
          this.log.error({ err: error, subject }, 'subscription error');
          return;
        }
        if (this.closing) return; // another replica of the queue group (or the requester's retry) answers
        const task = this.respond(subject, handler, msg).finally(() => this.inFlight.delete(task));
        this.inFlight.add(task);
      },
    });
    this.subscriptions.push(subscription);
    this.log.info({ subject, queue: this.service }, 'answering requests');
  }

  private async respond(subject: string, handler: MessageHandler, msg: Msg): Promise<void> {
    let reply: object;
    try {
      const payload = parsePayload(subject, decodeJson(subject, msg.data));
      const data = await lastValueFrom(
        this.transformToObservable(await handler(payload, new BaseRpcContext([subject]))),
        { defaultValue: null },
      );
      reply = { ok: true, data };
      this.metrics.rpcHandled.inc({ subject, result: 'ok' });
    } catch (error) {
      reply = { ok: false, error: toErrorBody(error) };
      this.metrics.rpcHandled.inc({ subject, result: (reply as { error: { code: string } }).error.code });
      if (!(error instanceof ServiceError) && !(error instanceof InvalidPayloadError)) {
        this.log.error({ err: error, subject }, 'request handler failed');
      }
    }
    if (msg.reply) msg.respond(JSON.stringify(reply));
  }

  /** Stops intake, then waits (bounded) for the handlers already running. Idempotent. */
  close(): Promise<void> {
    this.closed ??= this.stopIntakeAndDrain();
    return this.closed;
  }

  private closed?: Promise<void>;

  private async stopIntakeAndDrain(): Promise<void> {
    this.closing = true;
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    for (const consumer of this.consumers) {
      await consumer.messages.close().catch(() => undefined);
    }
    await Promise.race([Promise.allSettled([...this.inFlight]), sleep(this.drainTimeoutMs)]);
  }
}

/** Delay before a message whose dead letter could not be stored comes back. */
const DEAD_LETTER_RETRY_MS = 5_000;

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One strict UTF-8 decoder for every message: `decode` without `{ stream: true }` keeps no state between
 * calls (a failed call resets it), and handlers run on one thread, so sharing it is safe. Measured
 * (bench/contracts/validate.js): the decoder per message cost ~0.05-0.3 µs more on a 200-500 byte
 * payload, noise beside the JSON parse (~1-2 µs) and the payload check.
 */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes of a message -> its JSON value; invalid UTF-8 or JSON is an InvalidPayloadError (never redelivered). */
function decodeJson(subject: string, data: Uint8Array): unknown {
  try {
    return JSON.parse(UTF8.decode(data));
  } catch (error) {
    throw new InvalidPayloadError(subject, [{ field: '(root)', problems: [`not JSON: ${(error as Error).message}`] }]);
  }
}

export function toErrorBody(error: unknown): { code: string; message: string; details?: unknown } {
  if (error instanceof ServiceError) return { code: error.code, message: error.message, details: error.details };
  if (error instanceof InvalidPayloadError)
    return { code: 'validation_failed', message: error.message, details: error.fieldErrors };
  return { code: 'internal', message: 'internal error' };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Bounds the number of messages one consumer handles at once. */
export class Semaphore {
  private waiting: (() => void)[] = [];
  private available: number;
  constructor(size: number) {
    this.available = size;
  }
  acquire(): Promise<void> {
    if (this.available > 0) {
      this.available--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.available++;
  }
}
