/** How long each phase of a run took, added up over its repetitions, in the order the phases first ran. */
export class Phases {
  private readonly started = Date.now();
  private readonly durations = new Map<string, number>();

  async time<T>(phase: string, step: () => Promise<T>): Promise<T> {
    const start = Date.now();
    try {
      return await step();
    } finally {
      this.durations.set(phase, (this.durations.get(phase) ?? 0) + Date.now() - start);
    }
  }

  /** A table of the phases and the total, headed by what kind of run it was. */
  report(kind: string): string {
    const rows = [...this.durations].map(([phase, ms]) => `  ${phase.padEnd(14)} ${seconds(ms)}`);
    return [`timings, ${kind}:`, ...rows, `  ${'total'.padEnd(14)} ${seconds(Date.now() - this.started)}`].join('\n');
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1).padStart(6)} s`;
}
