import { classifyCreateFailure } from './twilio-create-errors';

const body = (code: number, message = 'x') =>
  JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status: 400 });

describe('classifyCreateFailure', () => {
  it('maps an invalid To number to invalid_number', () => {
    expect(classifyCreateFailure(400, body(21211, "The 'To' number +1555 is not a valid phone number."))).toEqual({
      kind: 'end',
      outcome: 'invalid_number',
      reason: "twilio 400 (21211): The 'To' number +1555 is not a valid phone number.",
    });
    expect(
      classifyCreateFailure(400, body(21217)).kind === 'end' && classifyCreateFailure(400, body(21217)),
    ).toMatchObject({ outcome: 'invalid_number' });
  });

  it('maps geo-permission and blocked destinations to blocked', () => {
    expect(classifyCreateFailure(400, body(21215))).toMatchObject({ kind: 'end', outcome: 'blocked' });
  });

  it('retries 429 and 503 only', () => {
    expect(classifyCreateFailure(429, body(20429, 'Too Many Requests'))).toMatchObject({ kind: 'retry' });
    expect(classifyCreateFailure(503, 'Service Unavailable')).toMatchObject({ kind: 'retry' });
    expect(classifyCreateFailure(500, body(20500, 'Internal Server Error'))).toMatchObject({
      kind: 'end',
      outcome: 'carrier_error',
    });
    expect(classifyCreateFailure(502, '<html>Bad Gateway</html>')).toMatchObject({
      kind: 'end',
      outcome: 'carrier_error',
    });
  });

  it("ends other client errors failed, with Twilio's message", () => {
    expect(classifyCreateFailure(401, body(20003, 'Authenticate'))).toEqual({
      kind: 'end',
      outcome: 'failed',
      reason: 'twilio 401 (20003): Authenticate',
    });
    expect(classifyCreateFailure(400, body(21212, "The 'From' number is not a valid phone number"))).toMatchObject({
      outcome: 'failed',
    });
  });
});
