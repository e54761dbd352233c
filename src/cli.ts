/**
 * `crashtriage <command>`: serve (the webhook service, what `npm start` runs) and diagnose (the same
 * diagnosis from a terminal). The demo runs from a clone of the repository: `npm run demo`.
 */
import { diagnoseCommand } from './cli/diagnose-command.ts';

const USAGE = `Usage: crashtriage <command> [options]

Commands:
  serve                               run the webhook service (configured by environment; see README)
  diagnose [-n NS] POD [-c CONTAINER]  diagnose a crash-looping pod (-l SELECTOR, -A: many); --help for more
`;

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
