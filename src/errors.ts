/**
 * Every error seqattn throws on bad input is a `SeqattnError` with a machine-readable `code`
 * and a message naming what is wrong and where: the file, the tensor, the index, expected vs got.
 * After any such error the model that threw it keeps working.
 */
export type SeqattnErrorCode =
  | 'E_FILE_TRUNCATED'      // fewer bytes than the format needs
  | 'E_HEADER_LENGTH'       // safetensors header length past the end of the file
  | 'E_HEADER_JSON'         // header is not valid JSON or not of the safetensors form
  | 'E_TENSOR_OFFSETS'      // data_offsets out of bounds, overlapping, or not matching dtype x shape
  | 'E_TENSOR_DTYPE'        // dtype not supported or not what the model needs
  | 'E_TENSOR_SHAPE'        // shape not what the config implies
  | 'E_TENSOR_MISSING'      // a tensor the model needs is not in the file
  | 'E_TENSOR_UNUSED'       // a tensor of the file is read by no part of the model (LoadOptions.allowUnusedTensors)
  | 'E_TENSOR_NONFINITE'    // NaN or Inf in a weight
  | 'E_OUTPUT_NONFINITE'    // a decode or classification computed NaN or Inf (finite weights near the float32 limit overflowed): never returned as a result
  | 'E_TENSOR_VALUE'        // a value the format does not allow (a negative int8 row scale, int8 -128)
  | 'E_CONFIG'              // config missing, malformed or inconsistent
  | 'E_TOKEN_ID'            // token id out of range
  | 'E_UNKNOWN_TOKEN'       // a string input has a symbol the vocabulary does not have (and no unknown id)
  | 'E_INPUT_LENGTH'        // input longer than the configured maximum, or empty
  | 'E_INPUT_KIND'          // ids / text given to a model that reads annotation vectors, or the other way round
  | 'E_FEATURE_SHAPE'       // annotation vectors not (L, D): their count is not a multiple of feature_size, or not length x D
  | 'E_FEATURE_NONFINITE'   // NaN or Inf in the annotation vectors
  | 'E_OPTION'              // an option is out of range, or the options are not an object
  | 'E_ARGUMENT'            // an argument is not of the documented kind (translateBatch of a non-array, a model source of no bytes)
  | 'E_FILE_SIZE'           // a model file is larger than the maxFileBytes load option
  | 'E_FEATURES_FILE'       // a features file (.npy, safetensors) not of the form `seqattn caption` reads
  | 'E_DISPOSED'            // the model was disposed
  | 'E_WORKER'              // a pool worker stopped (crash, out of memory, terminated) or cannot be started
  | 'E_STALE_SESSION'       // a step session used after its model started another decode
  | 'E_MODEL_NOT_FOUND'     // no bundled model of that name / no file at that path / URL not fetched
  | 'E_DOWNLOAD_SIZE'       // a URL source larger than FetchOptions.maxDownloadBytes
  | 'E_DOWNLOAD_INTEGRITY'  // a URL source whose SHA-256 is not FetchOptions.integrity
  | 'E_DOWNLOAD_TIMEOUT'    // a URL source not downloaded within FetchOptions.timeoutMs, or a server quiet for stallTimeoutMs
  | 'E_LEXICON'             // bytes that are not a packed pronouncing dictionary (src/g2p/lexicon.ts)
  | 'E_G2P_UNSPEAKABLE'     // g2p text has a character English G2P cannot speak, under PronounceOptions.unknown 'error'
  | 'E_WASM';               // the WebAssembly runtime failed (no SIMD, out of memory)

export class SeqattnError extends Error {
  readonly code: SeqattnErrorCode;
  constructor(code: SeqattnErrorCode, message: string) {
    super(message);
    this.name = 'SeqattnError';
    this.code = code;
  }
}

/** f of each input, in order; a SeqattnError from input b names it (`inputs[b]: ...`). For the *Batch methods. */
export function eachInput<T, R>(inputs: readonly T[], f: (x: T) => R): R[] {
  if (!Array.isArray(inputs)) {
    throw new SeqattnError('E_ARGUMENT', `inputs must be an array, got ${inputs === null ? 'null' : typeof inputs === 'object' ? 'an object that is not an array' : typeof inputs}`);
  }
  const out: R[] = [];
  for (let b = 0; b < inputs.length; b++) { // an index loop, not map: a hole is an input (undefined), not skipped
    let x: T;
    try {
      x = inputs[b];
    } catch (e) { // a getter or a Proxy that throws
      throw new SeqattnError('E_INPUT_KIND', `inputs[${b}]: reading it threw ${e instanceof Error ? e.name : typeof e}`);
    }
    try {
      out.push(f(x));
    } catch (e) {
      if (e instanceof SeqattnError) throw new SeqattnError(e.code, `inputs[${b}]: ${e.message}`);
      throw e;
    }
  }
  return out;
}

/** E_OUTPUT_NONFINITE: what was NaN / Inf and why (the weights overflowed float32). */
export function nonFiniteOutput(what: string, value: number): SeqattnError {
  return new SeqattnError('E_OUTPUT_NONFINITE', `${what} is ${value}: the model's computation overflowed float32 `
    + '(weights or inputs near +-3.4e38); no result is returned for it');
}
