/** CPU seconds from /proc (Linux): of a process, and of this process's threads. */
import { readdirSync, readFileSync } from 'node:fs';

const fields = (stat: string) => stat.slice(stat.lastIndexOf(')') + 2).split(' ');
const seconds = (f: string[]) => (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks (100/s)

export const processCpu = (pid: number): number => seconds(fields(readFileSync(`/proc/${pid}/stat`, 'utf8')));

/** thread id -> CPU seconds; the main thread's id is the pid. */
export function threadCpu(): Map<number, number> {
  const out = new Map<number, number>();
  for (const t of readdirSync('/proc/self/task')) {
    try {
      out.set(Number(t), seconds(fields(readFileSync(`/proc/self/task/${t}/stat`, 'utf8'))));
    } catch { /* the thread ended */ }
  }
  return out;
}
