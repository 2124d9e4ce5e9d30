// One message of the transcript: the resident's on the left, ours on the right with who sent it
// (自動応答 for automatic answers) and its delivery state. A resident's button tap (kind 'postback',
// e.g. 「年代: 20代」「同意する」) is shown as their action, not as typed text: muted, with a ボタン操作
// badge. Text is rendered as text (pre-wrap), never HTML.
import { html } from './html.js';
import { delivery_labels, format_time, kind_label } from './format.js';

function is_tap(message) {
  return message.direction === 'in' && message.kind === 'postback';
}

function message_body(message) {
  if (is_tap(message)) {
    return html`<p class="body other-kind action">［${message.text ?? kind_label(message.kind)}］</p>`;
  }
  if (message.withdrawn) {
    return html`<p class="body withdrawn">取り消されました</p>`;
  }
  if (message.text !== null && message.text !== undefined) {
    return html`<p class="body">${message.text}</p>`;
  }
  return html`<p class="body other-kind">［${kind_label(message.kind)}］</p>`;
}

function delivery_state(message) {
  if (!message.delivery) {
    return null;
  }
  const label = delivery_labels[message.delivery] ?? message.delivery;
  return html`
    <span class=${`delivery ${message.delivery}`} data-delivery=${message.delivery}>
      ${label}${message.delivery === 'failed' && message.delivery_error ? `：${message.delivery_error}` : ''}
    </span>`;
}

export function message_bubble({ message, now }) {
  const ours = message.direction === 'out';
  const automatic = ours && message.origin === 'auto';
  const tap = is_tap(message);
  const classes = ['message', ours ? 'ours' : 'theirs', automatic ? 'automatic' : '', tap ? 'tap' : '']
    .filter(Boolean)
    .join(' ');
  return html`
    <li class=${classes} data-message-id=${message.message_id} data-kind=${message.kind}>
      <div class="bubble">
        ${message_body(message)}
      </div>
      <div class="meta">
        ${automatic && html`<span class="badge quiet">自動応答</span>`}
        ${tap && html`<span class="badge quiet">${kind_label(message.kind)}</span>`}
        ${ours && !automatic && message.author_name && html`<span class="author">${message.author_name}</span>`}
        <time datetime=${message.sent_at}>${format_time(message.sent_at, now)}</time>
        ${ours && delivery_state(message)}
      </div>
    </li>`;
}
