import { ByteAccumulator } from './byte-accumulator';

describe('ByteAccumulator', () => {
  it("collects text as UTF-8 and returns each piece's length in bytes", () => {
    const bytes = new ByteAccumulator(64);
    expect(bytes.append('ab')).toBe(2);
    expect(bytes.append('é€🚀')).toBe(2 + 3 + 4);
    bytes.appendAscii(0x0a);
    expect(bytes.length).toBe(12);
    expect(bytes.take().toString('utf8')).toBe('abé€🚀\n');
    expect(bytes.length).toBe(0);
  });

  it('says whether a text surely fits, counting 3 bytes per UTF-16 unit', () => {
    const bytes = new ByteAccumulator(10);
    expect(bytes.fits('abc')).toBe(true); // 9 <= 10
    expect(bytes.fits('abcd')).toBe(false); // 12 > 10
    bytes.append('a');
    expect(bytes.fits('abc')).toBe(true); // 1 + 9 = 10: exactly full fits
    expect(bytes.fits('ab', 3)).toBe(true); // 1 + 6 + 3 = 10
    expect(bytes.fits('ab', 4)).toBe(false); // 1 + 6 + 4 > 10
  });

  it('grows for a text larger than its capacity instead of cutting it', () => {
    const bytes = new ByteAccumulator(4);
    bytes.append('xy');
    const long = 'ü'.repeat(50);
    expect(bytes.append(long)).toBe(100);
    expect(bytes.take().toString('utf8')).toBe(`xy${long}`);
  });

  it('fills a reserved byte later', () => {
    const bytes = new ByteAccumulator(16);
    const at = bytes.reserve();
    bytes.append('{"a":1}');
    bytes.setAscii(at, 0x5b);
    expect(bytes.take().toString()).toBe('[{"a":1}');
  });

  it('hands out independent buffers: what was taken is not overwritten', () => {
    const bytes = new ByteAccumulator(8);
    bytes.append('first');
    const first = bytes.take();
    bytes.append('other');
    expect(first.toString()).toBe('first');
  });
});
