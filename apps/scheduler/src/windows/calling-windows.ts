import { Injectable } from '@nestjs/common';
import { BatchSettings } from '@outdial/contracts';
import { resolveWindowPolicy, WindowPolicy, windowPolicyKey, WindowState, windowStateAt } from '../domain/calling-window';
import { contactZoneKey, zonesOfKey } from '../domain/contact-zone';
import { PhoneZoneMap } from '../zones/phone-zone-map';

const CACHE_LIMIT = 10_000;
const CACHE_MAX_AGE_MS = 60_000;

/**
 * Calling-window answers for contacts: which zones a contact is called in, and whether the window
 * is open for a zone key now. Answers are cached per (policy, zone key) until they can change.
 */
@Injectable()
export class CallingWindows {
  private readonly zoneMap = PhoneZoneMap.loadShipped();
  private readonly cache = new Map<string, { state: WindowState; validUntil: number }>();

  zoneKeyFor(contact: { phone: string; timezone?: string | null }, settings: BatchSettings): string {
    return contactZoneKey({
      contactTimezone: contact.timezone,
      numberZones: this.zoneMap.zonesFor(contact.phone),
      callTimingTimezone: settings.call_timing?.timezone,
      batchTimezone: settings.timezone,
    });
  }

  /** The batch's daily window, or null when `bypass_call_guardrails` lifts windows altogether. */
  policyFor(settings: BatchSettings, complianceGuard: boolean): WindowPolicy | null {
    if (settings.bypass_call_guardrails) return null;
    return resolveWindowPolicy(settings.call_timing, complianceGuard);
  }

  stateFor(policy: WindowPolicy | null, zoneKey: string, now: Date): WindowState {
    if (policy === null) return { open: true, closesAt: new Date(8.64e15) };
    const key = `${windowPolicyKey(policy)}|${zoneKey}`;
    const cached = this.cache.get(key);
    if (cached && now.getTime() < cached.validUntil) return cached.state;
    const state = windowStateAt(policy, zonesOfKey(zoneKey), now);
    const changesAt = state.open ? state.closesAt.getTime() : (state.opensAt?.getTime() ?? Infinity);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, { state, validUntil: Math.min(changesAt, now.getTime() + CACHE_MAX_AGE_MS) });
    return state;
  }

  /** The first instant at or after `at` when the contact may be called; null = never. */
  nextCallable(policy: WindowPolicy | null, zoneKey: string, at: Date): Date | null {
    const state = this.stateFor(policy, zoneKey, at);
    return state.open ? at : state.opensAt;
  }
}
