import { IsNotEmpty, IsOptional, IsString } from 'class-validator';

/** `POST /api/batch-calls/{id}/reschedule`: the scheduler checks the zone and that the time is in the future. */
export class RescheduleRequest {
  @IsString() @IsNotEmpty() scheduled_start_time: string;
  @IsOptional() @IsString() timezone?: string;
}
