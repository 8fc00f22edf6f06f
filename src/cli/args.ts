/**
 * The one command-line scanner of the subcommands (g2p, translate, caption): operands, `--`,
 * `--name value`, `--name=value` and flags, in the order given.
 */

/** An item of argv: an operand, or an option whose value the caller asks for (or forbids). */
export type ArgItem =
  | { readonly operand: string }
  | { readonly operand?: undefined; readonly name: string; value(): string; flag(): void };

/**
 * Walks `argv`: `-` and words not starting with `-` are operands, and so is everything after `--`;
 * an option's `value()` is its `=value` or the next argument, `flag()` refuses a `=value`.
 * Errors are `usage(message)`.
 * @example
 *   for (const a of scanArgs(argv, (m) => new UsageError(m))) {
 *     if (a.operand !== undefined) inputs.push(a.operand);
 *     else if (a.name === '--beam') beam = Number(a.value());
 *   }
 */
export function* scanArgs(argv: readonly string[], usage: (message: string) => Error): Generator<ArgItem, void, undefined> {
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (a === '--') {
      for (const rest of argv.slice(k + 1)) yield { operand: rest };
      return;
    }
    if (!a.startsWith('-') || a === '-') { yield { operand: a }; continue; }
    const eq = a.indexOf('=');
    const name = eq > 0 && a.startsWith('--') ? a.slice(0, eq) : a;
    const inline = eq > 0 && a.startsWith('--') ? a.slice(eq + 1) : undefined;
    yield {
      name,
      value: () => {
        if (inline !== undefined) return inline;
        const v = argv[k + 1];
        if (v === undefined) throw usage(`${name} needs a value`);
        k++;
        return v;
      },
      flag: () => { if (inline !== undefined) throw usage(`${name} takes no value`); },
    };
  }
}
