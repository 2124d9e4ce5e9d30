// The login screen. Inputs: api (api.js), on_logged_in(session), notice (why we are here, e.g. the
// session ended). Shows the server's own message for bad credentials and a wait time for 429; after
// second_factor_required (the password was right) a 確認コード field, sent with the next try. A login
// starts with no drafts: whatever an earlier session of this tab left unsent is forgotten (shared PCs).
import { html } from './html.js';
import { useEffect, useRef, useState } from '../vendor/hooks.module.js';
import { clear_drafts } from './drafts.js';
import { use_submit } from './use_submit.js';
import { refusal_message } from './api.js';

function login_error_text(error) {
  if (error.status === 429) {
    const minutes = error.retry_after_seconds ? Math.max(1, Math.ceil(error.retry_after_seconds / 60)) : null;
    return minutes
      ? `ログインの失敗が続いたため、一時的にログインできません。約${minutes}分後にもう一度お試しください。`
      : 'ログインの失敗が続いたため、一時的にログインできません。しばらくしてからもう一度お試しください。';
  }
  return refusal_message(error);
}

export function login_view({ api, on_logged_in, notice }) {
  const [login, set_login] = useState('');
  const [password, set_password] = useState('');
  const { busy, error, set_error, submit: run } = use_submit({ message: login_error_text });
  // Shown once the server answered second_factor_required: the password was right, a code is needed.
  const [asks_code, set_asks_code] = useState(false);
  const [code, set_code] = useState('');
  const login_input = useRef(null);
  const code_input = useRef(null);

  useEffect(() => login_input.current?.focus(), []);
  useEffect(() => {
    if (asks_code) {
      code_input.current?.focus();
    }
  }, [asks_code]);

  function submit(event) {
    event.preventDefault();
    if (!login || !password) {
      set_error('ログイン名とパスワードを入力してください。');
      return;
    }
    run(async () => {
      const body = asks_code ? { login, password, code: code.trim() } : { login, password };
      let session;
      try {
        session = await api.post('/session', body);
      } catch (failure) {
        set_code('');
        if (failure.code === 'second_factor_required') {
          // The password stays in the form: the next submit sends it again with the code.
          set_asks_code(true);
          return;
        }
        set_password('');
        set_asks_code(false);
        throw failure;
      }
      clear_drafts();
      on_logged_in(session);
    });
  }

  return html`
    <main class="login">
      <form class="login-card" onSubmit=${submit} aria-labelledby="login-title" novalidate>
        <h1 id="login-title">よりそい 相談コンソール</h1>
        ${notice && !error && html`<p class="notice" role="status">${notice}</p>`}
        ${error && html`<p class="error" role="alert" data-testid="login-error">${error}</p>`}
        <label for="login-name">ログイン名</label>
        <input id="login-name" ref=${login_input} name="login" autocomplete="username" value=${login}
               onInput=${(e) => set_login(e.currentTarget.value)} />
        <label for="login-password">パスワード</label>
        <input id="login-password" name="password" type="password" autocomplete="current-password"
               value=${password} onInput=${(e) => set_password(e.currentTarget.value)} />
        ${asks_code && html`
          <p class="notice" role="status">認証アプリの6桁の確認コード（またはリカバリーコード）を入力してください。</p>
          <label for="login-code">確認コード</label>
          <input id="login-code" ref=${code_input} name="code" autocomplete="one-time-code" value=${code}
                 onInput=${(e) => set_code(e.currentTarget.value)} />`}
        <button type="submit" class="primary" disabled=${busy}>${busy ? 'ログイン中…' : 'ログイン'}</button>
      </form>
    </main>`;
}
