/**
 * CPU pinning for the HTTP section (Linux `taskset`): servers on one CPU, the load generator on
 * another, so that neither takes CPU time from the other. Without it, on a 2-core machine the
 * scheduler decides how much of the client's share each server gets, and a server's figure
 * moves by more than the differences measured (docs/benchmarks.md, HTTP).
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

export interface Pinning {
  /** CPUs of the servers, and of this process (the load generator), as taskset lists. */
  server: string;
  client: string;
  /** Moves this process's threads: to the server CPU before spawning servers (children inherit it), to the client CPU to load them. */
  pinSelf(cpus: string): void;
  /** This process back on every CPU. */
  release(): void;
}

function setAffinity(pid: number, cpus: string): void {
  // -a: every thread of the process (V8's and libuv's workers included).
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

/** Pinning for this machine, or null (fewer than 2 CPUs, or no taskset): then client and server share the CPUs. */
export function cpuPinning(): Pinning | null {
  const cpus = availableParallelism();
  if (cpus < 2) return null;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
  } catch {
    return null;
  }
  const all = `0-${cpus - 1}`;
  return {
    server: '0',
    client: cpus === 2 ? '1' : `1-${cpus - 1}`,
    pinSelf: (list) => setAffinity(process.pid, list),
    release: () => setAffinity(process.pid, all),
  };
}
