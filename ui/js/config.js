/**
 * Where the platform lives. By default the page talks to the server that served it; with
 * `?server=HOST:PORT` it talks to another one (handy while serving ui/ from a plain static
 * server during development). Anything that does not look like a host and port is ignored,
 * so a crafted link cannot smuggle a path or credentials into the URLs built from it.
 */
const HOST_PORT = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/**
 * @param {Location} location
 * @returns {{httpBase: string, wsUrl: string, label: string}}
 */
export function resolveEndpoints(location = window.location) {
  const server = new URLSearchParams(location.search).get('server');
  if (server && HOST_PORT.test(server)) {
    return { httpBase: `http://${server}`, wsUrl: `ws://${server}/ws`, label: server };
  }
  const wsScheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return { httpBase: '', wsUrl: `${wsScheme}//${location.host}/ws`, label: location.host || 'this page' };
}
