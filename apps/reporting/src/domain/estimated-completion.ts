export interface CompletionInput {
  status: string;
  startTime: Date | null;
  now: Date;
  total: number;
  final: number;
  /** Contacts finished by dialing since the start (not those final at ingest, e.g. suppressed). */
  dialedFinal: number;
}

/**
 * When the batch should be done at the pace observed since it started: the remaining contacts at
 * the average time per finished contact. Null when it is not running or no pace is known yet;
 * `now` when nothing remains (the scheduler is about to mark it completed).
 */
export function estimateCompletion(input: CompletionInput): Date | null {
  if (input.status !== 'running' || !input.startTime) return null;
  const remaining = Math.max(0, input.total - input.final);
  if (remaining === 0) return new Date(input.now.getTime());
  const elapsedMs = input.now.getTime() - input.startTime.getTime();
  if (elapsedMs <= 0 || input.dialedFinal <= 0) return null;
  return new Date(input.now.getTime() + Math.round((remaining * elapsedMs) / input.dialedFinal));
}
