import { DateTime } from 'luxon';
import { useId } from 'react';

import { timeZones } from '../lib/format';

/**
 * A local date-time and an IANA zone, with the instant shown in that zone and in UTC (the
 * schedule and reschedule dialogs). `value` is the local time as `yyyy-MM-ddTHH:mm`.
 */
export function ZonedTimeField(props: {
  value: string;
  zone: string;
  onChange: (value: string, zone: string) => void;
  label: string;
}) {
  const id = useId();
  const instant = props.value ? DateTime.fromISO(props.value, { zone: props.zone }) : null;
  return (
    <fieldset className="zoned-time">
      <legend>{props.label}</legend>
      <div className="row">
        <label htmlFor={`${id}-time`}>
          Date and time
          <input
            id={`${id}-time`}
            type="datetime-local"
            value={props.value}
            onChange={(e) => props.onChange(e.target.value, props.zone)}
          />
        </label>
        <label htmlFor={`${id}-zone`}>
          Time zone
          <select id={`${id}-zone`} value={props.zone} onChange={(e) => props.onChange(props.value, e.target.value)}>
            {timeZones().map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="muted" aria-live="polite">
        {instant && instant.isValid
          ? `Starts ${instant.toFormat('ccc d LLL yyyy, HH:mm')} ${props.zone} = ${instant.toUTC().toFormat('ccc d LLL yyyy, HH:mm')} UTC${instant < DateTime.now() ? ' (in the past)' : ''}`
          : 'Pick a date and time.'}
      </p>
    </fieldset>
  );
}
