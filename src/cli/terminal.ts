/**
 * The `seqattn` command's output boundary. Everything it prints that came from outside (an input
 * line, a model's vocabulary, a file's tensor names and metadata, an error message quoting any of
 * them) passes printable() on its way to stdout or stderr, so a file or an input cannot move the
 * cursor, clear the screen, retitle the terminal (OSC 0) or write the clipboard (OSC 52). The only
 * escape sequences the command writes are its own: the progress bar's and --attention's colours.
 */

/**
 * C0 controls but tab (ESC, BEL, CR, LF, ...), DEL, C1 controls (U+0080-U+009F: CSI and OSC on
 * terminals that read 8-bit controls), line and paragraph separators, and the bidirectional
 * overrides and isolates that reorder what a line shows.
 */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `s` with every control character written as a JSON escape (`\u001b`): shown, never obeyed. Applied
 * to a one-line JSON text (or to a pretty one line by line, printableLines) it stays valid JSON that
 * parses to the same value: JSON.stringify leaves C1 controls and U+2028 raw, only inside strings.
 * @example printable('\u001b]0;owned\u0007') // '\\u001b]0;owned\\u0007'
 */
export function printable(s: string): string {
  return s.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A multi-line text (inspect's report) made printable line by line: its own line breaks kept. */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}

/** Whitespace runs with a line break in them as one space: an error message on one line. */
export function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

/** The one form of a message on stderr: `seqattn: MESSAGE`, on one line, printable. */
export function errorLine(message: string): string {
  return `seqattn: ${printable(oneLine(message))}\n`;
}

/** 256 colours for --attention: on a colour terminal unless NO_COLOR; FORCE_COLOR forces it (https://no-color.org). */
export function colorFor(stream: NodeJS.WriteStream): boolean {
  const env = process.env;
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return !['0', 'false'].includes(env.FORCE_COLOR);
  if (!stream.isTTY || env.TERM === 'dumb') return false;
  return typeof stream.hasColors === 'function' ? stream.hasColors(256) : false;
}

/** 'ENOENT (no such file or directory)' for a file system error. */
export function why(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const words: Record<string, string> = { ENOENT: 'no such file or directory', EACCES: 'permission denied', EISDIR: 'is a directory', ENOTDIR: 'a parent is not a directory', EROFS: 'read-only file system', ENOSPC: 'no space left on device' };
  return err.code ? `${err.code}${words[err.code] ? ` (${words[err.code]})` : ''}` : err.message;
}
