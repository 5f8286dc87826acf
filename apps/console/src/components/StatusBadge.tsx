/** A status or outcome as a labelled badge; the colour only repeats what the text says. */
export function StatusBadge({
  value,
  kind = 'status',
}: {
  value: string | null | undefined;
  kind?: 'status' | 'outcome' | 'reason';
}) {
  if (!value) return <span className="muted">—</span>;
  return (
    <span className={`badge badge-${tone(value)}`} title={`${kind}: ${value}`}>
      {value.replace(/_/g, ' ')}
    </span>
  );
}

function tone(value: string): string {
  if (['completed', 'running', 'live'].includes(value)) return 'good';
  if (['failed', 'invalid_number', 'blocked', 'carrier_error', 'agent_error', 'cancelled', 'opted_out'].includes(value))
    return 'bad';
  if (['busy', 'no_answer', 'timeout', 'voicemail', 'paused', 'expired', 'queued'].includes(value)) return 'warn';
  if (['scheduled', 'dialing', 'in_progress'].includes(value)) return 'info';
  return 'neutral';
}
