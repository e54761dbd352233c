/**
 * A progress line on standard error while a selector-wide diagnose reads many pods: redrawn in place
 * on a terminal, one line per pod otherwise; never on standard output, so `-o json` stays clean.
 */
export interface Progress {
  tick(label: string): void;
  done(): void;
}

export function createProgress(stream: { write(s: string): unknown; isTTY?: boolean }, total: number, enabled: boolean): Progress {
  let done = 0;
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  if (!enabled || total < 2) return { tick: () => {}, done: () => {} };
  const tty = stream.isTTY === true;
  return {
    tick(label) {
      done++;
      if (tty) stream.write(`\r\u001b[2K${frames[done % frames.length]} diagnosing ${done}/${total} ${label}`);
      else stream.write(`diagnosed ${done}/${total} ${label}\n`);
    },
    done() {
      if (tty) stream.write('\r\u001b[2K');
    },
  };
}
