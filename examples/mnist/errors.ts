/** The example's runtime failure: the command prints its message as one line and exits with code 1. */
export class MnistRunError extends Error {
  override readonly name = 'MnistRunError';
}
