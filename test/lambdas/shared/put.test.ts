import { attemptTimeoutMs, retryDelayMs } from '../../../lambdas/shared/put';

describe('the PUT retry schedule', () => {
  it.each([
    [1, 200],
    [2, 400],
    [3, 800],
    [4, 1600],
    [5, 3200],
    [6, 3200],
    [20, 3200],
  ])('waits after failed attempt %i for %i ms', (attempt, delay) => {
    expect(retryDelayMs(attempt)).toBe(delay);
  });

  it.each([
    [60_000, 10_000],
    [10_000, 10_000],
    [2_500, 2_500],
    [50, 100],
    [0, 100],
  ])('gives one attempt with %i ms left %i ms', (left, timeout) => {
    expect(attemptTimeoutMs(left)).toBe(timeout);
  });
});
