import { JsonArraySplitter } from './json-array-splitter';

function split(pieces: string[], max = 1000): string[] {
  const splitter = new JsonArraySplitter(max);
  const out = pieces.flatMap((p) => splitter.push(p));
  splitter.end();
  return out;
}

describe('JsonArraySplitter', () => {
  it('yields each element of an array, whatever the chunk boundaries', () => {
    const text = ' \uFEFF[ {"a": "x,]}\\"y"}, {"b": [1, {"c": 2}]} ,{}]\n';
    const whole = split([text]);
    expect(whole.map((e) => JSON.parse(e))).toEqual([{ a: 'x,]}"y' }, { b: [1, { c: 2 }] }, {}]);
    for (let size = 1; size < 8; size++) {
      const pieces: string[] = [];
      for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
      expect(split(pieces)).toEqual(whole);
    }
  });

  it('an empty array has no elements', () => {
    expect(split(['[ ]'])).toEqual([]);
  });

  it.each([
    ['{"phone": "1"}', /must be an array/],
    ['[{"a":1},]', /trailing comma/],
    ['[,{"a":1}]', /empty item/],
    ['[{"a":1}] x', /after the closing/],
    ['[{"a":1}', /not closed/],
    ['', /empty/],
  ])('refuses %j', (text, message) => {
    expect(() => split([text])).toThrow(message);
  });

  it('says what an empty upload should have held', () => {
    try {
      split(['  \n']);
      throw new Error('not refused');
    } catch (error) {
      expect(error).toMatchObject({
        code: 'invalid_file',
        details: { line: 1, expected: expect.stringMatching(/^\[\{"phone"/) },
      });
    }
  });

  it('refuses an element longer than the limit, also across chunks', () => {
    expect(() => split([`[{"a":"${'x'.repeat(50)}`, `${'x'.repeat(60)}"}]`], 100)).toThrow(/longer than 100/);
  });
});
