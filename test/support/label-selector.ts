/**
 * Label selectors as the API server parses and matches them, for the fake API's list calls: the
 * grammar and semantics documented at
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
 * (equality `=`, `==`, `!=`; set-based `in`, `notin`, `key`, `!key`; and the integer `>`/`<` the
 * parser also accepts), requirements ANDed. A malformed selector throws `SelectorError` with the
 * message the API server puts in its 400 Status (k8s.io/apimachinery pkg/labels/selector.go and
 * pkg/util/validation: "unable to parse requirement: <nil>: Invalid value: …").
 */

export type Operator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | '>' | '<';

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

export class SelectorError extends Error {}

type Token = { kind: 'id' | 'in' | 'notin' | '(' | ')' | ',' | '!' | '=' | '==' | '!=' | '>' | '<' | 'end'; text: string };

const SYMBOLS = new Set(['=', '!', '(', ')', ',', '>', '<']);
const SPACE = /[ \t\r\n]/;

function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  for (;;) {
    while (at < input.length && SPACE.test(input[at] as string)) at++;
    if (at >= input.length) {
      tokens.push({ kind: 'end', text: '' });
      return tokens;
    }
    if (SYMBOLS.has(input[at] as string)) {
      // Every symbol is a token alone; "!=" and "==" are the two-character ones.
      const pair = input.slice(at, at + 2);
      const text = pair === '!=' || pair === '==' ? pair : (input[at] as string);
      tokens.push({ kind: text as Token['kind'], text });
      at += text.length;
      continue;
    }
    let end = at;
    while (end < input.length && !SYMBOLS.has(input[end] as string) && !SPACE.test(input[end] as string)) end++;
    const word = input.slice(at, end);
    tokens.push({ kind: word === 'in' ? 'in' : word === 'notin' ? 'notin' : 'id', text: word });
    at = end;
  }
}

/** The requirements of a selector; an empty selector has none (it matches everything). */
export function parseLabelSelector(input: string): Requirement[] {
  const tokens = lex(input);
  let pos = 0;
  // In a value position `in` and `notin` are plain identifiers (`x in (in)`).
  const peek = (values = true): Token => {
    const t = tokens[pos] as Token;
    return values && (t.kind === 'in' || t.kind === 'notin') ? { kind: 'id', text: t.text } : t;
  };
  const next = (values = true): Token => {
    const t = peek(values);
    pos++;
    return t;
  };

  const requirement = (): Requirement => {
    let t = next();
    let negated = false;
    if (t.kind === '!') {
      negated = true;
      t = next();
    }
    if (t.kind !== 'id') throw new Error(`found '${t.text}', expected: identifier`);
    const key = t.text;
    const keyErrors = qualifiedNameErrors(key);
    if (keyErrors.length > 0) throw new Error(`<nil>: Invalid value: "${key}": ${keyErrors.join('; ')}`);
    const after = peek();
    if (after.kind === 'end' || after.kind === ',') return checked({ key, operator: negated ? '!' : 'exists', values: [] });
    const op = next(false);
    let values: string[];
    switch (op.kind) {
      case 'in':
      case 'notin':
        values = valueSet();
        break;
      case '=':
      case '==':
      case '!=':
      case '>':
      case '<': {
        const v = peek();
        if (v.kind === 'end' || v.kind === ',') values = [''];
        else if (next().kind === 'id') values = [v.text];
        else throw new Error(`found '${v.text}', expected: identifier`);
        break;
      }
      default:
        throw new Error(`found '${op.text}', expected: in, notin, =, ==, !=, gt, lt`);
    }
    return checked({ key, operator: op.kind, values });
  };

  const valueSet = (): string[] => {
    const open = next();
    if (open.kind !== '(') throw new Error(`found '${open.text}' expected: '('`);
    const first = peek();
    if (first.kind === ')') {
      next();
      return [''];
    }
    if (first.kind !== 'id' && first.kind !== ',') throw new Error(`found '${first.text}', expected: ',', ')' or identifier`);
    const values = new Set<string>();
    for (;;) {
      const t = next();
      if (t.kind === 'id') {
        values.add(t.text);
        const after = peek();
        if (after.kind === ',') continue;
        if (after.kind === ')') break;
        throw new Error(`found '${after.text}', expected: ',' or ')'`);
      }
      if (t.kind === ',') {
        // Empty values are allowed: "(,a)", "(a,,b)", "(a,)".
        if (values.size === 0) values.add('');
        const after = peek();
        if (after.kind === ')') {
          values.add('');
          break;
        }
        if (after.kind === ',') {
          next();
          values.add('');
        }
        continue;
      }
      throw new Error(`found '${t.text}', expected: ',', or identifier`);
    }
    next(); // ')'
    return [...values].sort();
  };

  const out: Requirement[] = [];
  for (;;) {
    const t = peek();
    if (t.kind === 'end') return out;
    if (t.kind !== 'id' && t.kind !== '!') throw new SelectorError(`found '${t.text}', expected: !, identifier, or 'end of string'`);
    try {
      out.push(requirement());
    } catch (err) {
      throw new SelectorError(`unable to parse requirement: ${(err as Error).message}`);
    }
    const sep = next();
    if (sep.kind === 'end') return out;
    if (sep.kind !== ',') throw new SelectorError(`found '${sep.text}', expected: ',' or 'end of string'`);
    const after = peek();
    if (after.kind !== 'id' && after.kind !== '!') throw new SelectorError(`found '${after.text}', expected: identifier after ','`);
  }
}

