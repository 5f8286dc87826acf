/** A contact as the reporting read model stores it (one row of the `contacts` table). */
export interface ContactReadModel {
  /** Null while only a placeholder exists (a scheduler or dialer event arrived before the chunk). */
  row: number | null;
  phone: string | null;
  name: string | null;
  variables: Record<string, string> | null;
  status: string;
  final: boolean;
  attempts: number;
  last_outcome: string | null;
  last_attempt_at: Date | null;
  duration_seconds: number | null;
  failure_reason: string | null;
  call_id: string | null;
  recording_url: string | null;
  transcript: string | null;
}

/** "Successful" in every report means `completed` (SPEC §5). */
export const SUCCESS_STATUS = 'completed';
