// A bounded load test of examples/server on loopback: starts the server as a child process, then
// for each concurrency level runs autocannon for `--duration` seconds (after one warm-up run) with
// POST /translate of one word per request, and prints requests/s, latency p50 / p99 and requests
// per CPU second of the server process (workers included: on a shared machine the steadier
// number) as a Markdown table. Stops by itself; the server is killed at the end.
//
//   node examples/server/load-test.mjs [--workers 2] [--max-batch 16] [--max-wait-ms 1]
//                                      [--levels 1,8,32,64] [--duration 5] [--words FILE]
//                                      [--kill-every-ms 500]
// Words: one per line from --words, else the distinct lowercase words of README.md.
//
// --kill-every-ms N: the fault run. The server starts with --faults; during each level a pool worker
// is killed every N ms (POST /fault/kill-worker) and /health is read every 50 ms. Every response must
// be a 200 or a 503 naming E_WORKER (its worker was killed) or BUSY; no other status, no connection
// error; /health is 200 with ready > 0 or 503 with ready 0 (no other combination), its `restarts`
// never more than the kills made so far; after the run it must be 200 with every worker back and
// `restarts` equal to the kills made. Exits 1 otherwise.
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
const killEveryMs = flags['kill-every-ms'] === undefined ? 0 : Number(flags['kill-every-ms']);
const words = flags.words
  ? readFileSync(flags.words, 'utf8').split('\n').map((w) => w.trim()).filter(Boolean)
  : [...new Set(readFileSync(join(here, '..', '..', 'README.md'), 'utf8').toLowerCase().match(/\b[a-z]{3,14}\b/g))];

const server = spawn(process.execPath, [join(here, 'server.mjs'), '--port', '0', '--workers', String(workers),
  '--max-batch', String(maxBatch), '--max-wait-ms', String(maxWaitMs), ...(killEveryMs ? ['--faults'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  server.stdout.on('data', (d) => { const m = /on (http:\S+)/.exec(String(d)); if (m) resolve(m[1]); });
  server.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
});

/** 503 bodies by error code, and anything that is neither a 200 nor a 503 the fault run allows. */
const codes = {};
function load(connections, seconds) {
  let i = 0;
  return autocannon({
    url, connections, duration: seconds,
    requests: [{ method: 'POST', path: '/translate', headers: { 'content-type': 'application/json' },
      setupRequest: (req) => ({ ...req, body: JSON.stringify({ input: words[i++ % words.length] }) }),
      onResponse: (status, body) => {
        if (status === 200) return;
        let code = 'unreadable';
        try { code = JSON.parse(body).error.code; } catch {}
        const key = `${status} ${code}`;
        codes[key] = (codes[key] ?? 0) + 1;
      } }],
  });
}

/** During a fault run: kills a worker every killEveryMs, reads /health every 50 ms; returns the tallies when `done` resolves. */
async function faults(done) {
  const tally = { kills: 0, health200: 0, health503: 0, healthOther: 0, healthWrong: 0 };
  let over = false;
  done.then(() => { over = true; });
  const killer = (async () => {
    while (!over) {
      await new Promise((r) => setTimeout(r, killEveryMs));
      if (over) break;
      const r = await (await fetch(`${url}/fault/kill-worker`, { method: 'POST' })).json();
      if (r.killed !== null) { tally.kills++; totalKills++; }
    }
  })();
  const reader = (async () => {
    while (!over) {
      const r = await fetch(`${url}/health`);
      const h = await r.json();
      if (r.status === 200) tally.health200++; else if (r.status === 503) tally.health503++; else tally.healthOther++;
      const killsSoFar = totalKills; // + 1: a kill whose answer has not arrived yet
      if ((r.status === 200) !== (h.ready > 0) || h.restarts > killsSoFar + 1 || h.ready > workers) tally.healthWrong++;
      await new Promise((res) => setTimeout(res, 50));
    }
  })();
  await Promise.all([killer, reader]);
  return tally;
}

let failed = false;
let totalKills = 0;
try {
  await load(8, 2); // warm-up: JIT, input tables, worker caches
  console.log(`examples/server: ${workers} worker${workers > 1 ? 's' : ''}, max batch ${maxBatch}, max wait ${maxWaitMs} ms, ${words.length} distinct words, ${duration} s per level${killEveryMs ? `, a worker killed every ${killEveryMs} ms` : ''}`);
  console.log(`| concurrent requests | requests/s | p50 ms | p99 ms | requests per server CPU second | non-2xx / errors |${killEveryMs ? ' 503s by code | workers killed | /health 200 / 503 (wrong) |' : ''}`);
  console.log(`|---|---|---|---|---|---|${killEveryMs ? '---|---|---|' : ''}`);
  const cpu = async () => (await (await fetch(`${url}/stats`)).json()).cpuSeconds;
  for (const c of levels) {
    for (const k of Object.keys(codes)) delete codes[k];
    const cpu0 = await cpu();
    const run = load(c, duration);
    const tally = killEveryMs ? await faults(run) : null;
    const r = await run;
    const used = (await cpu()) - cpu0;
    let row = `| ${c} | ${Math.round(r.requests.average)} | ${r.latency.p50} | ${r.latency.p99} | ${Math.round(r.requests.total / used)} | ${r.non2xx} / ${r.errors} |`;
    if (tally) {
      const allowed = Object.keys(codes).every((k) => k === '503 E_WORKER' || k === '503 BUSY');
      const wrong = !allowed || r.errors > 0 || r.timeouts > 0 || tally.healthOther > 0 || tally.healthWrong > 0;
      failed ||= wrong;
      row += ` ${Object.entries(codes).map(([k, n]) => `${k}: ${n}`).join(', ') || 'none'} | ${tally.kills} | ${tally.health200} / ${tally.health503} (${tally.healthWrong}) |${wrong ? ' FAILED' : ''}`;
    }
    console.log(row);
  }
  if (killEveryMs) {
    let h;
    for (let i = 0; i < 100; i++) { h = await (await fetch(`${url}/health`)).json(); if (h.ready === workers) break; await new Promise((r) => setTimeout(r, 100)); }
    console.log(`after the faults: /health ${JSON.stringify(h)}`);
    if (!h.ok || h.ready !== workers || h.restarts !== totalKills) failed = true;
    console.log(`workers killed in all: ${totalKills}; /health restarts: ${h.restarts}${failed ? ' FAILED' : ''}`);
  }
} finally {
  server.kill();
}
process.exitCode = failed ? 1 : 0;
