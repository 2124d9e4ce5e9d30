// htm bound to Preact's h: tagged templates instead of JSX, so the console needs no build step.
// Interpolated values become text nodes or attributes, never parsed HTML: data is always shown as text.
import { h } from '../vendor/preact.module.js';
import htm from '../vendor/htm.module.js';

export const html = htm.bind(h);
