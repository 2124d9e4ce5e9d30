// The bar at the top of every signed-in screen: brand and tenant, the places the role may go (相談一覧,
// 検索 for roles that work consultations, 集計 for roles that may read reports, 職員 for admins; officers get
// no links), the
// banner outside staffed hours (hours_banner.js; screens that pass `api` and whose role works
// consultations), the live stream's state (screens without a stream pass none), who is signed in (the
// name, and the role unless the name already says it; an officer by their unit's kind) and ログアウト,
// which also forgets this tab's unsent drafts. Counsellors and supervisors choose their presence
// (presence_control.js: 対応可 / 離席 / 終了).
// アカウント (account_page.js) is linked beside the other places, and from the user's name for roles
// without links.
// 監督ボード (board_page.js) is linked for supervisors.
// Inputs: session, stream_state?, on_logout(), place ('queue' | 'search' | 'board' | 'reports' | 'staff' | 'account'), api?, units?
// (the tenant's org_units, for an officer's label).
import { html } from './html.js';
import { role_label } from './format.js';
import { can_manage_staff, can_read_reports, can_supervise_shift, can_work_consultations } from './roles.js';
import { clear_drafts } from './drafts.js';
import { hours_banner } from './hours_banner.js';
import { presence_control } from './presence_control.js';

function nav_links(role, place) {
  const links = [];
  if (can_work_consultations(role)) {
    links.push({ href: '#/', text: '相談一覧', here: place === 'queue' });
    links.push({ href: '#/search', text: '検索', here: place === 'search' });
  }
  if (can_supervise_shift(role)) {
    links.push({ href: '#/board', text: '監督ボード', here: place === 'board' });
  }
  if (can_read_reports(role)) {
    links.push({ href: '#/reports', text: '集計', here: place === 'reports' });
  }
  if (can_manage_staff(role)) {
    links.push({ href: '#/staff', text: '職員', here: place === 'staff' });
  }
  if (links.length > 0 || place === 'account') {
    links.push({ href: '#/account', text: 'アカウント', here: place === 'account' });
  }
  if (links.length === 0) {
    return null;
  }
  return html`
    <nav class="places" aria-label="画面">
      ${links.map((l) => html`<a href=${l.href} aria-current=${l.here ? 'page' : undefined}>${l.text}</a>`)}
    </nav>`;
}

export function header_bar({ session, stream_state, on_logout, place = 'queue', api, units }) {
  const live_text = { live: '更新中', connecting: '接続中…', reconnecting: '再接続中…', closed: '切断' };
  const { user } = session;
  const label = role_label(user, units);
  const show_banner = api && can_work_consultations(user.role);
  function logout() {
    clear_drafts();
    on_logout();
  }
  return html`
    <header class="top">
      <div class="top-left">
        <div class="brand">よりそい <span class="tenant">${session.tenant.name}</span></div>
        ${nav_links(user.role, place)}
      </div>
      ${show_banner && html`<${hours_banner} api=${api} />`}
      <div class="top-right">
        ${show_banner && html`<${presence_control} api=${api} />`}
        ${stream_state ? html`
          <span class=${`live ${stream_state}`} role="status" title="リアルタイム更新の状態">
            ${live_text[stream_state] ?? ''}
          </span>` : null}
        <a class="user" href="#/account" title="アカウント（二要素認証）">${user.display_name}
          ${!user.display_name.includes(label) && html`<small>${label}</small>`}</a>
        <button type="button" class="link" onClick=${logout}>ログアウト</button>
      </div>
    </header>`;
}
