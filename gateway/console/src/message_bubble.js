// One message of the transcript: the resident's on the left, ours on the right with who sent it
// (自動応答 for automatic answers) and its delivery state. Text is rendered as text (pre-wrap), never HTML.
import { html } from './html.js';
import { delivery_labels, format_time, kind_label } from './format.js';

function message_body(message) {
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
  const classes = ['message', ours ? 'ours' : 'theirs', automatic ? 'automatic' : ''].join(' ');
  return html`
    <li class=${classes} data-message-id=${message.message_id}>
      <div class="bubble">
        ${message_body(message)}
      </div>
      <div class="meta">
        ${automatic && html`<span class="badge quiet">自動応答</span>`}
        ${ours && !automatic && message.author_name && html`<span class="author">${message.author_name}</span>`}
        <time datetime=${message.sent_at}>${format_time(message.sent_at, now)}</time>
        ${ours && delivery_state(message)}
      </div>
    </li>`;
}
