/** A class of errors, for `toBeInstanceOf`. */
type ErrorClass<E> = abstract new (...args: never[]) => E;

/** What `action` throws, after checking that it is a `type`. */
export function thrownBy<E>(type: ErrorClass<E>, action: () => unknown): E {
  let error: unknown;
  try {
    action();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(type);
  return error as E;
}

/** What `promise` rejects with, after checking that it is a `type`. */
export async function rejectionBy<E>(type: ErrorClass<E>, promise: Promise<unknown>): Promise<E> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error as E;
}
