// The console API client (gateway/api/openapi.json). One instance per page; not shared across tabs.
// Keeps the session's CSRF token and sends it as X-CSRF-Token on every state-changing request.
// Every failure becomes an api_error whose `message` is a Japanese sentence fit for the UI; a 401 on any
// call but the login itself also calls on_unauthenticated, so the app can go back to the login screen.
// background_get is for what the page fetches by itself (refetches after live events, timers): it sends
// X-Yorisoi-Background: 1, so that the server does not count it as someone at the console and an
// unattended console still reaches its idle limit.

export class api_error extends Error {
  constructor(status, code, message, retry_after_seconds) {
    super(message);
    this.status = status;
    this.code = code;
    this.retry_after_seconds = retry_after_seconds;
  }
}

const fallback_messages = {
  0: 'サーバーに接続できません。ネットワークを確認してください。',
  401: 'ログインが必要です。',
  403: 'この操作をする権限がありません。',
  404: '見つかりません。',
  409: 'ほかの操作と重なりました。画面を更新しました。',
  422: '入力内容を確認してください。',
  429: '操作が多すぎます。しばらくしてからもう一度お試しください。',
  503: 'サーバーが一時的に使えません。しばらくしてからもう一度お試しください。',
};

function fallback_message(status) {
  return fallback_messages[status] ?? `エラーが発生しました（${status}）。`;
}

// The sentence a form shows for a failed request: the api_error's own (the server's message or the
// fallback for its status); anything else (a bug in the page) gets a plain sentence, never a stack text.
export function refusal_message(failure) {
  return failure instanceof api_error ? failure.message : 'エラーが発生しました。もう一度お試しください。';
}

export function create_api({ on_unauthenticated }) {
  let csrf_token = null;

  async function request(method, path, body, background = false) {
    const headers = { Accept: 'application/json' };
    if (background) {
      headers['X-Yorisoi-Background'] = '1';
    }
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    if (method !== 'GET' && csrf_token) {
      headers['X-CSRF-Token'] = csrf_token;
    }
    let response;
    try {
      response = await fetch(`/api/v1${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
        cache: 'no-store',
      });
    } catch {
      throw new api_error(0, 'network', fallback_message(0), null);
    }
    let json = null;
    if (response.status !== 204) {
      try {
        json = await response.json();
      } catch {
        json = null;
      }
    }
    if (!response.ok) {
      const retry_after = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
      const error = new api_error(response.status, json?.error ?? `http_${response.status}`,
                                  json?.message || fallback_message(response.status),
                                  Number.isFinite(retry_after) ? retry_after : null);
      const is_login = method === 'POST' && path === '/session';
      if (response.status === 401 && !is_login) {
        csrf_token = null;
        on_unauthenticated();
      }
      throw error;
    }
    return json;
  }

  return {
    set_csrf_token(token) {
      csrf_token = token;
    },
    get: (path) => request('GET', path),
    background_get: (path) => request('GET', path, undefined, true),
    post: (path, body = {}) => request('POST', path, body),
    put: (path, body) => request('PUT', path, body),
    patch: (path, body) => request('PATCH', path, body),
    del: (path) => request('DELETE', path),
  };
}
