/** A bar chart (Chart.js). The values are also given as the canvas's accessible label. */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from "chart.js";
import { useEffect, useRef } from "preact/hooks";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);
Chart.defaults.font.family = getComputedStyle(document.documentElement).getPropertyValue("--font").trim() || "system-ui, sans-serif";
Chart.defaults.color = "#4a5160";
Chart.defaults.animation = false;

export interface Series {
  label: string;
  values: (number | null)[];
  /** One colour, or one per bar. */
  color: string | string[];
}

export interface BarChartProps {
  title: string;
  /** Bar labels; an array is drawn as lines (the first line names the bar in the accessible label). */
  labels: (string | string[])[];
  series: Series[];
  /** Format a value for the axis, tooltips and the accessible label. */
  format?: (v: number) => string;
  yMax?: number;
  height?: number;
  horizontal?: boolean;
  /** Extra tooltip line per bar index (e.g. "n = 12"). */
  note?: (index: number, seriesIndex: number) => string;
  testId?: string;
}

export function BarChart(p: BarChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const fmt = p.format ?? ((v: number) => String(v));
  const key = JSON.stringify([p.labels, p.series, p.yMax, p.horizontal]);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: "bar",
      data: {
        labels: p.labels,
        datasets: p.series.map((s) => ({
          label: s.label,
          data: s.values,
          backgroundColor: s.color,
          borderRadius: 3,
          maxBarThickness: 44,
        })),
      },
      options: {
        indexAxis: p.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: p.series.length > 1, position: "bottom" },
          tooltip: {
            callbacks: {
              label: (ctx) => `${p.series.length > 1 ? ctx.dataset.label + ": " : ""}${fmt(Number(ctx.raw))}`,
              afterLabel: (ctx) => (p.note ? p.note(ctx.dataIndex, ctx.datasetIndex) : ""),
            },
          },
        },
        scales: {
          [p.horizontal ? "x" : "y"]: {
            beginAtZero: true,
            max: p.yMax,
            ticks: { callback: (v: string | number) => fmt(Number(v)) },
            grid: { color: "#eceef2" },
          },
          [p.horizontal ? "y" : "x"]: { grid: { display: false } },
        },
      },
    });
    return () => chart.destroy();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const summary = p.series
    .map((s) => `${p.series.length > 1 ? s.label + ": " : ""}${p.labels.map((l, i) => `${Array.isArray(l) ? l[0] : l} ${s.values[i] === null ? "—" : fmt(s.values[i]!)}`).join(", ")}`)
    .join("; ");
  return (
    <div class="chart" style={{ height: `${p.height ?? 240}px` }} data-testid={p.testId}>
      <canvas ref={canvas} role="img" aria-label={`${p.title}: ${summary}`} />
    </div>
  );
}
