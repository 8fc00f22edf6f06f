/**
 * Heteronyms beyond a part-of-speech tag: rules over a word's neighbours in its sentence, on top
 * of the tagger (tagger.ts) and the table (homographs.ts).
 *   tense        read without an auxiliary: the subject (he/she/a singular noun: past, as the
 *                present would be "reads"), modals and "to" (present), time adverbs and the other
 *                verbs of the sentence (yesterday, ago, last night, was: past; every, usually, now: present)
 *   be + adj     present, content, minute, close, live after is/was/were/seem... are adjectives
 *   modal + verb a heteronym right after will/can/should... or infinitive "to" is the verb
 *   senses       lead: front (in the lead, took an early lead, lead singer), leash (on a lead),
 *                clue (followed a new lead), metal (made of lead, lead pipes); bass, bow, sow,
 *                Polish, Reading, resume, buffet, aged, learned, axes, moped, putting by neighbours
 *   phrases      excuse me, used to (Y UW1 S T), didn't use to, supposed to
 *   hyphenated   read-only, well-read, lead-free, live-action, close-up, wind-swept, wind-up
 * Each rule looks at most a few words either side (ContextWord[] of the whole text), so the cost is linear.
 */
import type { CoarsePos } from './homographs.js';

/**
 * A word of the text as the rules see it: punctuation included (sentence boundaries), normalized
 * tokens as '#'. `tag` may be a getter: G2P first runs the rules without tags and tags only the
 * words whose rule read one (or chose nothing).
 */
export interface ContextWord {
  /** Lower case ('#' for a normalized token such as a number, the character for punctuation). */
  w: string;
  /** As written (case kept). */
  o: string;
  punct: boolean;
  /** For a normalized token read as a year ("in 1990"): the year. */
  year?: number;
  tag?: CoarsePos;
  /** For a part of a hyphenated word: the parts before and after it in that word. */
  left?: string;
  right?: string;
}

/** A pronunciation chosen by a rule (ARPAbet, space-separated). */
export interface ContextChoice { pron: string; pos?: CoarsePos; rule: string }

