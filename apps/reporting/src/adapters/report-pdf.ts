import type { BatchReport } from '@outdial/contracts';
import PDFDocument from 'pdfkit';

const COLORS: Record<string, string> = {
  completed: '#2e7d32',
  voicemail: '#6a1b9a',
  busy: '#ef6c00',
  no_answer: '#f9a825',
  timeout: '#8d6e63',
  failed: '#c62828',
  invalid_number: '#546e7a',
  blocked: '#37474f',
  carrier_error: '#ad1457',
  agent_error: '#4527a0',
  opted_out: '#00838f',
};

function money(value: number, currency: string): string {
  return `${value.toFixed(4)} ${currency}`;
}

function when(iso: string | null): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC') : '-';
}

function duration(seconds: number | null): string {
  if (seconds === null) return '-';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round(seconds % 60);
  return h > 0 ? `${h}h ${m}m ${s}s` : m > 0 ? `${m}m ${s}s` : `${s}s`;
}

/**
 * The PDF report (SPEC §8): summary, outcome breakdown as a bar chart, cost and timing. Text is
 * real text (not drawn glyphs), so it can be searched and extracted.
 */
export function renderReportPdf(report: BatchReport): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: `Outdial report ${report.summary.batch_id}`, Author: 'Outdial' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const s = report.summary;
  const left = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;

  doc.font('Helvetica-Bold').fontSize(20).text(`Batch report: ${s.name}`);
  doc
    .font('Helvetica')
    .fontSize(9)
    .fillColor('#555')
    .text(`Batch ${s.batch_id}, generated ${when(report.generated_at)}`);
  doc.moveDown();

  const section = (title: string) => {
    doc.moveDown(0.5).font('Helvetica-Bold').fontSize(13).fillColor('#000').text(title, left);
    doc.moveDown(0.2).font('Helvetica').fontSize(10);
  };
  const rows = (pairs: [string, string][]) => {
    for (const [label, value] of pairs) {
      const y = doc.y;
      doc.fillColor('#555').text(label, left, y, { width: 170 });
      doc.fillColor('#000').text(value, left + 180, y, { width: width - 180 });
    }
  };

  section('Summary');
  rows([
    ['Status', s.status],
    ['Agent', s.agent_id],
    ['From number', s.from_number],
    ['Total contacts', String(s.total_calls)],
    ['Completed (successful)', String(s.completed)],
    ['Failed (final, not successful)', String(s.failed)],
    ['Pending', String(s.pending)],
    ['In progress', String(s.in_progress)],
    ['Progress', `${s.progress_percent}%`],
    ['Success rate', `${s.success_rate}%`],
    ['Average call duration', `${s.avg_duration_seconds} s`],
  ]);

  section('Outcome breakdown (calls by outcome)');
  const outcomes = Object.entries(report.calls_by_outcome);
  const max = Math.max(1, ...outcomes.map(([, n]) => n));
  const labelWidth = 110;
  const barMax = width - labelWidth - 60;
  for (const [outcome, n] of outcomes) {
    const y = doc.y;
    doc
      .fillColor('#000')
      .fontSize(9)
      .text(outcome, left, y + 1, { width: labelWidth });
    const barWidth = n > 0 ? Math.max(2, (n / max) * barMax) : 0;
    if (barWidth > 0) doc.rect(left + labelWidth, y, barWidth, 11).fill(COLORS[outcome] ?? '#1565c0');
    doc.fillColor('#000').text(String(n), left + labelWidth + barWidth + 6, y + 1, { width: 60 });
    doc.y = y + 16;
  }
  doc.fontSize(10);
  const statuses = Object.entries(report.contacts_by_status).filter(([, n]) => n > 0);
  doc
    .moveDown(0.3)
    .fillColor('#555')
    .text(`Contacts by status: ${statuses.map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`, left, doc.y, { width });

  section('Cost');
  const c = report.cost;
  rows([
    ['Rate', `${c.rate_per_minute} ${c.currency} per minute`],
    ['Estimated at create', money(c.estimated_cost, c.currency)],
    ['Cost so far', money(c.cost_so_far, c.currency)],
    ['Billed minutes', String(c.billed_minutes)],
    ['Average per connected call', money(c.average_cost_per_call, c.currency)],
  ]);

  section('Timing');
  const t = report.timing;
  rows([
    ['Created', when(t.created_at)],
    ['Scheduled start', when(t.scheduled_start_time)],
    ['Started', when(t.start_time)],
    ['Completed', when(t.completed_at)],
    ['Elapsed', duration(t.elapsed_seconds)],
    ['Calls made', String(t.calls_made)],
    ['Calls connected', String(t.calls_connected)],
    ['Total talk time', duration(t.total_talk_seconds)],
    ['Calls per hour', t.calls_per_hour === null ? '-' : String(t.calls_per_hour)],
    ['Estimated completion', when(t.estimated_completion)],
  ]);

  if (s.errors.length > 0) {
    section(`First failed contacts (${s.errors.length})`);
    doc.fontSize(8);
    for (const e of s.errors.slice(0, 20))
      doc
        .fillColor('#000')
        .text(`row ${e.row}  ${e.phone}  ${e.error}  retries ${e.retry_count}`, left, doc.y, { width });
  }
  doc.end();
  return done;
}
