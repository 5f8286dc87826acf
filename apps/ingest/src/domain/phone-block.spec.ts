import { decodePhoneResult, encodePhoneResults } from './phone-block';
import { normalizePhone } from './phone-normalizer';

describe('phone block encoding (results crossing the worker thread boundary)', () => {
  it('round-trips valid and invalid results exactly as normalizePhone gives them', () => {
    const raws = ['(202) 555-0100', '12', '', '+44 20 7946 0958', 'abc'];
    const decoded = encodePhoneResults(raws, 'US').map(decodePhoneResult);
    expect(decoded).toEqual(raws.map((raw) => normalizePhone(raw, 'US')));
    expect(decoded[0]).toEqual({ ok: true, e164: '+12025550100' });
  });
});
