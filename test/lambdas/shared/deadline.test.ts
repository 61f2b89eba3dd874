import { answerMargin, Deadline, exitMargin, within } from '../../../lambdas/shared/deadline';

describe('margins', () => {
  it.each([
    [900_000, 5000, 500],
    [30_000, 5000, 500],
    [6_000, 2000, 500],
    [3_000, 1000, 300],
    [1_500, 500, 150],
  ])('with %i ms keeps %i ms for the answer and %i ms to exit', (budget, answer, exit) => {
    expect(answerMargin(budget)).toBe(answer);
    expect(exitMargin(budget)).toBe(exit);
  });

  it('gives the lookup what the answer margin leaves, and the answer what the exit margin leaves', () => {
    let remaining = 30_000;
    const deadline = new Deadline(() => remaining);
    remaining = 20_000;
    expect(deadline.lookupMs()).toBe(15_000);
    expect(deadline.answerMs()).toBe(19_500);
    expect(deadline.leftMs()).toBe(20_000);
  });
});

describe('within', () => {
  it('gives the result of work that finishes in time', async () => {
    await expect(within(1000, async () => 'done')).resolves.toEqual({ timedOut: false, value: 'done' });
  });

  it('passes on the error of work that fails in time', async () => {
    await expect(within(1000, () => Promise.reject(new Error('no such VPC')))).rejects.toThrow('no such VPC');
  });

  it('times out and aborts the signal of work that takes too long', async () => {
    let signal: AbortSignal | undefined;
    const result = await within(20, (s) => {
      signal = s;
      return new Promise(() => undefined);
    });
    expect(result).toEqual({ timedOut: true });
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toMatchObject({ name: 'TimeoutError' });
  });

  it('ignores work that fails after it timed out', async () => {
    const late = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('aborted')), 40));
    await expect(within(10, () => late)).resolves.toEqual({ timedOut: true });
    await expect(late).rejects.toThrow('aborted');
  });

  it('leaves no timer behind when work finishes first', async () => {
    jest.useFakeTimers();
    try {
      await within(60_000, async () => 'done');
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
