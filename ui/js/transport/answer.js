/**
 * One rule for both transports: a 2xx answer is its JSON body; anything else becomes an Error
 * carrying the server's own `error` sentence (a 409 or 422 explains itself), or, when the body
 * has none, the method, path and status.
 */
export function answerOrThrow(method, path, status, body) {
  if (status >= 200 && status < 300) return body;
  const sentence = typeof body?.error === 'string' && body.error ? body.error : `${method} ${path}: HTTP ${status}`;
  const error = new Error(sentence);
  error.status = status;
  error.body = body;
  throw error;
}

/**
 * Whether the server lets this page in, as both transports report it. After each HTTP answer: a 2xx means
 * the page got through (listeners hear null); a 401 or 403 whose JSON body has an `error`
 * sentence (the server's access guard: no token, a wrong token, a foreign Origin) means it
 * did not (listeners hear that sentence). Any other answer, or none, says nothing about
 * access and is not reported, so a refusal stays shown until a later call succeeds.
 */
export function createRefusalWatch() {
  const listeners = new Set();
  const tell = (sentence) => {
    for (const listener of listeners) listener(sentence);
  };
  return {
    /** @param {number} status  @param {any} body  the answer's status and parsed JSON body */
    answered(status, body) {
      if (status >= 200 && status < 300) tell(null);
      else if ((status === 401 || status === 403) && typeof body?.error === 'string' && body.error) tell(body.error);
    },
    /** Something other than an HTTP answer got through (the event stream opened). */
    admitted: () => tell(null),
    /** @param {(sentence: string | null) => void} listener  @returns {() => void} unsubscribe */
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
