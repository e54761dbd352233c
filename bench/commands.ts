/**
 * Benchmark: issue #28's "commands that run", over every case of bench/cases/: each command of each
 * message's code blocks checked by bash and the real kubectl against the case's cluster on the fake
 * API server (test/support/bench-commands.ts). Prints how many commands fail, and which.
 *
 *   node_modules/.bin/node bench/commands.ts [--each] [case-id…]
 */

import { checkCaseCommands } from '../test/support/bench-commands.ts';
import { benchCaseDocuments } from '../test/support/corpus-documents.ts';
import { KUBECTL, startKubectlTarget } from '../test/support/kubectl.ts';

const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const cases = benchCaseDocuments().filter((c) => only.length === 0 || only.includes(c.id));
const parseOnly = await startKubectlTarget();
let commands = 0;
let failed = 0;
const failedCases: string[] = [];
try {
  for (const c of cases) {
    const r = await checkCaseCommands(c.id, c.document, KUBECTL, parseOnly.env);
    commands += r.commands;
    const lines = new Set(r.failures.map((f) => f.line));
    failed += lines.size;
    if (lines.size > 0) failedCases.push(c.id);
    if (process.argv.includes('--each')) for (const f of r.failures) console.log(`${c.id}\t${f.where}\t${f.why}\t${f.line}`);
  }
} finally {
  await parseOnly.close();
}
console.log(`commands in code blocks: ${commands} in ${cases.length} messages; ${failed} do not run as written, in ${failedCases.length} messages`);
