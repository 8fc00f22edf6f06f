// A bounded load test of examples/server on loopback: starts the server as a child process, then
// for each concurrency level runs autocannon for `--duration` seconds (after one warm-up run) with
// POST /translate of one word per request, and prints requests/s, latency p50 / p99 and requests
// per CPU second of the server process (workers included: on a shared machine the steadier
// number) as a Markdown table. Stops by itself; the server is killed at the end.
//
//   node examples/server/load-test.mjs [--workers 2] [--max-batch 16] [--max-wait-ms 1]
//                                      [--levels 1,8,32,64] [--duration 5] [--words FILE]
// Words: one per line from --words, else the distinct lowercase words of README.md.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const here = dirname(fileURLToPath(import.meta.url));
const flags = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const workers = Number(flags.workers ?? availableParallelism());
const maxBatch = Number(flags['max-batch'] ?? 16);
const maxWaitMs = Number(flags['max-wait-ms'] ?? 1);
const levels = (flags.levels ?? '1,8,32,64').split(',').map(Number);
const duration = Number(flags.duration ?? 5);
const words = flags.words
  ? readFileSync(flags.words, 'utf8').split('\n').map((w) => w.trim()).filter(Boolean)
  : [...new Set(readFileSync(join(here, '..', '..', 'README.md'), 'utf8').toLowerCase().match(/\b[a-z]{3,14}\b/g))];

const server = spawn(process.execPath, [join(here, 'server.mjs'), '--port', '0', '--workers', String(workers),
  '--max-batch', String(maxBatch), '--max-wait-ms', String(maxWaitMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  server.stdout.on('data', (d) => { const m = /on (http:\S+)/.exec(String(d)); if (m) resolve(m[1]); });
  server.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
});

function load(connections, seconds) {
  let i = 0;
  return autocannon({
    url, connections, duration: seconds,
    requests: [{ method: 'POST', path: '/translate', headers: { 'content-type': 'application/json' },
      setupRequest: (req) => ({ ...req, body: JSON.stringify({ input: words[i++ % words.length] }) }) }],
  });
}

try {
  await load(8, 2); // warm-up: JIT, input tables, worker caches
  console.log(`examples/server: ${workers} worker${workers > 1 ? 's' : ''}, max batch ${maxBatch}, max wait ${maxWaitMs} ms, ${words.length} distinct words, ${duration} s per level`);
  console.log('| concurrent requests | requests/s | p50 ms | p99 ms | requests per server CPU second | non-2xx / errors |');
  console.log('|---|---|---|---|---|---|');
  const cpu = async () => (await (await fetch(`${url}/stats`)).json()).cpuSeconds;
  for (const c of levels) {
    const cpu0 = await cpu();
    const r = await load(c, duration);
    const used = (await cpu()) - cpu0;
    console.log(`| ${c} | ${Math.round(r.requests.average)} | ${r.latency.p50} | ${r.latency.p99} | ${Math.round(r.requests.total / used)} | ${r.non2xx} / ${r.errors} |`);
  }
} finally {
  server.kill();
}
