/**
 * Where the platform lives and how to prove the page may use it. The page always talks to
 * the server that served it: the server refuses requests from any other origin.
 *
 * A server that needs an access token (one listening beyond loopback, or started with
 * --token) prints the page's address as http://HOST:PORT/?token=TOKEN. The page keeps the
 * token in sessionStorage (this tab only, gone when it closes), takes it out of the address
 * bar so it does not show on a projected screen, and sends it: `Authorization: Bearer` on
 * API calls and `?token=` on the WebSocket, which cannot carry headers.
 */
const TOKEN_KEY = 'faultline.token';
/** What faultline-server accepts as a token; anything else in the address is ignored. */
const TOKEN = /^[A-Za-z0-9._~-]{16,256}$/;

/**
 * @param {Window} win  the page's window (location, history, sessionStorage)
 * @returns {{httpBase: string, wsUrl: string, label: string, token: string | null}}
 */
export function resolveEndpoints(win = window) {
  const location = win.location;
  const token = accessToken(win);
  const wsScheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const wsQuery = token ? `?token=${encodeURIComponent(token)}` : '';
  return { httpBase: '', wsUrl: `${wsScheme}//${location.host}/ws${wsQuery}`, label: location.host || 'this page', token };
}

/** The token from the address (kept, then removed from it) or from earlier in this tab. */
function accessToken(win) {
  const storage = sessionStore(win);
  const url = new URL(win.location.href);
  const given = url.searchParams.get('token');
  if (given !== null) {
    url.searchParams.delete('token');
    try {
      win.history.replaceState(win.history.state, '', url.pathname + url.search + url.hash);
    } catch {
      // A page that may not rewrite its address keeps the token in it; it still works.
    }
    if (TOKEN.test(given)) {
      try {
        storage?.setItem(TOKEN_KEY, given);
      } catch {
        // Storage full or refused: the token still works until the page reloads.
      }
      return given;
    }
  }
  const kept = storage?.getItem(TOKEN_KEY) ?? null;
  return kept !== null && TOKEN.test(kept) ? kept : null;
}

/** sessionStorage, or null where the page may not use it (some embedded or private contexts). */
function sessionStore(win) {
  try {
    return win.sessionStorage;
  } catch {
    return null;
  }
}