const set = (s: string) => new Set(s.split(' '));
const SENTENCE_END = set('. ! ? ; :');
const MODALS = set("will would can could shall should may might must 'll won't can't cannot wouldn't couldn't shouldn't mustn't shan't do does don't doesn't didn't did let let's please");
const BE = set("is are was were be been being am 's 're seem seems seemed remain remains remained become becomes became stay stays stayed feel feels felt look looks looked");
const SKIP_ADV = set('not never also just soon probably really always then still already once quickly quietly carefully finally first actually often usually sometimes rarely seldom even only simply barely hardly eagerly slowly silently secretly briefly immediately recently later very so too quite rather all extremely fairly pretty both');
const DET = set('the a an his her their its our my your this that these those every each some any no another whose');
const SINGULAR_SUBJECT = set('he she it this that nobody somebody someone everyone everybody anyone anybody one');
const PLURAL_NOUN = set('people children men women police cattle folk folks');
const PAST_MARK = set('yesterday ago earlier previously formerly was were had did went came saw said told took gave got made knew thought stood sat ran wrote spoke felt left found brought bought began became kept held heard met paid sent spent lost won fell grew drew threw flew wore ate drank sang swam rode drove slept woke broke chose forgot understood led');
const PRESENT_MARK = set("every usually often always sometimes now today tomorrow nowadays generally normally daily tend tends will 'll is are am does do");
// "in 1990": a year before this one, after one of these, dates what the sentence says in the past
const PAST_YEAR_BEFORE = set('in during');
const THIS_YEAR = new Date().getFullYear();
const LAST_WHAT = set('night week year month time summer winter spring fall autumn weekend term semester january february march april may june july august september october november december monday tuesday wednesday thursday friday saturday sunday');
const TO_VERB = set('want wants wanted try tries tried decide decides decided plan plans planned hope hopes hoped need needs needed like likes liked love loves loved begin began start started going able ready have has had refuse refused agree agreed promise promised expect expected seem seemed continue continued learn learned choose chose prefer allowed asked told helped help managed failed how where what whether wish wished intend intended aim aims prepared');
const OBJECT = set('the a an his her their its our my your this that these those them him me us it you all some');
const LEAD_METAL_NEXT = set('poisoning pipe pipes piping paint paints pencil pencils shot weight weights acetate oxide content levels level exposure free based crystal glass ore mine mines mining batteries battery apron roof balloon lined contamination toxicity solder bullet bullets smelter smelting acid glazed sheeting flashing alloy alloys');
const METALS = set('tin zinc copper iron mercury arsenic cadmium nickel silver gold steel');
const LEAD_FRONT_PREV = set('the an its his her their our my your narrow early big huge slim clear comfortable commanding new strong good promising solid overall two-point healthy early');
const LEAD_ROLE_NEXT = set('role roles singer singers vocalist vocals guitarist guitar actor actress author authors character investigator investigators detective story paragraph engineer developer designer researcher scientist counsel attorney negotiator article editor dancer part position car horse runner rider sponsor agency plaintiff pastor architect manager programmer organizer producer writer prosecutor officer time times');
const LEAD_FRONT_VERB = set('take took taken taking takes hold held holding holds extend extended extending extends lost lose losing gave give giving regain regained regaining seize seized build built building grab grabbed keep kept follow followed following play played playing plays sing sang star starred had has have got get cut cutting');
const FISH = set('caught catch catching fish fishing fished striped sea largemouth smallmouth grilled fillet fillets lake river pier rod bait pond trout salmon cod angler anglers');
const SHIP = set('ship ships boat boats vessel vessels deck waves wave yacht sailed hull stern ferry');
const AXES_MATH = set('x y z coordinate coordinates graph graphs chart charts plot plots both two three principal horizontal vertical rotation rotational symmetry cartesian axis orthogonal labelled labeled');
const PLACE_PREV = set('in from to near at of outside around via visit visited visiting and');
const GOLF = set('green greens golf putter hole holes ball stroke strokes');
const NOT_PAST = set('hundred kindred sacred naked wicked wretched beloved rugged ragged crooked learned aged blessed tired bored interested excited used supposed based');
const AGED_NEXT = set('between from over under in for up out well about around');

/** Words that have a context rule (they are tagged like table heteronyms). */
export const CONTEXT_WORDS: ReadonlySet<string> = set('read lead present content minute close live excuse used use supposed bass bow bowed bows sow polish reading nice job resume resumes buffet aged learned beloved axes moped putting wind tear');

/**
 * The pronunciation the rules choose for words[j], or undefined (the tag and the table decide).
 * `table(word, pos)` is the heteronym table's pronunciation of a word as a part of speech.
 */
