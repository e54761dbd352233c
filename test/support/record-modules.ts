/**
 * Preloaded with `node --import` into a child process: records the URL of every module the process
 * resolves and writes them, one per line, to $RECORD_MODULES_TO when it exits. Type-only imports are
 * erased before resolution, so the list is what the process really loads.
 */
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const out = process.env['RECORD_MODULES_TO'];
const seen = new Set<string>();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    seen.add(resolved.url);
    return resolved;
  },
});
process.on('exit', () => {
  if (out !== undefined) writeFileSync(out, [...seen].join('\n'));
});
