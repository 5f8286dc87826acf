import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

import { FieldError } from './error-codes';
import { fastValidatedInstance } from './payload-compiler';
import { EventPayload, EVENTS, EventSubject, PayloadClass, RpcRequest, RPCS, RpcSubject } from './subject-map';

function buildPayloadClasses(): Record<string, PayloadClass> {
  const classes: Record<string, PayloadClass> = {};
  for (const [subject, cls] of Object.entries(EVENTS)) classes[subject] = cls;
  for (const [subject, contract] of Object.entries(RPCS)) classes[subject] = contract.request;
  return classes;
}

/**
 * One payload class per subject (events: the payload; RPCs: the request), derived from the typed
 * subject map (`EVENTS`, `RPCS` in subject-map.ts): consumers turn raw messages into it before
 * anything else runs.
 */
export const PAYLOAD_CLASSES: Readonly<Record<string, PayloadClass>> = buildPayloadClasses();

/** A message whose payload does not match its subject's class. Never worth redelivering. */
export class InvalidPayloadError extends Error {
  constructor(
    readonly subject: string,
    readonly fieldErrors: FieldError[],
  ) {
    super(
      `invalid payload for ${subject}: ${fieldErrors.map((e) => `${e.field}: ${e.problems.join(', ')}`).join('; ')}`,
    );
    this.name = 'InvalidPayloadError';
  }
}

/** Flattens class-validator's nested errors into `a.b[2].c` paths. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const path = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    if (error.constraints) out.push({ field: path, problems: Object.values(error.constraints) });
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, path));
  }
  return out;
}

/**
 * A payload class with one big array of records (ContactsChunkEvent: up to 1,000 contacts) declares
 * `static bulk = { field, isValid }`: when every element passes the hand-written `isValid`, only the
 * envelope goes through class-validator and the elements stay plain objects; otherwise the full pass
 * runs, so errors name every wrong field exactly as before.
 */
interface BulkChecked {
  bulk?: { field: string; isValid: (item: unknown) => boolean };
}

/**
 * Validates a plain object against a payload class; returns the typed instance or throws
 * InvalidPayloadError naming every wrong field. The compiled fast path (payload-compiler.ts) answers
 * for valid payloads; whenever it cannot vouch (invalid payload, or a shape it does not reproduce),
 * class-transformer + class-validator run as before and decide, so results and messages are theirs.
 */
export function toValidatedInstance<T extends object>(cls: new () => T, raw: unknown, label: string): T {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InvalidPayloadError(label, [{ field: '(root)', problems: ['payload must be a JSON object'] }]);
  }
  const bulk = (cls as BulkChecked).bulk;
  const items: unknown = bulk ? (raw as Record<string, unknown>)[bulk.field] : undefined;
  if (bulk && Array.isArray(items) && items.every(bulk.isValid)) {
    const envelopeRaw = { ...raw, [bulk.field]: [] };
    const envelope = fastValidatedInstance(cls, envelopeRaw) ?? fullPass(cls, envelopeRaw, label);
    (envelope as Record<string, unknown>)[bulk.field] = items;
    return envelope;
  }
  return fastValidatedInstance(cls, raw as Record<string, unknown>) ?? fullPass(cls, raw, label);
}

/** class-transformer + class-validator: the reference semantics, and the error messages. */
export function fullPass<T extends object>(cls: new () => T, raw: object, label: string): T {
  const instance = plainToInstance(cls, raw, { exposeDefaultValues: true }) as T;
  const errors = validateSync(instance, { forbidUnknownValues: false });
  if (errors.length > 0) throw new InvalidPayloadError(label, flattenValidationErrors(errors));
  return instance;
}

/** Turns a raw message of a logical subject into its payload class instance, or throws. */
export function parsePayload<S extends EventSubject>(subject: S, raw: unknown): EventPayload<S>;
export function parsePayload<S extends RpcSubject>(subject: S, raw: unknown): RpcRequest<S>;
/** A subject known only at run time (the transport's handlers): the instance, untyped. */
export function parsePayload(subject: string, raw: unknown): object;
export function parsePayload(subject: string, raw: unknown): object {
  const cls = PAYLOAD_CLASSES[subject];
  if (!cls) throw new Error(`no payload class registered for subject ${subject}`);
  return toValidatedInstance(cls, raw, subject);
}
