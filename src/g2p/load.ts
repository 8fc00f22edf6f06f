/**
 * Building a G2P from its parts, the same in Node and browsers: the model and the lexicon are
 * given as loaded objects, bytes or URLs (fetched). The Node entry (src/g2p/node.ts) fills in the
 * bundled g2p-en model and lexicon (models/g2p-en/) when they are not given.
 */
import { SeqattnError } from '../errors.js';
import { fetchAndUse, type FetchOptions } from '../fetch.js';
import { Seq2SeqModel, type LoadOptions } from '../model.js';
import { checkPronounceOptions, G2P, type G2PResult, type PronounceOptions } from './g2p.js';
import type { Tagger } from './homographs.js';
import { Lexicon } from './lexicon.js';
import { defaultTagger } from './tagger.js';

/** Where the parts come from. */
export interface G2PLoadOptions {
  /** The g2p model: loaded, bytes, or a URL; false: dictionary words only (others are an error). Node default: the bundled g2p-en. */
  model?: Seq2SeqModel | Uint8Array | ArrayBuffer | string | URL | false;
  /** The packed dictionary: loaded, bytes, or a URL; false: the model alone (`--model-only`). Node default: models/g2p-en/lexicon.bin. */
  lexicon?: Lexicon | Uint8Array | ArrayBuffer | string | URL | false;
  /** Heteronyms by part of speech (default true: the compromise tagger), false, or your own tagger. */
  homographs?: boolean | Tagger;
  /** Options for loading the model (when it is not given loaded). */
  modelOptions?: LoadOptions;
  /** For parts given as URLs: cache, progress, size limit, integrity (as loadModel's; `integrity` only where one URL is fetched). */
  fetch?: FetchOptions;
}

/** The defaults an entry provides for parts not given. */
export interface G2PDefaults {
  model?: (options: LoadOptions) => Promise<Seq2SeqModel>;
  lexicon?: () => Promise<Uint8Array>;
  /** Loads a model from bytes or a URL. */
  loadModel: (source: Uint8Array | ArrayBuffer | string | URL, options: LoadOptions & FetchOptions) => Promise<Seq2SeqModel>;
}

/** Builds a G2P from options and an entry's defaults. */
export async function buildG2P(options: G2PLoadOptions, defaults: G2PDefaults): Promise<G2P> {
  if (options === null || typeof options !== 'object') throw new SeqattnError('E_OPTION', `loadG2P: options must be an object, got ${options === null ? 'null' : typeof options}`);
  const { lexicon: lex = undefined, model: m = undefined, homographs = true, modelOptions = {}, fetch: fetchOptions = {} } = options;
  if (homographs !== true && homographs !== false && !(typeof homographs === 'object' && homographs !== null && typeof (homographs as Tagger).tag === 'function')) {
    throw new SeqattnError('E_OPTION', `loadG2P: homographs must be true, false or a tagger ({ tag(words) }), got ${homographs === null ? 'null' : typeof homographs === 'object' ? 'an object without a tag function' : `${typeof homographs} ${JSON.stringify(homographs)}`}`);
  }
  let lexicon: Lexicon | null = null;
  if (lex instanceof Lexicon) lexicon = lex;
  else if (lex !== false) {
    if (lex === undefined && !defaults.lexicon) throw new SeqattnError('E_OPTION', 'loadG2P: give `lexicon` (bytes or a URL of lexicon.bin) or `lexicon: false` for the model alone');
    if (typeof lex === 'string' || lex instanceof URL) lexicon = await fetchAndUse(lex, fetchOptions, (bytes) => Lexicon.fromBytes(bytes, String(lex))); // cached once it parsed
    else lexicon = Lexicon.fromBytes(lex === undefined ? await defaults.lexicon!() : lex, 'lexicon');
  }
  let model: Seq2SeqModel | null = null;
  if (m !== false) {
    if (m === undefined) {
      if (!defaults.model) throw new SeqattnError('E_OPTION', 'loadG2P: give `model` (a loaded model, bytes or a URL) or `model: false` for dictionary words only');
      model = await defaults.model(modelOptions);
    } else if (m instanceof Uint8Array || m instanceof ArrayBuffer || typeof m === 'string' || m instanceof URL) {
      model = await defaults.loadModel(m, { ...fetchOptions, ...modelOptions });
    } else model = m;
  }
  if (!model && !lexicon) throw new SeqattnError('E_OPTION', 'loadG2P: `model: false` and `lexicon: false` leave nothing to pronounce with');
  const tagger = !lexicon || homographs === false ? null : homographs === true ? await defaultTagger() : homographs;
  return new G2P({ model, lexicon, tagger });
}

/**
 * g2p(text, options) for an entry: one G2P per distinct configuration of defaults (lexicon on or
 * off, heteronyms on or off, a model named by URL), kept for later calls.
 */
export function makeG2PFunction(defaults: G2PDefaults): (text: string, options?: G2PLoadOptions & PronounceOptions) => Promise<G2PResult> {
  const cache = new Map<string, Promise<G2P>>();
  return async (text, options = {}) => {
    checkPronounceOptions(options);
    if (typeof text !== 'string') throw new SeqattnError('E_ARGUMENT', `g2p: text must be a string, got ${text === null ? 'null' : typeof text}`);
    const simple = (x: unknown) => x === undefined || x === false || typeof x === 'string' || x instanceof URL;
    if (!simple(options.model) || !simple(options.lexicon) || typeof options.homographs === 'object' || options.modelOptions || options.fetch) {
      const g = await buildG2P(options, defaults);
      try { return g.pronounce(text, options); } finally { if (!(options.model instanceof Seq2SeqModel)) g.dispose(); }
    }
    const key = JSON.stringify([String(options.model), String(options.lexicon), options.homographs ?? true]);
    let g = cache.get(key);
    if (!g) {
      g = buildG2P(options, defaults);
      cache.set(key, g);
      g.catch(() => cache.delete(key));
    }
    return (await g).pronounce(text, options);
  };
}
