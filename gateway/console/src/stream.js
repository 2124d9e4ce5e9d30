// The live event stream: WebSocket /api/v1/stream. Events are hints: the caller refetches what
// they concern. Reconnects with growing delays, asking for what it missed (?after=<last event id>);
// on every (re)connect on_open runs too, because events from before the first one seen are not replayed.
// A close with code 4401 means the session ended: on_session_ended runs and no reconnect follows.
// A socket refused before the upgrade (e.g. 401 after expiry) looks like any network failure to a
// browser, so each failed attempt calls on_failed_attempt, which lets the app check its session.

const session_ended_code = 4401;
const max_delay_ms = 15000;

export function open_stream({ on_event, on_open, on_state, on_session_ended, on_failed_attempt }) {
  let socket = null;
  let last_event_id = null;
  let delay_ms = 500;
  let retry_timer = null;
  let stopped = false;

  function url() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const after = last_event_id === null ? '' : `?after=${encodeURIComponent(last_event_id)}`;
    return `${scheme}://${location.host}/api/v1/stream${after}`;
  }

  function connect() {
    on_state('connecting');
    socket = new WebSocket(url());
    let opened = false;
    socket.addEventListener('open', () => {
      opened = true;
      delay_ms = 500;
      on_state('live');
      on_open();
    });
    socket.addEventListener('message', (message) => {
      let event;
      try {
        event = JSON.parse(message.data);
      } catch {
        return;
      }
      if (Number.isInteger(event.event_id)) {
        last_event_id = Math.max(last_event_id ?? 0, event.event_id);
      }
      on_event(event);
    });
    socket.addEventListener('close', (close) => {
      socket = null;
      if (stopped) {
        return;
      }
      if (close.code === session_ended_code) {
        on_state('closed');
        on_session_ended();
        return;
      }
      on_state('reconnecting');
      if (!opened) {
        on_failed_attempt();
      }
      retry_timer = setTimeout(connect, delay_ms);
      delay_ms = Math.min(delay_ms * 2, max_delay_ms);
    });
  }

  connect();
  return {
    close() {
      stopped = true;
      clearTimeout(retry_timer);
      socket?.close(1000);
    },
  };
}
