/**
 * A promise raced against a point in time. The work is not cancelled when it loses: the caller decides
 * what stands in for it (a 503, an alert delivered with a problem) and the work finishes on its own,
 * bounded by its own timeouts.
 */
export type Raced<T> = { kind: 'done'; value: T } | { kind: 'late' };

export function raceDeadline<T>(work: Promise<T>, deadline: number, now: () => number = Date.now): Promise<Raced<T>> {
  const left = deadline - now();
  if (left <= 0) {
    work.catch(() => undefined); // the caller has given up on it; its failure is not unhandled
    return Promise.resolve({ kind: 'late' });
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Raced<T>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'late' }), left);
  });
  const done = work.then((value): Raced<T> => ({ kind: 'done', value }));
  done.catch(() => undefined);
  return Promise.race([done, late]).finally(() => clearTimeout(timer));
}
