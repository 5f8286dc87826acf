import { resolveColumnLayout } from './column-layout';
import { ContactRowValidator } from './contact-row';
import { ContactTable } from './contact-table';
import { IngestRefusal } from './ingest-refusal';
import { encodePhoneResults, PhoneNormalizer } from './phone-block';
import { validatedRows } from './validated-rows';

const inline: PhoneNormalizer = { normalize: (raws, region) => Promise.resolve(encodePhoneResults(raws, region)) };

function table(headers: string[], batches: string[][][]): ContactTable {
  return {
    headers,
    rows: (async function* () {
      for (const batch of batches) yield batch;
    })(),
  };
}

function validatorFor(headers: string[]): ContactRowValidator {
  return new ContactRowValidator(resolveColumnLayout(headers), {
    defaultRegion: 'US',
    invalidPhoneHandling: 'skip',
    isSuppressed: () => false,
  });
}

async function collect(
  t: ContactTable,
  validator: ContactRowValidator,
  normalizer = inline,
  limits = { maxRows: 10_000, maxColumns: 10 },
) {
  const out = [];
  for await (const contacts of validatedRows(t, validator, normalizer, 'US', limits)) out.push(...contacts);
  return out;
}

describe('validatedRows', () => {
  it('yields the valid contacts in row order across blocks, rows numbered from 1 in file order', async () => {
    const rows = Array.from({ length: 1203 }, (_, i) => [
      `+1202555${String(1000 + (i % 9000)).padStart(4, '0')}`,
      `n${i}`,
    ]);
    rows[5] = ['not a phone', 'bad'];
    rows[7] = ['', ''];
    const headers = ['phone', 'name'];
    const validator = validatorFor(headers);
    const contacts = await collect(
      table(headers, [rows.slice(0, 400), rows.slice(400, 401), rows.slice(401)]),
      validator,
    );
    expect(contacts).toHaveLength(1201);
    expect(contacts.map((c) => c.row)).toEqual(
      Array.from({ length: 1203 }, (_, i) => i + 1).filter((r) => r !== 6 && r !== 8),
    );
    expect(contacts[0]).toMatchObject({ row: 1, phone: '+12025551000', name: 'n0', status: 'pending' });
    expect(validator.counts).toMatchObject({ total_rows: 1202, valid_rows: 1201, invalid_rows: 1, empty_rows: 1 });
  });

  it('refuses more data rows than the limit (empty rows do not count) and more columns than the limit', async () => {
    const headers = ['phone'];
    const rows = [['+12025550100'], [''], ['+12025550101'], ['+12025550102']];
    await expect(
      collect(table(headers, [rows.slice(0, 3)]), validatorFor(headers), inline, { maxRows: 2, maxColumns: 10 }),
    ).resolves.toHaveLength(2);
    const tooMany = await collect(table(headers, [rows]), validatorFor(headers), inline, {
      maxRows: 2,
      maxColumns: 10,
    }).catch((e: IngestRefusal) => e);
    expect(tooMany).toMatchObject({ code: 'too_many_rows', details: { limit_rows: 2 } });
    const wide = ['phone', 'a', 'b'];
    const tooWide = await collect(table(wide, []), validatorFor(wide), inline, { maxRows: 2, maxColumns: 2 }).catch(
      (e: IngestRefusal) => e,
    );
    expect(tooWide).toMatchObject({ code: 'invalid_file', details: { columns: 3, limit_columns: 2 } });
  });

  it('a normalizer failure ends the read with its error', async () => {
    const failing: PhoneNormalizer = { normalize: () => Promise.reject(new Error('phone worker exited with code 1')) };
    const headers = ['phone'];
    await expect(collect(table(headers, [[['+12025550100']]]), validatorFor(headers), failing)).rejects.toThrow(
      'phone worker exited',
    );
  });
});
