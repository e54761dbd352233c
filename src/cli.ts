/**
 * `crashtriage <command>`: serve (the webhook service, what `npm start` runs), diagnose (the same
 * diagnosis from a terminal), doctor (does the monitoring setup deliver the alerts?). The demo runs
 * from a clone of the repository: `npm run demo`.
 */
import { readFileSync } from 'node:fs';
import { diagnoseCommand } from './cli/diagnose-command.ts';
import { doctorCommand } from './cli/doctor-command.ts';
import { testAlertCommand } from './cli/test-alert-command.ts';

const USAGE = `Usage: crashtriage <command> [options]

Commands:
  serve                               run the webhook service (configured by environment; see README)
  diagnose [-n NS] POD [-c CONTAINER]  diagnose a crash-looping pod (-l SELECTOR, -A: many); --help for more
  doctor [-n NS]                      check that Prometheus and Alertmanager deliver the alerts to crashtriage
  test-alert                          send one marked test diagnosis through every configured sink, print each answer
  --version                           print the version
`;

/** package.json's version (the image ships package.json beside src/). */
export function version(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

export async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve': {
      const { main } = await import('./main.ts');
      await main();
      return Number(process.exitCode ?? 0);
    }
    case 'diagnose':
      return diagnoseCommand(rest, { stdout: process.stdout, stderr: process.stderr, env: process.env });
    case 'doctor':
      return doctorCommand(rest, { stdout: process.stdout, stderr: process.stderr, env: process.env });
    case 'test-alert':
      return testAlertCommand(rest, { stdout: process.stdout, stderr: process.stderr, env: process.env });
    case '-v':
    case '--version':
    case 'version':
      process.stdout.write(`crashtriage ${version()}\n`);
      return 0;
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    case undefined:
      process.stderr.write(USAGE);
      return 2;
    default:
      process.stderr.write(`crashtriage: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

if (import.meta.main) process.exitCode = await run(process.argv.slice(2));
