// Prints the fault suite's table (one row per fault: calls completed, spans received, duplicates, how
// long the process took to exit after its last call) from the rows the tests wrote to FAULTS_SUMMARY_FILE,
// so the figures are there even for rows whose assertions failed.
const { existsSync, readFileSync, rmSync } = require('node:fs');

function table(rows) {
  const header = ['fault', 'calls completed', 'spans received (run / after drain)', 'duplicates', 'exit after last call', 'ended by'];
  const lines = rows.map((r) => [
    r.fault,
    String(r.completed),
    r.receivedAfterDrain === undefined ? String(r.receivedInRun) : `${r.receivedInRun} / ${r.receivedAfterDrain}`,
    String(r.duplicates),
    r.exitAfterLastMs === undefined ? '-' : `${(r.exitAfterLastMs / 1000).toFixed(1)} s`,
    r.endedBy,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [row(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(row)].join('\n');
}

class FaultsSummaryReporter {
  onRunStart() {
    const file = process.env.FAULTS_SUMMARY_FILE;
    if (file) rmSync(file, { force: true });
  }

  onRunComplete() {
    const file = process.env.FAULTS_SUMMARY_FILE;
    if (!file || !existsSync(file)) return;
    const rows = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    rmSync(file, { force: true });
    if (rows.length > 0) process.stdout.write(`\nFault injection: what reached the receiver\n${table(rows)}\n`);
  }
}
module.exports = FaultsSummaryReporter;
