/**
 * `crashtriage <command>`: serve (the webhook service, what `npm start` runs).
 */
import { main as serve } from './main.ts';

const USAGE = `Usage: crashtriage <command>

Commands:
  serve      run the webhook service (configured by environment; see README)
`;

export async function run(argv: string[]): Promise<number> {
  const [command] = argv;
  switch (command) {
    case 'serve':
      await serve();
      return Number(process.exitCode ?? 0);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`crashtriage: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

if (import.meta.main) process.exitCode = await run(process.argv.slice(2));
