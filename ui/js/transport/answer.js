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
