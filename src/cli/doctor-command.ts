/**
 * `crashtriage doctor`: reads (never writes) the Prometheus, Alertmanager and crashtriage objects with
 * the user's kubeconfig and says which settings would drop the crash-loop alerts, with the command
 * that fixes each. Exit status 0 nothing drops alerts, 1 something does, 2 usage or kubeconfig error.
 */
import { parseArgs } from 'node:util';
import { examine } from '../doctor/examine.ts';
import type { Finding, Verdict } from '../doctor/finding.ts';
import { readCluster } from '../doctor/read-cluster.ts';
import { judgeSinkProbes, probeConfiguredSinks } from '../doctor/sink-probes.ts';
import { KubeConfigError } from '../kube/index.ts';
import { CLUSTER_OPTIONS } from './diagnose-args.ts';
import type { Terminal } from './diagnose-command.ts';

export const DOCTOR_USAGE = `Usage: crashtriage doctor [-n NAMESPACE] [options]

Reads the prometheus-operator objects (Prometheus, Alertmanager, AlertmanagerConfig, PrometheusRule,
ServiceMonitor) and crashtriage's Deployment and Service, and says which settings would drop the
crash-loop alerts, with the command that fixes each. It only reads, and never reads Secrets. Run with
the service's settings (in its pod), it also checks that the Teams and PagerDuty endpoints answer,
with requests that post nothing and page no one.

Options:
  -n, --namespace NS     crashtriage's namespace (default: crashtriage)
  -o, --output FORMAT    text (default) or json
      --kubeconfig FILE  kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)
      --context NAME     kubeconfig context (default: the current context)
      --request-timeout MS  timeout of each API call (default 10000)
      --no-color         no colour even on a terminal

Exit status: 0 nothing found that drops alerts, 1 something drops alerts, 2 usage or kubeconfig error.
`;

const ORDER: Verdict[] = ['drops', 'warns', 'check', 'unknown', 'ok'];
const HEADINGS: Record<Verdict, string> = {
  drops: 'Drops alerts',
  warns: 'Works, but',
  check: 'Check by hand',
  unknown: 'Could not check',
  ok: 'Fine',
};
const MARKS: Record<Verdict, string> = { drops: '✗', warns: '!', check: '?', unknown: '-', ok: '✓' };
const COLOURS: Record<Verdict, string> = { drops: '31', warns: '33', check: '36', unknown: '90', ok: '32' };

export async function doctorCommand(argv: string[], term: Terminal): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  try {
    const parsed = parse(argv);
    values = parsed.values;
    if (parsed.positionals.length > 0) throw new Error(`unexpected argument "${parsed.positionals[0]}"`);
  } catch (err) {
    term.stderr.write(`crashtriage doctor: ${(err as Error).message}\n\n${DOCTOR_USAGE}`);
    return 2;
  }
  if (values.help === true) {
    term.stdout.write(DOCTOR_USAGE);
    return 0;
  }
  const output = values.output ?? 'text';
  const timeoutMs = values['request-timeout'] === undefined ? 10_000 : Number(values['request-timeout']);
  if ((output !== 'text' && output !== 'json') || !Number.isInteger(timeoutMs) || timeoutMs < 100) {
    term.stderr.write(`crashtriage doctor: --output is text or json, --request-timeout a whole number of milliseconds (at least 100)\n`);
    return 2;
  }
  let result: Awaited<ReturnType<typeof readCluster>>;
  try {
    result = await readCluster({
      ...(values.kubeconfig !== undefined ? { kubeconfigPath: values.kubeconfig } : {}),
      ...(values.context !== undefined ? { context: values.context } : {}),
      ...(values.namespace !== undefined ? { namespace: values.namespace } : {}),
      timeoutMs,
    });
  } catch (err) {
    if (!(err instanceof KubeConfigError)) throw err;
    term.stderr.write(`crashtriage doctor: ${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}\n`);
    return 2;
  }
  // With the service's settings (in its pod), the Teams and PagerDuty sinks are checked too.
  const findings = [...examine(result.view), ...judgeSinkProbes(await probeConfiguredSinks(term.env, globalThis.fetch, Math.min(timeoutMs, 5000)))];
  if (output === 'json') term.stdout.write(`${JSON.stringify({ context: result.context, namespace: result.view.namespace, findings }, null, 2)}\n`);
  else {
    const color = term.stdout.isTTY === true && values['no-color'] !== true && (term.env['NO_COLOR'] ?? '') === '' && term.env['TERM'] !== 'dumb';
    term.stdout.write(renderFindings(findings, { context: result.context, namespace: result.view.namespace, color }));
  }
  return findings.some((f) => f.verdict === 'drops') ? 1 : 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      namespace: { type: 'string', short: 'n' },
      output: { type: 'string', short: 'o' },
      ...CLUSTER_OPTIONS,
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** Findings grouped by verdict, worst first, each with its fix commands indented below it. */
export function renderFindings(findings: readonly Finding[], at: { context: string; namespace: string; color: boolean }): string {
  const paint = (verdict: Verdict, text: string) => (at.color ? `\u001b[${COLOURS[verdict]}m${text}\u001b[0m` : text);
  const lines = [`crashtriage doctor: context ${at.context}, crashtriage in namespace ${at.namespace}`, ''];
  for (const verdict of ORDER) {
    const group = findings.filter((f) => f.verdict === verdict);
    if (group.length === 0) continue;
    lines.push(paint(verdict, `${HEADINGS[verdict]}:`));
    for (const f of group) {
      lines.push(`  ${paint(verdict, MARKS[verdict])} ${f.subject}`, ...wrap(f.says, 96).map((line) => `    ${line}`));
      for (const command of f.fix) lines.push(`    $ ${command}`);
    }
    lines.push('');
  }
  const drops = findings.filter((f) => f.verdict === 'drops').length;
  lines.push(
    drops === 0
      ? 'Nothing found that drops alerts.'
      : `${drops} ${drops === 1 ? 'setting drops' : 'settings drop'} alerts: fix ${drops === 1 ? 'it' : 'them'}, then run the doctor again.`,
  );
  return `${lines.join('\n')}\n`;
}

/** Words into lines of at most `width` characters (a longer word gets a line of its own); commands are never wrapped. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}
