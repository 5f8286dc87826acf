import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * E.164 prefix -> IANA zones, from libphonenumber's timezone map (Apache-2.0; attribution and
 * license in apps/scheduler/data/phone-timezones). Longest matching prefix wins. An adapter: the
 * shipped map is a data file read from disk (`loadShipped`); `parse` and `zonesFor` are pure.
 */
export class PhoneZoneMap {
  private readonly longestPrefix: number;

  constructor(private readonly zonesByPrefix: ReadonlyMap<string, readonly string[]>) {
    let longest = 0;
    for (const prefix of zonesByPrefix.keys()) longest = Math.max(longest, prefix.length);
    this.longestPrefix = longest;
  }

  /** Parses the `prefix|Zone1&Zone2` format; `#` lines are comments. */
  static parse(text: string): PhoneZoneMap {
    const map = new Map<string, string[]>();
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const bar = line.indexOf('|');
      if (bar <= 0) throw new Error(`phone zone map: bad line "${line}"`);
      const prefix = line.slice(0, bar);
      if (!/^\d+$/.test(prefix)) throw new Error(`phone zone map: bad prefix "${prefix}"`);
      map.set(
        prefix,
        line
          .slice(bar + 1)
          .split('&')
          .filter((z) => z !== ''),
      );
    }
    return new PhoneZoneMap(map);
  }

  /** The map shipped with the service. */
  static loadShipped(): PhoneZoneMap {
    return PhoneZoneMap.parse(readFileSync(SHIPPED_MAP_PATH, 'utf8'));
  }

  /** The zones a number may be in (empty when no prefix matches). Accepts `+E164` or digits. */
  zonesFor(phone: string): readonly string[] {
    const digits = phone.startsWith('+') ? phone.slice(1) : phone;
    for (let length = Math.min(digits.length, this.longestPrefix); length > 0; length--) {
      const zones = this.zonesByPrefix.get(digits.slice(0, length));
      if (zones) return zones;
    }
    return [];
  }
}

// src/adapters and dist/adapters both sit two levels below the package root.
export const SHIPPED_MAP_PATH = join(__dirname, '..', '..', 'data', 'phone-timezones', 'map_data.txt');