/** Every requirement holds for these labels. */
export function matchesSelector(labels: Readonly<Record<string, string>>, requirements: readonly Requirement[]): boolean {
  return requirements.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    const value = labels[r.key];
    switch (r.operator) {
      case '=':
      case '==':
      case 'in':
        return has && r.values.includes(value as string);
      case '!=':
      case 'notin':
        return !has || !r.values.includes(value as string);
      case 'exists':
        return has;
      case '!':
        return !has;
      default: {
        // '>' and '<': integer comparisons; a label that is not an integer does not match.
        if (!has || !/^[+-]?\d+$/.test(value as string)) return false;
        const [a, b] = [Number(value), Number(r.values[0])];
        return r.operator === '>' ? a > b : a < b;
      }
    }
  });
}

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const NAME_MESSAGE =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

/** validation.IsQualifiedName: `[prefix/]name`, name at most 63 characters, prefix a DNS subdomain. */
function qualifiedNameErrors(key: string): string[] {
  const parts = key.split('/');
  if (parts.length > 2) return [`a qualified name ${NAME_MESSAGE} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  const [name, prefix] = parts.length === 2 ? [parts[1] as string, parts[0] as string] : [parts[0] as string, undefined];
  const errors: string[] = [];
  if (prefix !== undefined) {
    if (prefix === '') errors.push('prefix part must be non-empty');
    else if (prefix.length > 253) errors.push('prefix part must be no more than 253 characters');
    else if (!DNS_SUBDOMAIN.test(prefix))
      errors.push(
        "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      );
  }
  if (name === '') errors.push('name part must be non-empty');
  else if (name.length > 63) errors.push('name part must be no more than 63 characters');
  if (name !== '' && !NAME.test(name)) errors.push(`name part ${NAME_MESSAGE}`);
  return errors;
}

/** NewRequirement's checks on the values: an integer for `>`/`<`, and each a valid label value. */
function checked(r: Requirement): Requirement {
  const errors: string[] = [];
  if ((r.operator === '>' || r.operator === '<') && !/^[+-]?\d+$/.test(r.values[0] ?? ''))
    errors.push(`values[0]: Invalid value: "${r.values[0]}": for 'Gt', 'Lt' operators, the value must be an integer`);
  r.values.forEach((v, i) => {
    if (v.length > 63) errors.push(`values[${i}][${r.key}]: Invalid value: "${v}": must be no more than 63 characters`);
    else if (!LABEL_VALUE.test(v))
      errors.push(
        `values[${i}][${r.key}]: Invalid value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
      );
  });
  if (errors.length === 1) throw new Error(errors[0]);
  if (errors.length > 1) throw new Error(`[${errors.join(', ')}]`);
  return r;
}
