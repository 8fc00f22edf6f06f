// G2P scoring (tools/g2p-score.ts) on hand-made cases, the CMUdict split (tools/g2p-data.ts), and
// both against the Python they re-implement (tools/g2p_score.py, tools/g2p_data.py) when python3 runs.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareCodePoints, readDictionary, splitDictionary, splitOf } from '../tools/g2p-data.js';
import { formatScore, levenshtein, parsePredictions, score, scoreWord, stripStress } from '../tools/g2p-score.js';

const root = join(import.meta.dirname, '..');

test('stripStress removes the stress digits and nothing else', () => {
  assert.equal(stripStress('HH AH0 L OW1'), ['HH', 'AH', 'L', 'OW']);
  assert.equal(stripStress(['AA2', 'B', 'ER0']), ['AA', 'B', 'ER']);
  assert.equal(stripStress('  K  AE1   T '), ['K', 'AE', 'T']);
  assert.equal(stripStress(''), []);
});

test('levenshtein: insertions, deletions, substitutions, symmetric', () => {
  assert.is(levenshtein([], []), 0);
  assert.is(levenshtein(['a'], []), 1);
  assert.is(levenshtein([], ['a', 'b']), 2);
  assert.is(levenshtein([..."kitten"], [..."sitting"]), 3);
  assert.is(levenshtein([..."sitting"], [..."kitten"]), 3);
  assert.is(levenshtein([..."flaw"], [..."lawn"]), 2);
  assert.is(levenshtein(['AH', 'T'], ['AH', 'T']), 0);
});

test('scoreWord: correct against any reference; stress matters only with stress', () => {
  const refs = ['R IY1 D', 'R EH1 D'];
  assert.equal(scoreWord('R EH1 D', refs), { correct: true, edits: 0, refLength: 3, closest: 1 });
  assert.ok(scoreWord('R EH0 D', refs).correct, 'stress ignored by default');
  assert.not.ok(scoreWord('R EH0 D', refs, true).correct, 'stress counted with stress');
  assert.is(scoreWord('R EH0 D', refs, true).edits, 1);
  assert.not.ok(scoreWord('R AY1 D', refs).correct);
});

test('scoreWord: PER counts edits to the closest reference and that reference\'s length', () => {
  // closer to the longer second reference: 1 edit of 5, not 2 of 3
  const s = scoreWord('AH B K D EH', ['AH B', 'AH B K D EY']);
  assert.equal(s, { correct: false, edits: 1, refLength: 5, closest: 1 });
  // a tie in distance takes the first reference (as tools/g2p_score.py does)
  assert.equal(scoreWord('X Y', ['A Y', 'X B C']).closest, 0);
  assert.is(scoreWord('X Y', ['A Y', 'X B C']).refLength, 2);
});

test('scoreWord: an empty hypothesis costs the whole (shortest) reference', () => {
  assert.equal(scoreWord('', ['K AE1 T', 'K AE1 T S']), { correct: false, edits: 3, refLength: 3, closest: 0 });
  assert.equal(scoreWord([], ['AH0']), { correct: false, edits: 1, refLength: 1, closest: 0 });
  assert.throws(() => scoreWord('A', []), /at least one reference/);
});

test('score: WER over words, PER over closest-reference phonemes, missing words empty', () => {
  const refs: [string, string[]][] = [
    ['cat', ['K AE1 T']],
    ['read', ['R IY1 D', 'R EH1 D']],
    ['the', ['DH AH0', 'DH IY0']],
    ['dog', ['D AO1 G']],
  ];
  const hyps = new Map([['cat', 'K AE1 T'], ['read', 'R EH2 D'], ['the', 'DH IY1 IY0']]); // dog missing
  const s = score(hyps, refs);
  assert.is(s.words, 4);
  // no stress: cat ok, read ok, the 1 insertion (ref DH IY, 2), dog 3 deletions
  assert.is(s.errors, 2);
  assert.is(s.wer, 50);
  assert.is(s.edits, 4);
  assert.is(s.refPhones, 3 + 3 + 2 + 3);
  assert.ok(Math.abs(s.per - (100 * 4) / 11) < 1e-12);
  // with stress: read R EH2 D is 1 off R EH1 D; the: DH IY1 IY0 vs DH IY0 = 1 deletion... or a sub + ins
  assert.is(s.errorsStress, 3);
  assert.is(s.editsStress, 1 + 1 + 3);
  // the same through an array aligned with refs and through a plain object
  assert.equal(score(['K AE1 T', 'R EH2 D', 'DH IY1 IY0', ''], refs), s);
  assert.equal(score({ cat: 'K AE1 T', read: 'R EH2 D', the: 'DH IY1 IY0' }, refs), s);
  assert.is(formatScore(s), 'WER 50.00% PER 36.36% (no stress) | WER 75.00% PER 45.45% (with stress) | 4 words');
});

test('score: nothing to score gives zero rates, not NaN', () => {
  const s = score([], []);
  assert.equal([s.words, s.wer, s.per, s.werStress, s.perStress], [0, 0, 0, 0, 0]);
});

