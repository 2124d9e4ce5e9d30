// The bar at the top of every signed-in screen: brand and tenant, the live stream's state, who is
// signed in (name and role) and ログアウト. Inputs: session, stream_state, on_logout().
import { html } from './html.js';
import { role_labels } from './format.js';

export function header_bar({ session, stream_state, on_logout }) {
  const live_text = { live: '更新中', connecting: '接続中…', reconnecting: '再接続中…', closed: '切断' };
  return html`
    <header class="top">
      <div class="brand">よりそい <span class="tenant">${session.tenant.name}</span></div>
      <div class="top-right">
        <span class=${`live ${stream_state}`} role="status" title="リアルタイム更新の状態">
          ${live_text[stream_state] ?? ''}
        </span>
        <span class="user">${session.user.display_name}
          <small>${role_labels[session.user.role] ?? session.user.role}</small></span>
        <button type="button" class="link" onClick=${on_logout}>ログアウト</button>
      </div>
    </header>`;
}
