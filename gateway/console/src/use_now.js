// A clock for "waiting for N minutes": re-renders its user at each full minute (not every second, which
// would redraw a long queue for nothing).
import { useEffect, useState } from '../vendor/hooks.module.js';

export function use_now() {
  const [now, set_now] = useState(() => Date.now());
  useEffect(() => {
    let timer = null;
    const schedule = () => {
      const to_next_minute = 60000 - (Date.now() % 60000);
      timer = setTimeout(() => {
        set_now(Date.now());
        schedule();
      }, to_next_minute + 50);
    };
    schedule();
    return () => clearTimeout(timer);
  }, []);
  return now;
}
