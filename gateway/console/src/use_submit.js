// The busy / error / submit of a form or an action button: submit(action) marks the form busy, clears
// the last error, runs action() (an API call and whatever follows it) and clears busy again; a failure
// becomes the Japanese sentence to show (api.js refusal_message, or `message(failure)` when given).
// While one action runs, another submit does nothing and answers false: a double click, or Enter and a
// click, send one request, even before the re-render disables the button. An answer that comes after
// the form went away (the screen changed) sets nothing.
// Returns {busy, error, set_error (a form's own check), submit(action) → promise of true when done,
// on_submit(action): a form's onSubmit handler (no page load) that submits action}.
import { useCallback, useEffect, useRef, useState } from '../vendor/hooks.module.js';
import { refusal_message } from './api.js';

export function use_submit({ message = refusal_message } = {}) {
  const [busy, set_busy] = useState(false);
  const [error, set_error] = useState(null);
  const running = useRef(false);
  const mounted = useRef(true);
  const to_text = useRef(message);
  to_text.current = message;

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const submit = useCallback(async (action) => {
    if (running.current) {
      return false;
    }
    running.current = true;
    set_busy(true);
    set_error(null);
    try {
      await action();
      return true;
    } catch (failure) {
      if (mounted.current) {
        set_error(to_text.current(failure));
      }
      return false;
    } finally {
      running.current = false;
      if (mounted.current) {
        set_busy(false);
      }
    }
  }, []);

  const on_submit = (action) => (event) => {
    event.preventDefault();
    submit(action);
  };

  return { busy, error, set_error, submit, on_submit };
}
