// A tiny static server for the demo (and the browser tests): demo/ at /, the package's models at
// /models/. Pages and scripts revalidate (Last-Modified, 304); files named with a hash of their
// bytes (the demo's Wasm builds) are kept by the browser; model files are sent with no-store, so a
// second visit is fast only through the page's own cache (loadModel's `cache: true`).
//   node demo/serve.mjs [port]     (npm run demo builds first, then runs this)
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.safetensors': 'application/octet-stream', '.wasm': 'application/wasm' };

/**
 * Serves `mounts` ({ '/prefix/': folder }) on 127.0.0.1:port (0: any free port); resolves to the
 * server. `onRequest(path)` sees every request (the tests count downloads with it).
 */
export function serveStatic(mounts, port = 0, onRequest = undefined) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    onRequest?.(path);
    const prefix = Object.keys(mounts).filter((p) => path.startsWith(p)).sort((a, b) => b.length - a.length)[0];
    let file = prefix === undefined ? undefined : normalize(join(mounts[prefix], path.slice(prefix.length)));
    if (file && !file.startsWith(normalize(mounts[prefix]))) file = undefined; // no ../ out of the mount
    let stat;
    try {
      stat = file && statSync(file);
      if (stat?.isDirectory()) { file = join(file, 'index.html'); stat = statSync(file); }
    } catch { stat = undefined; }
    if (!stat) { res.writeHead(404, { 'content-type': 'text/plain' }); res.end('not found'); return; }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    const modified = stat.mtime.toUTCString();
    if (type !== 'application/octet-stream' && req.headers['if-modified-since'] === modified) { res.writeHead(304); res.end(); return; }
    // names with a hash of their bytes (the demo's dist/wasm/) never change: kept without asking again
    const immutable = /-[0-9a-f]{12}\.wasm$/.test(file);
    res.writeHead(200, { 'content-type': type, 'content-length': stat.size, 'last-modified': modified,
      'cache-control': immutable ? 'max-age=31536000, immutable' : type === 'application/octet-stream' ? 'no-store' : 'no-cache' });
    if (req.method === 'HEAD') { res.end(); return; }
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

/** The demo's mounts: the page, and the package's models. */
export const demoMounts = { '/': join(root, 'demo') + sep, '/models/': join(root, 'models') + sep };

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  serveStatic(demoMounts, Number(process.argv[2] ?? 8080)).then((server) => console.log(`seqattn demo: http://127.0.0.1:${server.address().port}/`));
}
