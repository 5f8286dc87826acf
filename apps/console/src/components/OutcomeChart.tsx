/**
 * Outcome breakdown as horizontal bars with the numbers printed (readable without colour, and a
 * real table underneath for screen readers).
 */
export function OutcomeChart({ counts }: { counts: { label: string; value: number; tone: string }[] }) {
  const total = counts.reduce((s, c) => s + c.value, 0);
  return (
    <figure className="chart" aria-labelledby="outcome-chart-title">
      <figcaption id="outcome-chart-title">Outcome breakdown</figcaption>
      <table>
        <thead className="visually-hidden">
          <tr>
            <th scope="col">Outcome</th>
            <th scope="col">Contacts</th>
            <th scope="col">Share</th>
          </tr>
        </thead>
        <tbody>
          {counts.map((c) => {
            const share = total === 0 ? 0 : (c.value / total) * 100;
            return (
              <tr key={c.label}>
                <th scope="row">{c.label}</th>
                <td className="bar-cell">
                  <span className={`bar bar-${c.tone}`} style={{ width: `${share}%` }} aria-hidden="true" />
                  <span className="bar-value">{c.value}</span>
                </td>
                <td className="num">{share.toFixed(0)} %</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </figure>
  );
}
