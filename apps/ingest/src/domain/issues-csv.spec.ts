import { csvField, ISSUES_CSV_HEADER, issuesPage } from './issues-csv';

const issue = (row: number, code = 'invalid_phone', phone = `p${row}`) => ({ row, phone, code, message: `m${row}` });

describe('issues CSV', () => {
  it('quotes separators and escapes formula-like cells', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("=cmd|' /C calc'!A0")).toBe("'=cmd|' /C calc'!A0");
    expect(csvField('+14155550101')).toBe('+14155550101');
    expect(csvField('+1+cmd|x')).toBe("'+1+cmd|x");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField(12)).toBe('12');
  });

  it('pages hold whole rows within the byte budget, at least one row each', () => {
    const issues = [issue(1), issue(1, 'invalid_value'), issue(2), issue(3)];
    const first = issuesPage(issues, ISSUES_CSV_HEADER.length + 30, true, false);
    expect(first.csv.startsWith(ISSUES_CSV_HEADER)).toBe(true);
    expect(first.csv.split('\r\n').filter(Boolean)).toHaveLength(3); // header + both issues of row 1
    expect(first.next_after_row).toBe(1);
    expect(issuesPage(issues.slice(2), 1_000_000, false, false)).toEqual({
      csv: '2,p2,invalid_phone,m2\r\n3,p3,invalid_phone,m3\r\n',
      next_after_row: null,
    });
    expect(issuesPage(issues.slice(2), 1_000_000, false, true).next_after_row).toBe(3);
    expect(issuesPage([], 1000, true, false)).toEqual({ csv: ISSUES_CSV_HEADER, next_after_row: null });
  });
});
