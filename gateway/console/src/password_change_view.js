// The only screen of a session whose password an admin chose (a new account or a reset): the user
// chooses their own before anything else. Inputs: api, session, on_changed(session) with the session
// read again after the change, on_logout(). The server refuses every other route until then.
import { html } from './html.js';
import { useEffect, useRef, useState } from '../vendor/hooks.module.js';
import { use_submit } from './use_submit.js';

const min_length = 12;

export function password_change_view({ api, session, on_changed, on_logout }) {
  const [current, set_current] = useState('');
  const [next, set_next] = useState('');
  const [again, set_again] = useState('');
  const { busy, error, set_error, submit: run } = use_submit();
  const first_input = useRef(null);

  useEffect(() => first_input.current?.focus(), []);

  function submit(event) {
    event.preventDefault();
    if (next.length < min_length) {
      set_error(`新しいパスワードは${min_length}文字以上にしてください。`);
      return;
    }
    if (next !== again) {
      set_error('確認のために入力したパスワードが一致しません。');
      return;
    }
    if (next === current) {
      set_error('管理者が設定したパスワードとは別のパスワードにしてください。');
      return;
    }
    run(async () => {
      await api.post('/me/password', { current_password: current, new_password: next });
      on_changed(await api.get('/session'));
    });
  }

  return html`
    <main class="login">
      <form class="login-card" onSubmit=${submit} aria-labelledby="password-title" novalidate>
        <h1 id="password-title">パスワードの変更</h1>
        <p class="notice" role="status">${session.user.display_name}さん、管理者が設定したパスワードでログインしました。
          ご自身で決めたパスワードに変更してから利用を始めてください。</p>
        ${error && html`<p class="error" role="alert" data-testid="password-error">${error}</p>`}
        <label for="password-current">現在のパスワード（管理者から伝えられたもの）</label>
        <input id="password-current" ref=${first_input} type="password" autocomplete="current-password"
               value=${current} onInput=${(e) => set_current(e.currentTarget.value)} />
        <label for="password-new">新しいパスワード（${min_length}文字以上）</label>
        <input id="password-new" type="password" autocomplete="new-password" value=${next}
               onInput=${(e) => set_next(e.currentTarget.value)} />
        <label for="password-again">新しいパスワード（確認）</label>
        <input id="password-again" type="password" autocomplete="new-password" value=${again}
               onInput=${(e) => set_again(e.currentTarget.value)} />
        <button type="submit" class="primary" disabled=${busy}>${busy ? '変更中…' : '変更して始める'}</button>
        <button type="button" onClick=${on_logout}>ログアウト</button>
      </form>
    </main>`;
}
