import { ServiceError } from '@outdial/service-runtime';

/**
 * Splits the text of a JSON array into the source text of its elements while it streams in, so a
 * large JSON upload is never held whole: only one element at a time. Each element is then parsed
 * with JSON.parse. Anything but one top-level array (with only whitespace around it) is an error.
 */
export class JsonArraySplitter {
  private state: 'before' | 'between' | 'inside' | 'after' = 'before';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private element = '';
  private count = 0;
  private expectingValue = true;

  constructor(private readonly maxElementChars: number) {}

  /** Feeds a piece of text; returns the elements completed in it. */
  push(text: string): string[] {
    const out: string[] = [];
    let start = 0; // where the current element's text in this piece begins (state 'inside')
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (this.state === 'inside') {
        if (this.inString) {
          if (this.escaped) this.escaped = false;
          else if (ch === 0x5c) this.escaped = true;
          else if (ch === 0x22) this.inString = false;
          continue;
        }
        if (ch === 0x22) this.inString = true;
        else if (ch === 0x7b || ch === 0x5b) this.depth++;
        else if (ch === 0x7d || ch === 0x5d) {
          if (this.depth === 0) {
            // the array's closing bracket ends the last element
            out.push(this.finish(text.slice(start, i)));
            this.state = 'after';
            continue;
          }
          this.depth--;
        } else if (ch === 0x2c && this.depth === 0) {
          out.push(this.finish(text.slice(start, i)));
          this.state = 'between';
          this.expectingValue = true;
        }
        continue;
      }
      if (isSpace(ch)) continue;
      if (this.state === 'before') {
        if (ch === 0xfeff) continue;
        if (ch !== 0x5b) throw new ServiceError('invalid_file', 'a JSON upload must be an array of contact objects');
        this.state = 'between';
        this.expectingValue = true;
        continue;
      }
      if (this.state === 'after')
        throw new ServiceError('invalid_file', 'the JSON has text after the closing ] of the array');
      // between elements
      if (ch === 0x5d) {
        if (this.count > 0 && this.expectingValue)
          throw new ServiceError('invalid_file', `the JSON array has a trailing comma after item ${this.count}`);
        this.state = 'after';
        continue;
      }
      if (ch === 0x2c)
        throw new ServiceError('invalid_file', `the JSON array has an empty item after item ${this.count}`);
      this.state = 'inside';
      this.depth = 0;
      this.element = '';
      start = i;
      i--; // read this character again as part of the element
      this.state = 'inside';
      // the re-read character is handled by the 'inside' branch above
    }
    if (this.state === 'inside') {
      this.element += text.slice(start);
      if (this.element.length > this.maxElementChars) {
        throw new ServiceError(
          'invalid_file',
          `item ${this.count + 1} of the JSON array is longer than ${this.maxElementChars} characters`,
          { row: this.count + 1 },
        );
      }
    }
    return out;
  }

  /** Call at the end of the text. */
  end(): void {
    if (this.state === 'before')
      throw new ServiceError('invalid_file', 'the file is empty: expected a JSON array of contact objects', {
        line: 1,
        expected: '[{"phone": "+14155550100", "name": "Ada"}, ...]',
      });
    if (this.state !== 'after')
      throw new ServiceError('invalid_file', `the JSON array is not closed (after item ${this.count})`, {
        row: this.count,
      });
  }

  private finish(tail: string): string {
    const text = (this.element + tail).trim();
    this.element = '';
    this.count++;
    this.expectingValue = false;
    if (text.length > this.maxElementChars) {
      throw new ServiceError(
        'invalid_file',
        `item ${this.count} of the JSON array is longer than ${this.maxElementChars} characters`,
        { row: this.count },
      );
    }
    return text;
  }
}

function isSpace(ch: number): boolean {
  return ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09;
}