test('parsePredictions reads word TAB phonemes, empty pronunciations and CRLF', () => {
  const p = parsePredictions('cat\tK AE1 T\r\nhmm\t\n\nbare\n');
  assert.equal([...p], [['cat', 'K AE1 T'], ['hmm', ''], ['bare', '']]);
});

test('readDictionary: letters and apostrophes only, comments stripped, alternatives grouped in order, duplicates dropped', () => {
  const d = readDictionary({
    "'bout": 'B AW1 T',
    'read(3)': 'R EY1 D',
    read: 'R IY1 D',
    'read(2)': 'R EH1 D  # past tense',
    'read(4)': 'R EH1 D',
    'a.m.': 'EY2 EH1 M',
    'x-ray': 'EH1 K S R EY2',
    abc1: 'EY1',
    Upper: 'AH1 P ER0',
    empty: '# nothing',
  });
  assert.equal([...d], [["'bout", ['B AW1 T']], ['read', ['R IY1 D', 'R EH1 D', 'R EY1 D']]]);
});

test('splitDictionary: sorted words, i % 20 == 0 dev, 1-2 test, the rest train; a word and its alternatives stay together', () => {
  assert.equal([0, 1, 2, 3, 19, 20, 21, 22, 23].map(splitOf), ['dev', 'test', 'test', 'train', 'train', 'dev', 'test', 'test', 'train']);
  const dict: Record<string, string> = {};
  const words = Array.from({ length: 45 }, (_, k) => String.fromCharCode(97 + (k % 26)) + 'z'.repeat(Math.floor(k / 26))); // a..z, az..sz
  words.forEach((w, k) => { dict[w] = `P${k}`; });
  dict['b(2)'] = 'ALT';
  const s = splitDictionary(dict);
  const sorted = [...words].sort();
  assert.is(s.dev.length + s.test.length + s.train.length, sorted.length);
  assert.equal(s.dev.map(([w]) => w), [sorted[0], sorted[20], sorted[40]]);
  assert.equal(s.test.map(([w]) => w), [sorted[1], sorted[2], sorted[21], sorted[22], sorted[41], sorted[42]]);
  assert.equal([...s.dev, ...s.test, ...s.train].find(([w]) => w === 'b')?.[1], ['P1', 'ALT']);
  assert.ok(compareCodePoints("'s", 'a') < 0 && compareCodePoints('ab', 'abc') < 0 && compareCodePoints('\u{1F600}', '\uFFFF') > 0);
});

const python = spawnSync('python3', ['--version']).status === 0;

function py(code: string, input = ''): string {
  const r = spawnSync('python3', ['-c', `import sys; sys.path.insert(0, ${JSON.stringify(join(root, 'tools'))})\n${code}`], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

test('the CMUdict test split is the one tools/g2p_data.py makes (words and pronunciations)', async () => {
  if (!python) { console.log('  (skipped: no python3)'); return; }
  const { dictionary } = await import('cmu-pronouncing-dictionary') as { dictionary: Record<string, string> };
  const ours = splitDictionary(dictionary);
  const theirs = JSON.parse(py('from g2p_data import load_splits\nimport json\ns = load_splits()\nprint(json.dumps({k: [[w, p] for w, p in v] for k, v in s.items()}))'));
  for (const name of ['train', 'dev', 'test'] as const) assert.is(ours[name].length, theirs[name].length, `${name} word count`);
  assert.ok(ours.test.length > 10000);
  assert.equal(ours.test, theirs.test);
  assert.equal(ours.dev, theirs.dev);
});

test('score() gives the numbers tools/g2p_score.py gives, on made-up hypotheses', () => {
  if (!python) { console.log('  (skipped: no python3)'); return; }
  const phones = ['AA0', 'AA1', 'AH0', 'AE1', 'B', 'D', 'K', 'T', 'S', 'IY1', 'IY0', 'ER0'];
  let seed = 7;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
  const pron = () => Array.from({ length: 1 + rnd(6) }, () => phones[rnd(phones.length)]).join(' ');
  const refs: [string, string[]][] = Array.from({ length: 300 }, (_, k) => [`w${k}`, Array.from({ length: 1 + rnd(3) }, pron)]);
  const hyps = refs.map(([, rs]) => (rnd(3) === 0 ? rs[rnd(rs.length)] : rnd(10) === 0 ? '' : pron()));
  const ours = score(hyps, refs);
  const theirs = JSON.parse(py('from g2p_score import score\nimport json\nd = json.load(sys.stdin)\nprint(json.dumps(score(d["hyps"], d["refs"])))', JSON.stringify({ hyps, refs })));
  assert.equal(
    [ours.errors, ours.edits, ours.refPhones, ours.errorsStress, ours.editsStress, ours.refPhonesStress],
    [theirs.errors, theirs.edits, theirs.ref_phones, theirs.errors_stress, theirs.edits_stress, theirs.ref_phones_stress]);
  assert.ok(Math.abs(ours.wer - theirs.wer) < 1e-9 && Math.abs(ours.per - theirs.per) < 1e-9);
  assert.ok(ours.errors > 0 && ours.errors < 300, 'a mix of right and wrong words');
});

test.run();
