import { type BenchmarkResults, gatewayOverheads, type WorkloadResult } from './results.ts';

/** The results as the markdown that `bench/results/latest.md` holds and the run prints. */
export function renderMarkdown(results: BenchmarkResults): string {
  const { settings, machine } = results;
  const lines = [
    `# Gateway benchmark, ${results.startedAt}`,
    '',
    `${machine.cpus} cores (${machine.cpuModel}), Node ${machine.node}. autocannon, ` +
      `${settings.connections} connections, ${settings.rounds} rounds of ${settings.durationSec} s ` +
      `per gateway after a ${settings.warmupSec} s warm-up, gateways alternated; medians of the ` +
      `rounds. One process (one worker) per gateway; peak RSS is that process's VmHWM. ` +
      (settings.pinned
        ? 'Gateway pinned to its own CPU, load generator and subgraphs to CPU 0. '
        : 'No CPU pinning. ') +
      `Subgraph delay ${settings.subgraphDelayMs} ms.`,
    '',
  ];
  const { loadAverage } = machine;
  if (Math.max(loadAverage.start, loadAverage.end) > machine.cpus) {
    lines.push(
      `Note: the machine was shared (load average ${loadAverage.start.toFixed(1)} at the start, ` +
        `${loadAverage.end.toFixed(1)} at the end, on ${machine.cpus} cores): absolute numbers ` +
        'are low and noisy; the ratios, from alternated rounds, hold better.',
      '',
    );
  }
  for (const workload of results.workloads) {
    lines.push(`## ${workload.title}`, '');
    if (workload.status === 'skipped') {
      lines.push(`Skipped: ${workload.reason}`, '');
      continue;
    }
    if (workload.status === 'failed') {
      lines.push(`Not measured, it failed: ${workload.reason}`, '');
      continue;
    }
    if (workload.status === 'fan-out') {
      lines.push(...renderFanOut(workload));
      continue;
    }
    lines.push(
      '| gateway | RPS | p50 ms | p99 ms | errors | mismatches | peak RSS MB | RPS vs stock Apollo |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const g of workload.gateways) {
      const ratio = g.ratioToStock === null ? 'n/a' : `${g.ratioToStock.toFixed(2)}x`;
      lines.push(
        `| ${g.label} | ${g.rps.toFixed(1)} | ${g.p50Ms.toFixed(0)} | ${g.p99Ms.toFixed(0)} | ` +
          `${g.errors} | ${g.mismatches} | ${g.peakRssMb.toFixed(0)} | ${ratio} |`,
      );
    }
    lines.push('');
    const rounds = workload.gateways.map(
      (g) => `${g.label}: ${g.rounds.map((r) => r.rps.toFixed(1)).join(', ')}`,
    );
    lines.push(`RPS per round: ${rounds.join('; ')}.`, '');
    if (workload.subgraphsDirect?.length) {
      lines.push(
        'Subgraphs measured directly (the bodies the gateways sent them, same concurrency):',
        '',
        '| subgraph | RPS | p50 ms | p99 ms | errors |',
        '|---|---:|---:|---:|---:|',
        ...workload.subgraphsDirect.map(
          (s) =>
            `| ${s.name} | ${s.rps.toFixed(0)} | ${s.p50Ms.toFixed(1)} | ${s.p99Ms.toFixed(1)} | ${s.errors} |`,
        ),
        '',
        'Gateway overhead: its p50 less the slowest subgraph\u2019s direct p50.',
        '',
        '| gateway | p50 ms | slowest subgraph p50 ms | overhead ms |',
        '|---|---:|---:|---:|',
        ...gatewayOverheads(workload).map(
          (o) =>
            `| ${o.label} | ${o.p50Ms.toFixed(0)} | ${o.slowestSubgraphP50Ms.toFixed(1)} | ${o.overheadMs.toFixed(0)} |`,
        ),
        '',
      );
    }
  }
  return lines.join('\n');
}

