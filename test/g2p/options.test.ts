// The `unknown` policy for characters with no English reading (skip with a warning, spell a name,
// or a typed error), and bad options and arguments: typed E_OPTION / E_ARGUMENT errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatPronunciation, g2p, loadG2P, SeqattnError, type G2PWord } from '../../src/node.js';

const said = (r: Awaited<ReturnType<typeof g2p>>) => r.tokens.filter((t): t is G2PWord => t.kind === 'word').map((t) => t.parts.map((p) => p.word).join(' ')).join(' | ');
const fails = async (f: () => unknown, code: string, message?: RegExp) => {
  try {
    await f();
  } catch (e) {
    assert.instance(e, SeqattnError);
    assert.is((e as SeqattnError).code, code, (e as Error).message);
    if (message) assert.match((e as Error).message, message);
    return;
  }
  assert.unreachable(`expected ${code}`);
};

test("unknown 'skip' (default): one emoji or a lone ° never drops the sentence; each skipped character is a warning with its offsets", async () => {
  const text = 'Great job 👍 at 5 ° today ©';
  const r = await g2p(text);
  assert.is(said(r), 'great | job | at | five | today');
  assert.equal(r.warnings.map((w) => [w.code, w.text, w.start, w.end]), [['W_G2P_SKIPPED', '👍', 10, 12], ['W_G2P_SKIPPED', '°', 18, 19], ['W_G2P_SKIPPED', '©', 26, 27]]);
  for (const w of r.warnings) assert.is(text.slice(w.start, w.end), w.text);
  assert.match(r.warnings[0].message, /U\+1F44D/);
  assert.equal((await g2p('plain words')).warnings, []);
});

test("unknown 'spell': a character's name where one is known, else skipped with W_G2P_NO_NAME", async () => {
  const r = await g2p('Great job 👍 © ☃ done', { unknown: 'spell' });
  assert.is(said(r), 'great | job | thumbs up | copyright | done');
  assert.equal(r.warnings.map((w) => [w.code, w.text]), [['W_G2P_NO_NAME', '☃']]);
  const thumbs = r.tokens.find((t) => t.text === '👍') as G2PWord;
  assert.equal(thumbs.normalized, { kind: 'symbol', spoken: 'thumbs up' });
});

test("unknown 'error': E_G2P_UNSPEAKABLE naming the character and its position; a ° in a unit is no error", async () => {
  await fails(() => g2p('it is 5 ° out', { unknown: 'error' }), 'E_G2P_UNSPEAKABLE', /"°" \(U\+00B0\) at position 8/);
  await fails(() => g2p('hi 😀', { unknown: 'error' }), 'E_G2P_UNSPEAKABLE', /U\+1F600.*position 3/);
  assert.is(said(await g2p('it is 72°F', { unknown: 'error' })), 'it | is | seventy two degrees fahrenheit');
});

test('bad options: beamSize -1, "5", NaN, 1.5; unknown and locale outside their sets; homographs {}; E_OPTION, and the G2P keeps working', async () => {
  const g = await loadG2P();
  for (const beamSize of [-1, '5', NaN, 1.5, 0, 1000, Infinity]) {
    await fails(() => g.pronounce('blorfity', { beamSize } as never), 'E_OPTION', /beamSize/);
    await fails(() => g2p('blorfity', { beamSize } as never), 'E_OPTION', /beamSize/);
  }
  await fails(() => g2p('x', { unknown: 'drop' } as never), 'E_OPTION', /unknown/);
  await fails(() => g2p('x', { locale: 'fr' } as never), 'E_OPTION', /locale/);
  await fails(() => g2p('x', { homographs: {} } as never), 'E_OPTION', /homographs/);
  await fails(() => loadG2P({ homographs: 'yes' } as never), 'E_OPTION', /homographs/);
  await fails(() => g2p(null as never), 'E_ARGUMENT', /text must be a string/);
  assert.is(formatPronunciation(g.pronounce('still fine', { beamSize: 2 })), 'S T IH1 L | F AY1 N');
  g.dispose();
});

test('formatPronunciation(null), of a non-result, or in an unknown format: E_ARGUMENT / E_OPTION', async () => {
  await fails(() => formatPronunciation(null as never), 'E_ARGUMENT', /G2PResult/);
  await fails(() => formatPronunciation({} as never), 'E_ARGUMENT');
  await fails(() => formatPronunciation('text' as never), 'E_ARGUMENT');
  await fails(async () => formatPronunciation(await g2p('hi'), 'xsampa' as never), 'E_OPTION', /format/);
});

test('random text (seeded): numbers, symbols, emoji, URLs, abbreviations mixed: never an untyped error, offsets in order and within the input', async () => {
  const g = await loadG2P();
  let seed = 7;
  const rand = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  const pieces = ['the', 'Dr.', 'St', 'read', 'lead', 'I', 'II', 'VIII', 'GPU', 'e.g.', 'U.S.', 'Jan.', 'May', '1990', '1,234', '1,00,000', '3.5', '-7', '21st', '1/2', '3/4/2021',
    '10:30', '555-1234', '$2.5', 'billion', '€1.5M', '50¢', '£', '¥', '°', '72°F', 'km', 'mph', '+', '=', '&', '@', '#', '%', 'x', 'a@b.co', 'http://x.io/a', 'example.com', '😀', '©', 'мир', '...',
    ',', '-', '(', ')', '"', "'", '1990s', "'90s", '9'.repeat(40), '0.', '.5', '$', '12:99', '1-2-3-4', '2021-13-45', '1..2', '$.', '#1', '@@', 'x=5'];
  for (let n = 0; n < 400; n++) {
    const text = Array.from({ length: 1 + rand(8) }, () => pieces[rand(pieces.length)]).join([' ', '', ' ', '  '][rand(4)]);
    for (const unknown of ['skip', 'spell'] as const) {
      let r;
      try {
        r = g.pronounce(text, { unknown });
      } catch (e) {
        assert.unreachable(`${JSON.stringify(text)} (${unknown}): ${(e as Error).stack}`);
        return;
      }
      let at = 0;
      for (const t of r.tokens) {
        assert.ok(t.start >= at && t.end > t.start && t.end <= text.length, `${JSON.stringify(text)}: token ${JSON.stringify(t.text)} at ${t.start}-${t.end}`);
        assert.is(text.slice(t.start, t.end), t.text);
        if (t.kind === 'word') assert.ok(t.phonemes.length > 0 && t.phonemes.every((p) => /^[A-Z]+[0-2]?$/.test(p)), `${JSON.stringify(text)}: ${t.text} -> ${t.phonemes.join(' ')}`);
        at = t.end;
      }
      for (const w of r.warnings) assert.is(text.slice(w.start, w.end), w.text);
    }
  }
  g.dispose();
});

test.run();
