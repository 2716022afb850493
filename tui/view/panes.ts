export interface Rect {
  top: number;
  left: number;
  width: number;
  height: number;
}

/** Where each part of the screen goes; a part that does not fit is absent. */
export interface Panes {
  header: Rect;
  table: Rect;
  bars?: Rect;
  rpsChart?: Rect;
  workersChart?: Rect;
  events?: Rect;
  footer: Rect;
}

/** Below these the charts say nothing readable: braille charts need room for axes and labels. */
const CHARTS_MIN_HEIGHT = 30;
const CHART_MIN_WIDTH = 36;
const BARS_MIN_TABLE_WIDTH = 112;
const BARS_WIDTH = 30;
const EVENTS_MIN_HEIGHT = 18;

/**
 * The layout for a terminal of `width` x `height`. The table always gets the most room; as the
 * terminal shrinks the busy bars go first, then the charts, then the event log.
 */
export function computePanes(width: number, height: number, headerHeight: number): Panes {
  const header: Rect = { top: 0, left: 0, width, height: headerHeight };
  const footer: Rect = { top: height - 1, left: 0, width, height: 1 };
  const bodyTop = headerHeight;
  const bodyHeight = Math.max(1, height - headerHeight - 1);
  const panes: Panes = { header, footer, table: { top: bodyTop, left: 0, width, height: bodyHeight } };

  let bottom = 0;
  if (height >= CHARTS_MIN_HEIGHT && width >= 2 * CHART_MIN_WIDTH) {
    bottom = Math.min(16, Math.max(10, Math.floor(height * 0.3)));
    const top = height - 1 - bottom;
    const threeWide = width >= 3 * CHART_MIN_WIDTH + 20;
    const chartWidth = Math.floor(width * (threeWide ? 0.3 : 0.5));
    panes.rpsChart = { top, left: 0, width: chartWidth, height: bottom };
    if (threeWide) {
      panes.workersChart = { top, left: chartWidth, width: chartWidth, height: bottom };
      panes.events = { top, left: 2 * chartWidth, width: width - 2 * chartWidth, height: bottom };
    } else {
      panes.events = { top, left: chartWidth, width: width - chartWidth, height: bottom };
    }
  } else if (height >= EVENTS_MIN_HEIGHT) {
    bottom = 6;
    panes.events = { top: height - 1 - bottom, left: 0, width, height: bottom };
  }

  const tableHeight = Math.max(1, bodyHeight - bottom);
  if (width >= BARS_MIN_TABLE_WIDTH + BARS_WIDTH) {
    panes.table = { top: bodyTop, left: 0, width: width - BARS_WIDTH, height: tableHeight };
    panes.bars = { top: bodyTop, left: width - BARS_WIDTH, width: BARS_WIDTH, height: tableHeight };
  } else {
    panes.table = { top: bodyTop, left: 0, width, height: tableHeight };
  }
  return panes;
}
