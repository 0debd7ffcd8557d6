/** A uPlot chart as a component: made on mount, fed new data, sized to its box, destroyed on unmount. */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface ChartProps {
  opts: Omit<uPlot.Options, 'width'>;
  data: uPlot.AlignedData;
  /** Names the chart for assistive technology and tests. */
  label: string;
}

export function Chart({ opts, data, label }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const el = box.current!;
    const p = new uPlot({ ...opts, width: Math.max(240, el.clientWidth) }, data, el);
    plot.current = p;
    const ro = new ResizeObserver(() => p.setSize({ width: Math.max(240, el.clientWidth), height: opts.height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      p.destroy();
      plot.current = null;
    };
    // A new series layout needs a new chart; new values only need setData.
  }, [opts]);
  useEffect(() => plot.current?.setData(data), [data]);
  return <div class="chart" ref={box} role="img" aria-label={label} data-chart={label} />;
}
