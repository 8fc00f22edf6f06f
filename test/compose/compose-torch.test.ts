// tools/compose_torch.py (the PyTorch module built from a composition, which the random-composition
// parity test trusts) against the hand-written modules of tools/presets_torch.py and tools/seqattn_torch.py:
// every seq2seq fixture, rebuilt from the composition seqattn builds for its config, loads the fixture's
// state_dict strictly (the same names) and decodes like the hand-written module (greedy ids, attention
// within 1e-6, logits within 1e-5, beam nBest): the generator and the presets tell the same math. The
// fixtures given only as parts (test/compose/fixtures, tools/make_parts_fixtures.py) against their reference.json.
// It needs PyTorch (/usr/bin/python3 with torch): without it this test fails and says so, unless
// SEQATTN_NO_TORCH=1 says to leave it out on purpose.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = join(import.meta.dirname, '..', '..');
const python = process.env.SEQATTN_PYTHON ?? '/usr/bin/python3';

test('compose_torch builds every seq2seq fixture as its hand-written module computes it', () => {
  const probe = spawnSync(python, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    if (process.env.SEQATTN_NO_TORCH === '1') { console.log('  (left out: SEQATTN_NO_TORCH=1 and no PyTorch)'); return; }
    assert.unreachable(`${python} cannot import torch and numpy (apt-get install python3-torch python3-numpy), so ` +
      'tools/compose_torch.py is not checked against the hand-written modules; set SEQATTN_NO_TORCH=1 to leave this test out on purpose');
  }
  const args = [join(root, 'tools', 'check_compose_presets.py')];
  if (process.env.SEQATTN_FIXTURES) args.push('--fixtures', process.env.SEQATTN_FIXTURES);
  if (process.env.SEQATTN_PARTS_FIXTURES) args.push('--parts-fixtures', process.env.SEQATTN_PARTS_FIXTURES);
  const r = spawnSync(python, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.is(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const m = /(\d+) of (\d+) compositions agree/.exec(r.stdout);
  assert.ok(m && m[1] === m[2] && Number(m[2]) >= 20, r.stdout);
  for (const want of ['bentrevett-1', 'bentrevett-2', 'bentrevett-3', 'pytorch-chatbot-concat', 'opennmt-rnn-mlp', 'pytorch-tutorial-location', 'luong-local-p', 'cho-maxout',
    'parts-gru-cell', 'parts-lstm-per-layer']) {
    assert.ok(r.stdout.includes(`${want}: `), `${want} checked:\n${r.stdout}`);
  }
  console.log(`      ${m![0]} with the hand-written modules`);
});

test.run();
