import { Readable } from 'node:stream';

import { openCsv } from './contact-source';

describe('openCsv', () => {
  it.each([[''], ['\n\n'], ['\uFEFF  \r\n']])(
    'refuses an empty CSV (%j) and says what it should hold',
    async (text) => {
      await expect(openCsv(Readable.from([Buffer.from(text)]), 1_000)).rejects.toMatchObject({
        code: 'invalid_file',
        message: expect.stringMatching(/^the file is empty: expected a header row/),
        details: { line: 1, expected: expect.stringMatching(/^phone,/) },
      });
    },
  );

  it('reads the header of a file that is not empty', async () => {
    const table = await openCsv(Readable.from([Buffer.from('phone,name\n+14155550100,Ada\n')]), 1_000);
    expect(table.headers).toEqual(['phone', 'name']);
    const rows: string[][] = [];
    for await (const batch of table.rows) rows.push(...batch);
    expect(rows).toEqual([['+14155550100', 'Ada']]);
  });
});
