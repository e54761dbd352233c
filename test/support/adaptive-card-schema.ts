/**
 * The Adaptive Card 1.4 JSON Schema as Microsoft publishes it (adaptivecards.io/schemas/1.4.0/
 * adaptive-card.json; the file is test/fixtures/notify/teams/adaptive-card-1.4.schema.json, from
 * github.com/microsoft/AdaptiveCards schemas/1.4.0, MIT licence), compiled once with ajv. It is a
 * draft-06 schema: every element type closes its properties, and the enums are the host's words.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' };
import addFormats from 'ajv-formats';

const published = JSON.parse(readFileSync(new URL('../fixtures/notify/teams/adaptive-card-1.4.schema.json', import.meta.url), 'utf8')) as Record<
  string,
  unknown
>;
// The file names itself with draft-04's `id`, which draft-06 renamed `$id`; ajv reads only the latter.
const { id, ...rest } = published;
const schema = { ...rest, $id: String(id) };

const ajv = new Ajv({ strict: false, allErrors: false });
ajv.addMetaSchema(draft06);
addFormats.default(ajv);
const validate = ajv.compile(schema);

/** Undefined when the card is valid Adaptive Card 1.4; otherwise the schema's first complaint. */
export function adaptiveCardError(card: unknown): string | undefined {
  if (validate(card)) return undefined;
  const first = (validate.errors ?? [])[0] as ErrorObject | undefined;
  return first === undefined ? 'invalid' : `${first.instancePath || '/'} ${first.message ?? ''}`;
}
