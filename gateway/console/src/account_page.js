// アカウント (#/account, every role): the TOTP second factor of one's own account. Not enrolled: 設定を
// 始める shows the secret as text and the otpauth:// URI for an authenticator app, and a code confirms
// it; the ten recovery codes are then shown once (only their hashes are kept). Enrolled: 解除する with
// the password and a code (TOTP or recovery). With `only_enrolment` (a tenant that requires a factor of
// this role, and none yet) this is the whole console: the page has no header links, and once enrolled
// the session is read again (on_session) and the normal console follows.
// Inputs: api, session, on_logout(), on_session(session), only_enrolment.
import { html } from './html.js';
import { useState } from '../vendor/hooks.module.js';
import { header_bar } from './header_bar.js';
import { use_submit } from './use_submit.js';

function enrolment({ api, on_enrolled }) {
  const [begun, set_begun] = useState(null);
  const [code, set_code] = useState('');
  const { busy, error, submit } = use_submit();

  const begin = () => submit(async () => set_begun(await api.post('/session/totp', {})));

  function confirm(event) {
    event.preventDefault();
    submit(async () => {
      const answer = await api.post('/session/totp/confirmation', { code: code.trim() });
      on_enrolled(answer.recovery_codes);
    });
  }

  if (!begun) {
    return html`
      <div class="totp-step">
        <p>ログインのとき、パスワードに加えて認証アプリ（Google Authenticator など）の6桁の確認コードを求めます。</p>
        ${error && html`<p class="error" role="alert">${error}</p>`}
        <button type="button" class="primary" disabled=${busy} onClick=${begin}>設定を始める</button>
      </div>`;
  }
  return html`
    <form class="totp-step" onSubmit=${confirm} novalidate>
      <p>認証アプリに次のキーを登録してください（「キーを入力」を選び、種類は時間ベース）。</p>
      <p class="totp-secret" data-testid="totp-secret">${begun.secret.replace(/(.{4})/g, '$1 ').trim()}</p>
      <details>
        <summary>登録用のURI（otpauth://）</summary>
        <p class="totp-uri" data-testid="totp-uri">${begun.uri}</p>
      </details>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <label for="totp-confirm-code">アプリに表示された6桁の確認コード</label>
      <input id="totp-confirm-code" inputmode="numeric" autocomplete="one-time-code" value=${code}
             onInput=${(e) => set_code(e.currentTarget.value)} />
      <button type="submit" class="primary" disabled=${busy}>確認して有効にする</button>
    </form>`;
}

function recovery_list({ codes, on_done }) {
  return html`
    <div class="totp-step">
      <p role="status">二要素認証を有効にしました。次のリカバリーコードは<strong>この画面でしか表示されません</strong>。
        安全な場所に控えてください。認証アプリが使えないとき、確認コードの代わりに1つずつ一度だけ使えます。</p>
      <ol class="recovery-codes" data-testid="recovery-codes">${codes.map((c) => html`<li key=${c}>${c}</li>`)}</ol>
      <button type="button" class="primary" onClick=${on_done}>控えました</button>
    </div>`;
}

function disable_form({ api, on_disabled }) {
  const [password, set_password] = useState('');
  const [code, set_code] = useState('');
  const { busy, error, submit: run } = use_submit();

  function submit(event) {
    event.preventDefault();
    run(async () => {
      await api.post('/session/totp/disable', { password, code: code.trim() });
      on_disabled();
    });
  }

  return html`
    <form class="totp-step" onSubmit=${submit} novalidate>
      <p>二要素認証は有効です。解除するにはパスワードと確認コード（またはリカバリーコード）を入力してください。</p>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <label for="totp-disable-password">パスワード</label>
      <input id="totp-disable-password" type="password" autocomplete="current-password" value=${password}
             onInput=${(e) => set_password(e.currentTarget.value)} />
      <label for="totp-disable-code">確認コード</label>
      <input id="totp-disable-code" autocomplete="one-time-code" value=${code}
             onInput=${(e) => set_code(e.currentTarget.value)} />
      <button type="submit" disabled=${busy}>解除する</button>
    </form>`;
}

export function account_page({ api, session, on_logout, on_session, only_enrolment = false }) {
  const [recovery, set_recovery] = useState(null);
  const [enrolled, set_enrolled] = useState(session.second_factor);

  async function reread() {
    on_session(await api.get('/session'));
  }

  let body;
  if (recovery) {
    body = html`<${recovery_list} codes=${recovery} on_done=${() => { set_recovery(null); reread(); }} />`;
  } else if (enrolled) {
    body = html`<${disable_form} api=${api} on_disabled=${() => { set_enrolled(false); reread(); }} />`;
  } else {
    body = html`<${enrolment} api=${api} on_enrolled=${(codes) => { set_enrolled(true); set_recovery(codes); }} />`;
  }
  return html`
    <div class="app">
      ${only_enrolment
        ? html`<header class="top"><div class="brand">よりそい <span class="tenant">${session.tenant.name}</span></div>
            <div class="top-right"><button type="button" class="link" onClick=${on_logout}>ログアウト</button></div></header>`
        : html`<${header_bar} session=${session} on_logout=${on_logout} place="account" />`}
      <main class="staff-page account-page">
        <h1>アカウント</h1>
        <section class="staff-add" aria-labelledby="totp-title">
          <h2 id="totp-title">二要素認証</h2>
          ${only_enrolment && html`<p class="notice" role="status">この自治体では、相談を読む職員は二要素認証の設定が必要です。設定すると利用を始められます。</p>`}
          ${body}
        </section>
      </main>
    </div>`;
}
