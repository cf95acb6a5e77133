// Test fixture: a Maven repository mirror on 127.0.0.1 serving the local ~/.m2/repository
// (filled by tests/scripts/fetch-local-stack.sh), so the installed app's own download of
// Apache Kafka's jars runs over real HTTP without the 43 MB crossing the internet on every run.
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Starts the mirror; resolves to { url, served: string[] (paths answered 200), close() }. */
export async function startMavenMirror(root = path.join(os.homedir(), '.m2', 'repository')) {
  const served = [];
  const server = http.createServer((request, response) => {
    const wanted = decodeURIComponent(new URL(request.url, 'http://mirror').pathname);
    const file = path.join(root, path.normalize(wanted));
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      response.writeHead(404).end();
      return;
    }
    served.push(wanted);
    response.writeHead(200, { 'Content-Length': fs.statSync(file).size });
    fs.createReadStream(file).pipe(response);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    served,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
