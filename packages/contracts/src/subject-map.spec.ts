import 'reflect-metadata';

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ERROR_CODES, ERROR_HTTP_STATUS, ErrorCode, httpStatusForErrorCode, isErrorCode } from './error-codes';
import { parsePayload, PAYLOAD_CLASSES } from './payload-registry';
import { isPdfReport } from './reporting-queries';
import { EventPayload, EVENTS, isEventSubject, isRpcSubject, RpcReply, RpcRequest, RPCS } from './subject-map';
import { Subjects } from './subjects';

// Compile-time checks: these lines only compile when the map types are right.
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const literalSubject: Equals<typeof Subjects.dialRequested, 'v1.dial.requested'> = true;
const dialPayload: Equals<EventPayload<'v1.dial.requested'>['attempt_id'], string> = true;
const getBatchReply: Equals<RpcReply<'v1.rpc.reporting.get_batch'>['batch_id'], string> = true;
const createRequest: Equals<RpcRequest<'v1.rpc.ingest.create_batch'>['batch_id'], string> = true;

describe('typed subject map', () => {
  it('has literal subject types (compile-time checks above)', () => {
    expect([literalSubject, dialPayload, getBatchReply, createRequest]).toEqual([true, true, true, true]);
  });

  it('maps every subject except the DLQ to exactly one of EVENTS or RPCS', () => {
    for (const subject of Object.values(Subjects)) {
      if (subject === Subjects.deadLetter) continue;
      expect([isEventSubject(subject), isRpcSubject(subject)].filter(Boolean)).toHaveLength(1);
    }
    expect(Object.keys(EVENTS).every((s) => s.startsWith('v1.') && !s.startsWith('v1.rpc.'))).toBe(true);
    expect(Object.keys(RPCS).every((s) => s.startsWith('v1.rpc.'))).toBe(true);
  });

  it('derives PAYLOAD_CLASSES from the map (events: payload class, RPCs: request class)', () => {
    expect(Object.keys(PAYLOAD_CLASSES).sort()).toEqual([...Object.keys(EVENTS), ...Object.keys(RPCS)].sort());
    expect(PAYLOAD_CLASSES[Subjects.dialRequested]).toBe(EVENTS[Subjects.dialRequested]);
    expect(PAYLOAD_CLASSES[Subjects.reportingGetBatch]).toBe(RPCS[Subjects.reportingGetBatch].request);
  });

  it('parsePayload returns the subject class instance, typed by the subject', () => {
    const query = parsePayload(Subjects.reportingGetBatch, { org_id: 'o', batch_id: 'b' });
    expect(query).toBeInstanceOf(RPCS[Subjects.reportingGetBatch].request);
    expect(query.batch_id).toBe('b');
  });

  it('tells a PDF report reply from a JSON one', () => {
    expect(isPdfReport({ filename: 'r.pdf', content_base64: 'AA==' })).toBe(true);
  });

  it('keeps double casts (as unknown, as T) out of packages/contracts', () => {
    const dir = __dirname;
    const offenders = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => readFileSync(join(dir, f), 'utf8').includes('as unknown' + ' as'));
    expect(offenders).toEqual([]);
  });
});

describe('error codes', () => {
  it('is a closed union with one HTTP status each', () => {
    expect(ERROR_CODES).toEqual(Object.keys(ERROR_HTTP_STATUS));
    const code: ErrorCode = 'not_found';
    expect(httpStatusForErrorCode(code)).toBe(404);
    expect(httpStatusForErrorCode('payload_too_large')).toBe(413);
    expect(isErrorCode('not_found')).toBe(true);
    expect(isErrorCode('teapot')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
  });
});
