import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';

import { DEFAULT_WINDOW, isOpen, previewWindow, zoneGroups, zonesForNumber } from './calling-hours';

// Wednesday 2026-01-14 15:00 UTC = 10:00 New York, 07:00 Los Angeles, 16:00 Paris, 20:30 Kolkata.
const NOW = DateTime.fromISO('2026-01-14T15:00:00Z', { zone: 'utc' });

describe('calling-hours preview (SPEC §3)', () => {
  it('a contact is open only when the window is open in all its candidate zones', () => {
    expect(isOpen(['America/New_York'], NOW, DEFAULT_WINDOW)).toBe(true);
    expect(isOpen(['America/Los_Angeles'], NOW, DEFAULT_WINDOW)).toBe(false);
    expect(isOpen(['America/New_York', 'America/Los_Angeles'], NOW, DEFAULT_WINDOW)).toBe(false);
  });

  it('counts the share of contacts open now and the next opening for the others', () => {
    const preview = previewWindow(
      [
        { zones: ['America/New_York'], count: 3 },
        { zones: ['Europe/Paris'], count: 1 },
        { zones: ['America/Los_Angeles'], count: 4 },
      ],
      DEFAULT_WINDOW,
      NOW,
    );
    expect(preview).toMatchObject({ total: 8, openNow: 4, openPercent: 50, unknown: 0 });
    // Los Angeles opens at 09:00 local = 17:00 UTC.
    expect(preview.nextOpening).toBe('2026-01-14T17:00:00.000Z');
  });

  it('honours days and skip_weekends: on a Saturday a weekdays-only window opens on Monday', () => {
    const saturday = DateTime.fromISO('2026-01-17T15:00:00Z', { zone: 'utc' });
    const preview = previewWindow(
      [{ zones: ['Europe/London'], count: 2 }],
      { ...DEFAULT_WINDOW, skip_weekends: true },
      saturday,
    );
    expect(preview.openPercent).toBe(0);
    expect(preview.nextOpening).toBe('2026-01-19T09:00:00.000Z');
  });

  it('a fixed zone window ignores the contacts zones', () => {
    const preview = previewWindow(
      [
        { zones: ['Asia/Tokyo'], count: 1 },
        { zones: [], count: 1 },
      ],
      { ...DEFAULT_WINDOW, timezone: 'America/New_York' },
      NOW,
    );
    expect(preview).toMatchObject({ total: 2, openNow: 2, openPercent: 100, nextOpening: null });
  });

  it('contacts without a known zone are reported apart, not counted as open', () => {
    const preview = previewWindow(
      [
        { zones: [], count: 5 },
        { zones: ['America/New_York'], count: 5 },
      ],
      DEFAULT_WINDOW,
      NOW,
    );
    expect(preview).toMatchObject({ total: 5, openNow: 5, openPercent: 100, unknown: 5 });
  });

  it('derives zones from the timezone column first, else from the calling code (longest prefix)', () => {
    expect(zonesForNumber('+442071234567')).toEqual(['Europe/London']);
    expect(zonesForNumber('+35312345678')).toEqual(['Europe/Dublin']);
    expect(zonesForNumber('4155550101')).toEqual([]);
    const groups = zoneGroups([
      { phone: '+14155550101', timezone: 'America/Los_Angeles' },
      { phone: '+14155550102' },
      { phone: '(415) 555-0103' },
      { phone: '+33142685300' },
    ]);
    expect(groups).toEqual([
      { zones: ['America/Los_Angeles'], count: 1 },
      { zones: ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'], count: 2 },
      { zones: ['Europe/Paris'], count: 1 },
    ]);
  });
});