function renderFanOut(workload: Extract<WorkloadResult, { status: 'fan-out' }>): string[] {
  const { events } = workload;
  const lines = [
    `${events.paced} new orders at ${events.perSecond} a second (latency: from the order sent to ` +
      `the vendor to each client), then ${events.burst} as fast as the vendor takes them ` +
      '(events per second that reached every subscriber). Medians of the rounds; memory per ' +
      'subscriber is the gateway RSS the crowd added. Undelivered: events that had not reached ' +
      'a subscriber 5 s after arrivals stopped.',
    '',
    '| gateway | latency p50 ms | latency p99 ms | events/s to all | deliveries/s | KiB per subscriber | peak RSS MB | undelivered | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const g of workload.gateways) {
    lines.push(
      g.supported
        ? `| ${g.label} | ${g.latencyP50Ms.toFixed(0)} | ${g.latencyP99Ms.toFixed(0)} | ` +
            `${g.eventsPerSecond.toFixed(1)} | ${Math.round(g.deliveriesPerSecond)} | ` +
            `${g.kibPerSubscriber.toFixed(1)} | ${g.peakRssMb.toFixed(0)} | ${g.undelivered} | ${g.errors} |`
        : `| ${g.label} | ${g.reason} | | | | | | | |`,
    );
  }
  lines.push('');
  return lines;
}

const palette = [
  '#2f6fdf',
  '#8a8a8a',
  '#e3a21a',
  '#3aa675',
  '#c2410c',
  '#7c3aed',
  '#0e7490',
  '#be185d',
];

/**
 * A bar chart of RPS per gateway, grouped by workload, as a self-contained SVG. Each workload
 * has its own scale: the chart compares gateways within a workload, not workloads.
 */
export function renderSvg(results: BenchmarkResults): string {
  const groups = results.workloads.flatMap((w) =>
    w.status === 'measured'
      ? [{ id: w.id, bars: w.gateways.map((g) => ({ label: g.label, value: g.rps })) }]
      : w.status === 'fan-out'
        ? [
            {
              id: `${w.id} (events/s)`,
              bars: w.gateways.flatMap((g) =>
                g.supported ? [{ label: g.label, value: g.eventsPerSecond }] : [],
              ),
            },
          ]
        : [],
  );
  const labels = [...new Set(groups.flatMap((group) => group.bars.map((b) => b.label)))];
  const bar = 56;
  const gap = 18;
  const groupWidth = labels.length * bar + (labels.length - 1) * 6;
  const left = 60;
  const top = 56;
  const plotHeight = 220;
  const width = Math.max(560, left + groups.length * (groupWidth + gap * 2) + 20);
  const height = top + plotHeight + 40 + labels.length * 16;
  const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${left}" y="20" font-size="15" font-weight="bold">Requests per second, median of ${results.settings.rounds} rounds, ${results.settings.connections} connections</text>`,
    `<text x="${left}" y="36" font-size="11" fill="#555">each workload on its own scale; subscriptions: events per second that reached every subscriber</text>`,
    `<line x1="${left}" y1="${top + plotHeight}" x2="${width - 10}" y2="${top + plotHeight}" stroke="#333"/>`,
  ];
  groups.forEach((group, w) => {
    const max = Math.max(1, ...group.bars.map((b) => b.value));
    const x0 = left + gap + w * (groupWidth + gap * 2);
    group.bars.forEach((b) => {
      const i = labels.indexOf(b.label);
      const h = (b.value / max) * plotHeight;
      const x = x0 + i * (bar + 6);
      const y = top + plotHeight - h;
      parts.push(
        `<rect x="${x}" y="${y.toFixed(1)}" width="${bar}" height="${h.toFixed(1)}" fill="${palette[i % palette.length]}"/>`,
        `<text x="${x + bar / 2}" y="${(y - 4).toFixed(1)}" text-anchor="middle">${b.value.toFixed(0)}</text>`,
      );
    });
    parts.push(
      `<text x="${x0 + groupWidth / 2}" y="${top + plotHeight + 18}" text-anchor="middle" font-weight="bold">${escapeXml(group.id)}</text>`,
    );
  });
  labels.forEach((label, i) => {
    const y = top + plotHeight + 40 + i * 16;
    parts.push(
      `<rect x="${left}" y="${y - 10}" width="12" height="12" fill="${palette[i % palette.length]}"/>`,
      `<text x="${left + 18}" y="${y}">${escapeXml(label)}</text>`,
    );
  });
  parts.push('</svg>', '');
  return parts.join('\n');
}
