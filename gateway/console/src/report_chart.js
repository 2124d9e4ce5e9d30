// One chart of the reports page, drawn by chart.js on a canvas. The numbers in the tables next to it are
// the source of truth; a chart mirrors them and says so to screen readers (role="img" with a label that
// names the table). Inputs: name (data-chart, for tests), kind ('bar' | 'horizontal_bar' | 'doughnut'),
// title, labels, values, table_name (the caption of the table it mirrors).
// chart.js styles the canvas through the CSSOM (allowed by the CSP), injects no style element and
// evaluates no code; animation is off so that what is drawn is final at once.
import { html } from './html.js';
import { useEffect, useRef } from '../vendor/hooks.module.js';
import { Chart, registerables } from '../vendor/chart.module.js';

Chart.register(...registerables);
Chart.defaults.font.family = '"Noto Sans CJK JP", "Noto Sans JP", "Hiragino Sans", system-ui, sans-serif';
Chart.defaults.color = '#1f2933';

const accent = '#2d6a7f';
// Distinct, calm colours for the slices of a doughnut (the last one, 不明, is grey when present).
const slice_colours = ['#2d6a7f', '#4f9aa8', '#86c3c9', '#c2a25d', '#d97757', '#8c6bb1', '#5f8f4e',
  '#b9506a', '#7a8a99', '#d4b483'];
const unknown_colour = '#b8c0c8';

function configuration({ kind, labels, values, title, unknown_last }) {
  const doughnut = kind === 'doughnut';
  const colours = doughnut
    ? labels.map((_, i) => (unknown_last && i === labels.length - 1 ? unknown_colour : slice_colours[i % slice_colours.length]))
    : accent;
  return {
    type: doughnut ? 'doughnut' : 'bar',
    data: {
      labels,
      datasets: [{ label: title, data: values, backgroundColor: colours, borderWidth: doughnut ? 1 : 0 }],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: kind === 'horizontal_bar' ? 'y' : 'x',
      plugins: {
        legend: { display: doughnut, position: 'right' },
        title: { display: false },
      },
      scales: doughnut ? {} : {
        [kind === 'horizontal_bar' ? 'x' : 'y']: { beginAtZero: true, ticks: { precision: 0 } },
      },
    },
  };
}

export function report_chart({ name, kind, title, labels, values, table_name, unknown_last = false }) {
  const canvas = useRef(null);
  const chart = useRef(null);

  useEffect(() => {
    const config = configuration({ kind, labels, values, title, unknown_last });
    if (chart.current && chart.current.config.type === config.type) {
      chart.current.data = config.data;
      chart.current.update();
    } else {
      chart.current?.destroy();
      chart.current = new Chart(canvas.current, config);
    }
  }, [kind, title, JSON.stringify(labels), JSON.stringify(values)]);

  useEffect(() => () => {
    chart.current?.destroy();
    chart.current = null;
  }, []);

  const size = kind === 'horizontal_bar' ? `chart-box tall-${Math.min(3, Math.ceil(labels.length / 6))}` : 'chart-box';
  return html`
    <figure class="report-chart">
      <div class=${size}>
        <canvas ref=${canvas} data-chart=${name} role="img"
                aria-label=${`${title}のグラフ（数値は表「${table_name}」）`}></canvas>
      </div>
      <figcaption>${title}</figcaption>
    </figure>`;
}