export function contextPronunciation(words: readonly ContextWord[], j: number, table: (w: string, pos: CoarsePos) => string | undefined): ContextChoice | undefined {
  const x = words[j];
  const w = x.w;
  // Neighbours within the sentence: k words back / forward (punctuation counts, and stops at a sentence end).
  const at = (d: number): ContextWord | undefined => {
    const step = d < 0 ? -1 : 1;
    let k = j;
    for (let n = 0; n < Math.abs(d); n++) {
      k += step;
      const y = words[k];
      if (!y || (y.punct && SENTENCE_END.has(y.w))) return undefined;
    }
    return words[k];
  };
  const word = (d: number) => { const y = at(d); return y && !y.punct ? y.w : ''; };
  // The nearest word before, skipping adverbs.
  let back = -1;
  while (at(back) && !at(back)!.punct && SKIP_ADV.has(at(back)!.w)) back--;
  const before = word(back);
  const prev = word(-1), next = word(1), next2 = word(2);
  const near = (s: ReadonlySet<string>, span: number) => { for (let d = 1; d <= span; d++) if (s.has(word(-d)) || s.has(word(d))) return true; return false; };
  const choose = (pron: string | undefined, rule: string, pos?: CoarsePos): ContextChoice | undefined => (pron ? { pron, pos, rule } : undefined);
  const sentenceStart = !at(-1) || at(-1)!.punct && /^["'(]$/.test(at(-1)!.w) && !at(-2);
  const capital = /^[A-Z]/.test(x.o);

  // Hyphenated words: the other parts decide.
  if (x.left !== undefined || x.right !== undefined) {
    const l = x.left ?? '', r = x.right ?? '';
    if (w === 'read') {
      if (/^(only|write|through|along)$/.test(r)) return choose('R IY1 D', 'hyphen', 'verb');
      if (/^(well|widely|much|little|best|most|less|un|over|under|half|seldom|rarely)$/.test(l)) return choose('R EH1 D', 'hyphen', 'past');
    }
    if (w === 'lead') {
      if (LEAD_METAL_NEXT.has(r) || METALS.has(r) || METALS.has(l)) return choose('L EH1 D', 'hyphen', 'noun');
      if (/^(in|up|off|out|singer|vocalist|guitarist|role)$/.test(r)) return choose('L IY1 D', 'hyphen', 'noun');
    }
    if (w === 'live') {
      if (r === 'in') return choose('L IH1 V', 'hyphen', 'verb');
      if (/^(action|stream|streamed|streaming|streams|wire|fire|bait|broadcast|blog|blogging|blogged|tweet|tweeting|tweeted|music|feed|edit|editing|coding|updating|updates|recorded|recording|reload|audience|show)$/.test(r)) return choose('L AY1 V', 'hyphen', 'adj');
    }
    if (w === 'close' && /^(up|ups|knit|fitting|range|cropped|set|quarters|mouthed|run|shaven|call)$/.test(r)) return choose('K L OW1 S', 'hyphen', 'adj');
    if (w === 'wind') return choose(/^(up|ups|down)$/.test(r) ? 'W AY1 N D' : 'W IH1 N D', 'hyphen', /^(up|ups|down)$/.test(r) ? 'verb' : 'noun');
    if (w === 'tear' && /^(gas|drop|drops|stained|jerker|jerkers|ful|duct|ducts|streaked)$/.test(r)) return choose('T IH1 R', 'hyphen', 'noun');
    if (/^(re|pre|co|mis|over|under|out|self)$/.test(l)) { const v = table(w, 'verb'); if (v) return choose(v, 'hyphen', 'verb'); }
  }
  // Fixed phrases.
  if (w === 'excuse' && /^(me|us|him|her|them|my|our|his|their|yourself|myself|ourselves)$/.test(next)) return choose('IH0 K S K Y UW1 Z', 'phrase', 'verb');
  if (w === 'used' && next === 'to') {
    if (BE.has(before) || /^(get|gets|got|getting|gotten)$/.test(before)) {
      return /ing$/.test(next2) || OBJECT.has(next2) || next2 === '' ? choose('Y UW1 S T', 'phrase', 'adj') : undefined;
    }
    return choose('Y UW1 S T', 'phrase', 'past');
  }
  if (w === 'use' && next === 'to' && /^(did|didn't|not)$/.test(before)) return choose('Y UW1 S', 'phrase', 'verb');
  if (w === 'supposed' && next === 'to') return choose('S AH0 P OW1 S T', 'phrase', 'adj');

  // Words whose variants differ by meaning.
  switch (w) {
    case 'bass': return choose(near(FISH, 3) ? 'B AE1 S' : 'B EY1 S', 'sense', 'noun');
    case 'bow': case 'bows': case 'bowed': {
      const [aw, ow] = w === 'bow' ? ['B AW1', 'B OW1'] : w === 'bows' ? ['B AW1 Z', 'B OW1 Z'] : ['B AW1 D', 'B OW1 D'];
      if (/^(to|down|out|before|low|deeply|politely|respectfully)$/.test(next) || (x.tag === 'verb' || x.tag === 'past') && !DET.has(prev)) return choose(aw, 'sense', 'verb');
      if (near(SHIP, 3) || /^(take|took|taking|takes|taken|make|made)$/.test(word(-2))) return choose(aw, 'sense', 'noun');
      return choose(ow, 'sense', 'noun');
    }
    case 'sow': return choose(DET.has(prev) || /^(old|pregnant|breeding|fat)$/.test(prev) ? 'S AW1' : 'S OW1', 'sense', DET.has(prev) ? 'noun' : 'verb');
    case 'polish': {
      if (capital && !sentenceStart) return choose('P OW1 L IH0 SH', 'sense', 'adj');
      if (capital && sentenceStart && !OBJECT.has(next) && next !== 'up' && next !== 'off') return choose('P OW1 L IH0 SH', 'sense', 'adj');
      return choose('P AA1 L IH0 SH', 'sense', x.tag === 'noun' ? 'noun' : 'verb');
    }
    case 'reading': return capital && !sentenceStart && (PLACE_PREV.has(prev) || at(-1)?.w === ',' || /^(fc|station|festival|university|borough|council|gaol|abbey)$/.test(next))
      ? choose('R EH1 D IH0 NG', 'sense', 'noun') : choose('R IY1 D IH0 NG', 'sense');
    case 'nice': return capital && !sentenceStart && PLACE_PREV.has(prev) ? choose('N IY1 S', 'sense', 'noun') : undefined;
    case 'job': return capital && !sentenceStart && (prev === 'of' || prev === 'book') ? choose('JH OW1 B', 'sense', 'noun') : undefined;
    case 'resume': return DET.has(prev) || (x.tag === 'noun' && !MODALS.has(before) && before !== 'to') ? choose('R EH1 Z AH0 M EY2', 'sense', 'noun') : choose('R IH0 Z UW1 M', 'sense', 'verb');
    case 'resumes': return DET.has(prev) || (x.tag === 'noun' && !MODALS.has(before)) ? choose('R EH1 Z AH0 M EY2 Z', 'sense', 'noun') : choose('R IH0 Z UW1 M Z', 'sense', 'verb');
    case 'buffet': return x.tag === 'verb' || x.tag === 'past' && !DET.has(prev) ? choose('B AH1 F AH0 T', 'sense', 'verb') : choose('B AH0 F EY1', 'sense', 'noun');
    case 'aged': {
      if (at(1)?.w === '#' || AGED_NEXT.has(next)) return choose('EY1 JH D', 'sense', 'past');
      if (DET.has(prev) || prev === 'and' && DET.has(word(-3))) return choose('EY1 JH IH0 D', 'sense', 'adj');
      return choose('EY1 JH D', 'sense', 'past');
    }
    case 'learned': return DET.has(prev) && !/^(that|this|which)$/.test(prev) || /^(most|more|very|deeply|highly)$/.test(prev) && !BE.has(word(-2)) ? choose('L ER1 N IH0 D', 'sense', 'adj') : choose('L ER1 N D', 'sense', 'past');
    case 'beloved': return DET.has(prev) ? choose('B IH0 L AH1 V AH0 D', 'sense', 'adj') : undefined;
    case 'axes': return choose(near(AXES_MATH, 4) ? 'AE1 K S IY2 Z' : 'AE1 K S IH2 Z', 'sense', 'noun');
    case 'moped': return choose(DET.has(prev) ? 'M OW1 P EH0 D' : 'M OW1 P T', 'sense', DET.has(prev) ? 'noun' : 'past');
    case 'putting': return choose(near(GOLF, 3) ? 'P AH1 T IH0 NG' : 'P UH1 T IH0 NG', 'sense', 'verb');
    default:
  }

  // A verb after a modal, or after infinitive "to" (not a plural: "listen to records").
  if (MODALS.has(before) && before !== 'please' || before === 'to' && TO_VERB.has(word(back - 1)) && !/s$/.test(w) || before === 'please' && back === -1) {
    const v = table(w, 'verb');
    if (v) return choose(v, 'modal', 'verb');
  }
  // An adjective after a form of be (were present, is live, are very close, was content), unless an object follows.
  if (BE.has(before) && /^(present|content|minute|close|live|invalid|perfect|separate|moderate|deliberate|intimate|appropriate|frequent|abstract|compact|upset|elaborate|alternate|desert)$/.test(w)) {
    if (!OBJECT.has(next) || w === 'close' && next === 'to' || w === 'present' && /^(at|in|during|for|on|among|throughout|when|and|or|but|with)$/.test(next)) {
      const a = table(w, 'adj');
      if (a) return choose(a, 'be-adj', 'adj');
    }
  }
  if (w === 'lead') {
    if (before === 'to' && /^(exposure|exposed|access|resistance|immune|allergic|sensitivity|sensitive|due|owing|contamination|poisoned|poisoning)$/.test(word(back - 1))) return choose('L EH1 D', 'sense', 'noun');
    if (x.tag === 'verb' && !DET.has(prev) || MODALS.has(before) || before === 'to' && TO_VERB.has(word(back - 1))) return undefined;
    if (LEAD_METAL_NEXT.has(next) || METALS.has(next2) && next === 'and' || METALS.has(word(-2)) && prev === 'and' || prev === 'of' || prev === 'with' && !DET.has(word(-2))) return choose('L EH1 D', 'sense', 'noun');
    if (LEAD_ROLE_NEXT.has(next)) return choose('L IY1 D', 'sense', 'adj');
    if (/^(on|off)$/.test(word(-2)) && DET.has(prev) || prev === 'off' && /^(the)$/.test(word(-2))) return choose('L IY1 D', 'sense', 'noun');
    if (LEAD_FRONT_PREV.has(prev) || prev === 'a' && (LEAD_FRONT_VERB.has(word(-2)) || /^(on|in)$/.test(word(-2)))) {
      let front = false;
      for (let d = 2; d <= 5; d++) if (LEAD_FRONT_VERB.has(word(-d)) || word(-d) === 'in' || word(-d) === 'on' || word(-d) === 'into') front = true;
      if (front || LEAD_FRONT_PREV.has(prev) && prev !== 'the' && prev !== 'an') return choose('L IY1 D', 'sense', 'noun');
    }
    return undefined;
  }
  if (w === 'read') return tense(words, j, at, before, back);
  // After a determiner, a word whose noun and adjective readings agree is that reading (the object, an address).
  if (DET.has(prev)) {
    const n = table(w, 'noun');
    if (n !== undefined && table(w, 'adj') === n) return choose(n, 'det', 'noun');
  }
  return undefined;
}

/** read without an auxiliary: past or present from its subject and the sentence's other words. */
function tense(words: readonly ContextWord[], j: number, at: (d: number) => ContextWord | undefined, before: string, back: number): ContextChoice | undefined {
  if (MODALS.has(before) || before === 'to') return { pron: 'R IY1 D', pos: 'verb', rule: 'tense' };
  if (BE.has(before) || /^(has|have|had|having)$/.test(before)) return { pron: 'R EH1 D', pos: 'past', rule: 'tense' };
  const subj = at(back);
  const subjWord = subj && !subj.punct ? subj.w : '';
  const beforeSubj = at(back - 1);
  // A third-person singular subject: the present would be "reads".
  if (SINGULAR_SUBJECT.has(subjWord)) return { pron: 'R EH1 D', pos: 'past', rule: 'tense' };
  if (subj && !subj.punct && subj.tag === 'noun' && !/s$/.test(subjWord) && !PLURAL_NOUN.has(subjWord) && (beforeSubj && DET.has(beforeSubj.w) || /^[A-Z]/.test(subj.o) && beforeSubj !== undefined && !beforeSubj.punct)) {
    return { pron: 'R EH1 D', pos: 'past', rule: 'tense' };
  }
  // Time words and the other verbs of the sentence.
  let past = 0, present = 0;
  for (const d of [-1, 1]) {
    for (let n = 1; n <= 14; n++) {
      const y = at(d * n);
      if (!y) break;
      if (y.punct) continue;
      if (PAST_MARK.has(y.w)) past++;
      else if (y.w === 'last' && LAST_WHAT.has(at(d * n + 1)?.w ?? '')) past++;
      else if (y.year !== undefined && y.year < THIS_YEAR && PAST_YEAR_BEFORE.has(at(d * n - 1)?.w ?? '')) past++; // in 1990
      else if (PRESENT_MARK.has(y.w)) present++;
      else if (y.w !== 'read' && (y.tag === 'past' || y.tag === undefined) && /[^e]ed$/.test(y.w) && y.w.length > 4 && !NOT_PAST.has(y.w)) past++;
    }
  }
  if (past > present) return { pron: 'R EH1 D', pos: 'past', rule: 'tense' };
  if (present > past) return { pron: 'R IY1 D', pos: 'verb', rule: 'tense' };
  return undefined;
}
