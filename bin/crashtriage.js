#!/usr/bin/env node
// Entry point of `npx crashtriage`. Plain JavaScript so that an old Node gets a clear message
// instead of a syntax error: the sources are TypeScript run by Node 24's type stripping.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `crashtriage needs Node.js 24 or newer, and this is ${process.version}.\n` +
      'Run it through npm (npx crashtriage, npm start) from the project, which brings its own Node 24 after `npm ci`.\n',
  );
  process.exit(2);
}
const { run } = await import('../src/cli.ts');
process.exitCode = await run(process.argv.slice(2));
