import { Injectable } from '@nestjs/common';
import { BatchSettings } from '@outdial/contracts';

import {
  resolveWindowPolicy,
  WindowPolicy,
  windowPolicyKey,
  WindowState,
  windowStateSpanAt,
} from '../domain/calling-window';
import { contactZoneKey, zonesOfKey } from '../domain/contact-zone';
import { PhoneZoneMap } from './phone-zone-map';

/** Distinct (policy, zone key) pairs kept; past it the cache starts over. */
const CACHE_LIMIT = 10_000;
/** Answers kept per (policy, zone key): the present one plus a few future instants (retry planning). */
const SPANS_PER_KEY = 4;

/** One cached answer and the instants it is the answer for: [validFrom, validUntil), epoch ms. */
interface CachedSpan {
  validFrom: number;
  validUntil: number;
  state: WindowState;
}

/** The answer when `bypass_call_guardrails` lifts windows: always open. */
const ALWAYS_OPEN: WindowState = { open: true, closesAt: new Date(8.64e15) };

/**
 * Calling-window answers for contacts, over the pure window math of domain/calling-window.ts and
 * the shipped phone-prefix zone map (adapters/phone-zone-map.ts, read from disk on first use):
 * which zones a contact is called in, and whether the window
 * is open for a zone key at an instant. Answers are cached per (policy, zone key) together with the
 * range of instants they hold for (`windowStateSpanAt`), and served only for an instant inside that
 * range: an answer computed for a future instant (a retry being planned) is never served for the
 * present, nor the other way round (issue 12 §1). So a cached answer always equals a fresh one.
 */
@Injectable()
export class CallingWindowCache {
  private zoneMapLoaded?: PhoneZoneMap;
  private readonly cache = new Map<string, CachedSpan[]>();

  zoneKeyFor(contact: { phone: string; timezone?: string | null }, settings: BatchSettings): string {
    return contactZoneKey({
      contactTimezone: contact.timezone,
      numberZones: this.zoneMap().zonesFor(contact.phone),
      callTimingTimezone: settings.call_timing?.timezone,
      batchTimezone: settings.timezone,
    });
  }

  /** The shipped prefix map, read on first use. */
  private zoneMap(): PhoneZoneMap {
    this.zoneMapLoaded ??= PhoneZoneMap.loadShipped();
    return this.zoneMapLoaded;
  }

  /** The batch's daily window, or null when `bypass_call_guardrails` lifts windows altogether. */
  policyFor(settings: BatchSettings, complianceGuard: boolean): WindowPolicy | null {
    if (settings.bypass_call_guardrails) return null;
    return resolveWindowPolicy(settings.call_timing, complianceGuard);
  }

  /**
   * Whether the window of `policy` is open at instant `at` in every zone of `zoneKey`
   * (`Zone1&Zone2`), with when it closes or next opens. Equal to `windowStateAt` for that instant.
   */
  stateFor(policy: WindowPolicy | null, zoneKey: string, at: Date): WindowState {
    if (policy === null) return ALWAYS_OPEN;
    const t = at.getTime();
    const key = `${windowPolicyKey(policy)}|${zoneKey}`;
    const spans = this.cache.get(key);
    const hit = spans?.find((s) => s.validFrom <= t && t < s.validUntil);
    if (hit) return hit.state;
    const { state, validUntil } = windowStateSpanAt(policy, zonesOfKey(zoneKey), at);
    const span: CachedSpan = { validFrom: t, validUntil, state };
    if (spans) {
      spans.unshift(span);
      if (spans.length > SPANS_PER_KEY) spans.pop();
    } else {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(key, [span]);
    }
    return state;
  }

  /** The first instant at or after `at` when the contact may be called; null = never. */
  nextCallable(policy: WindowPolicy | null, zoneKey: string, at: Date): Date | null {
    const state = this.stateFor(policy, zoneKey, at);
    return state.open ? at : state.opensAt;
  }
}
