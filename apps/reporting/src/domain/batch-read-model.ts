/** A batch as the reporting read model stores it (one row of the `batches` table). */
export interface BatchReadModel {
  batch_id: string;
  org_id: string;
  name: string;
  status: string;
  agent_id: string;
  from_number: string;
  concurrency: number;
  max_attempts: number;
  total_calls: number;
  final_count: number;
  completed_count: number;
  failed_count: number;
  in_progress_count: number;
  dialed_final_count: number;
  duration_sum: number;
  duration_count: number;
  cost_so_far: number;
  estimated_cost: number;
  variable_columns: string[];
  created_at: Date;
  scheduled_start_time: Date | null;
  start_time: Date | null;
  completed_at: Date | null;
}

/** A failed contact as listed in the status `errors` (first 100 by row). */
export interface FailedContact {
  row: number;
  phone: string | null;
  status: string;
  final: boolean;
  attempts: number;
  failure_reason: string | null;
  last_outcome: string | null;
}
