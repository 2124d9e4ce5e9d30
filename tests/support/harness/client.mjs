// An HTTP client for the console API that behaves like the console page: it keeps cookies, sends the
// CSRF token it got at login on every state-changing call, and answers {status, headers, json, text}.
import http from 'node:http';

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export class ApiClient {
  constructor(baseUrl) {
    this.baseUrl = new URL(baseUrl);
    this.cookies = new Map();  // name -> value
    this.csrfToken = null;
  }

  // The Cookie header this client would send (e.g. for a WebSocket upgrade).
  cookieHeader() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  // The server's own origin, as a browser on the console page would send it.
  origin() {
    return this.baseUrl.origin;
  }

  // options: headers (extra or overriding; a null value removes), csrf (false: send none; a string:
  // send that), origin (a string: send Origin), raw (a string or Buffer sent as the body as is),
  // contentType (overrides application/json).
  async request(method, path, body, options = {}) {
    const headers = { accept: 'application/json' };
    let payload = null;
    if (options.raw !== undefined) {
      payload = Buffer.from(options.raw);
      headers['content-type'] = options.contentType ?? 'application/json';
    } else if (body !== undefined) {
      payload = Buffer.from(JSON.stringify(body));
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    if (payload) {
      headers['content-length'] = String(payload.length);
    }
    const cookie = this.cookieHeader();
    if (cookie) {
      headers.cookie = cookie;
    }
    const csrf = options.csrf === undefined ? this.csrfToken : options.csrf;
    if (unsafeMethods.has(method) && csrf) {
      headers['x-csrf-token'] = csrf;
    }
    if (options.origin) {
      headers.origin = options.origin;
    }
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (value === null) {
        delete headers[name.toLowerCase()];
      } else {
        headers[name.toLowerCase()] = value;
      }
    }
    const answer = await send(this.baseUrl, method, path, headers, payload);
    this.remember(answer.headers['set-cookie']);
    return answer;
  }

  remember(setCookies) {
    for (const line of setCookies ?? []) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const expired = attributes.some((a) => /^max-age=\s*(0|-\d+)$/i.test(a)) || value === '';
      if (expired) {
        this.cookies.delete(name);
      } else {
        this.cookies.set(name, value);
      }
    }
  }

  get(path, options) { return this.request('GET', path, undefined, options); }
  post(path, body, options) { return this.request('POST', path, body, options); }
  put(path, body, options) { return this.request('PUT', path, body, options); }
  patch(path, body, options) { return this.request('PATCH', path, body, options); }
  delete(path, options) { return this.request('DELETE', path, undefined, options); }

  // Signs in; keeps the cookie and the CSRF token. Answers the raw response (check .status).
  async login(login, password, options = {}) {
    const answer = await this.post('/api/v1/session', { login, password }, options);
    if (answer.status === 200 && answer.json?.csrf_token) {
      this.csrfToken = answer.json.csrf_token;
    }
    return answer;
  }

  // Signs in and throws unless it worked.
  async loginOk(login, password) {
    const answer = await this.login(login, password);
    if (answer.status !== 200) {
      throw new Error(`login ${login} failed: ${answer.status} ${answer.text}`);
    }
    return answer.json;
  }
}

function send(baseUrl, method, path, headers, payload) {
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: baseUrl.hostname, port: baseUrl.port, method, path, headers, agent: false, timeout: 15_000,
    }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const text = bytes.toString('utf8');
        let json = null;
        if (/json/.test(response.headers['content-type'] ?? '') && text.length > 0) {
          try {
            json = JSON.parse(text);
          } catch {
            json = null;
          }
        }
        resolve({ status: response.statusCode, headers: response.headers, json, text, bytes });
      });
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`${method} ${path}: no answer within 15 s`)));
    request.on('error', reject);
    request.end(payload ?? undefined);
  });
}

export function client(baseUrl) {
  return new ApiClient(baseUrl);
}
