// Validates console API answers against gateway/api/openapi.json with ajv (JSON Schema 2020-12, the
// dialect of OpenAPI 3.1). Every 2xx JSON answer a checked client receives is validated against the
// schema of the operation its method and path match.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';

export const openapiFile = fileURLToPath(new URL('../../gateway/api/openapi.json', import.meta.url));
export const openapi = JSON.parse(readFileSync(openapiFile, 'utf8'));

const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function makeAjv() {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  ajv.addFormat('date-time', { type: 'string', validate: (text) => rfc3339.test(text) && !Number.isNaN(Date.parse(text)) });
  ajv.addFormat('uuid', { type: 'string', validate: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i });
  // The components become $defs of one schema, so that their $refs resolve inside it.
  const defs = JSON.parse(JSON.stringify(openapi.components.schemas).replaceAll('#/components/schemas/', 'yorisoi#/$defs/'));
  ajv.addSchema({ $id: 'yorisoi', $defs: defs });
  return ajv;
}

const ajv = makeAjv();
const compiled = new Map();

function validatorFor(schema) {
  const key = JSON.stringify(schema);
  if (!compiled.has(key)) {
    compiled.set(key, ajv.compile(JSON.parse(key.replaceAll('#/components/schemas/', 'yorisoi#/$defs/'))));
  }
  return compiled.get(key);
}

// Operations as [{method, path, regex, operation}], the path parameters matching one segment.
export const operations = Object.entries(openapi.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, operation]) => ({
    method: method.toUpperCase(), path, operation,
    regex: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  })));

export function findOperation(method, path) {
  const bare = path.split('?')[0];
  return operations.find((op) => op.method === method && op.regex.test(bare)) ?? null;
}

// Throws when `json` does not match the named component schema.
export function assertSchema(name, json) {
  const validate = validatorFor({ $ref: `#/components/schemas/${name}` });
  if (!validate(json)) {
    throw new Error(`${name} does not match the schema: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(json)}`);
  }
}

// Throws when a 2xx answer does not match what openapi.json promises for this method, path and status.
export function assertAnswer(method, path, answer) {
  if (answer.status < 200 || answer.status >= 300) {
    return;
  }
  const op = findOperation(method, path);
  if (!op) {
    throw new Error(`${method} ${path} answered ${answer.status} but openapi.json has no such operation`);
  }
  const response = op.operation.responses[String(answer.status)];
  if (!response) {
    throw new Error(`${method} ${path} answered ${answer.status}, not documented in openapi.json`);
  }
  const schema = response.content?.['application/json']?.schema;
  const type = (answer.headers['content-type'] ?? '').toLowerCase();
  // A documented non-JSON body (the CSV download): its media type must be the documented one.
  const others = Object.keys(response.content ?? {}).filter((media) => media !== 'application/json');
  if (!schema && others.length > 0) {
    if (!others.some((media) => media.toLowerCase() === type)) {
      throw new Error(`${method} ${path} ${answer.status}: Content-Type ${type}, openapi.json documents ${others.join(', ')}`);
    }
    return;
  }
  if (!schema) {
    if (answer.text.length > 0) {
      throw new Error(`${method} ${path} ${answer.status} has a body but openapi.json documents none`);
    }
    return;
  }
  if (answer.json === null) {
    throw new Error(`${method} ${path} ${answer.status}: expected a JSON body, got ${answer.headers['content-type']}`);
  }
  const validate = validatorFor(schema);
  if (!validate(answer.json)) {
    throw new Error(`${method} ${path} ${answer.status} does not match openapi.json: ${ajv.errorsText(validate.errors)}\n${answer.text.slice(0, 2000)}`);
  }
}

// Makes a harness client validate every 2xx answer (and every error's shape) as it arrives.
export function checked(client) {
  const request = client.request.bind(client);
  client.request = async (method, path, body, options) => {
    const answer = await request(method, path, body, options);
    assertAnswer(method, path, answer);
    if (answer.status >= 400 && answer.json !== null) {
      assertSchema('Error', answer.json);
    }
    return answer;
  };
  return client;
}
