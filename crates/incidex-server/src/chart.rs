//! Stacked bar charts as SVG geometry; the template draws them (escaping
//! every label), the stylesheet colours them: no script, no inline style.

/// One rectangle of a bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    /// `c0` … `c9`: the series colour.
    pub class: String,
    /// Shown on hover.
    pub title: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub x: f64,
    pub y: f64,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Legend {
    pub class: String,
    pub label: String,
}

/// A drawn chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub width: f64,
    pub height: f64,
    pub rects: Vec<Rect>,
    pub x_labels: Vec<Label>,
    pub y_labels: Vec<Label>,
    pub legend: Vec<Legend>,
    /// Baseline y.
    pub base: f64,
    pub left: f64,
    pub right: f64,
}

/// Colours there are; further series share the last.
const COLOURS: usize = 10;
const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 64.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 80.0;

/// A "nice" upper bound for the axis: 1, 2 or 5 times a power of ten.
fn nice_max(v: u64) -> u64 {
    let mut step = 1u64;
    loop {
        for m in [1, 2, 5] {
            if step.saturating_mul(m) >= v {
                return (step * m).max(1);
            }
        }
        step = step.saturating_mul(10);
    }
}

/// Grid lines that fall on whole numbers: `top` is 1, 2 or 5 times a power of ten.
fn tick_count(top: u64) -> u64 {
    match top {
        t if t % 5 == 0 => 5,
        t if t % 4 == 0 => 4,
        t if t % 2 == 0 => 2,
        _ => 1,
    }
}

/// Short number labels: 1200 → 1.2k, 3000000 → 3M.
fn short(n: u64) -> String {
    if n >= 1_000_000 {
        format!("{}M", trim(n as f64 / 1e6))
    } else if n >= 10_000 {
        format!("{}k", trim(n as f64 / 1e3))
    } else {
        n.to_string()
    }
}

fn trim(v: f64) -> String {
    let s = format!("{v:.1}");
    s.trim_end_matches(".0").to_string()
}

/// Bars for `columns`, each stacked from `series` (`values[column][series]`).
pub fn stacked(
    id: &str,
    title: &str,
    columns: &[String],
    series: &[String],
    values: &[Vec<u64>],
) -> Chart {
    let plot_w = WIDTH - LEFT - 8.0;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let base = TOP + plot_h;
    let max = values
        .iter()
        .map(|col| col.iter().sum::<u64>())
        .max()
        .unwrap_or(0);
    let top = nice_max(max);
    let slot = if columns.is_empty() {
        plot_w
    } else {
        plot_w / columns.len() as f64
    };
    let bar_w = (slot * 0.7).max(1.0);
    let mut rects = Vec::new();
    let mut x_labels = Vec::new();
    for (ci, col) in columns.iter().enumerate() {
        let x = LEFT + slot * ci as f64 + (slot - bar_w) / 2.0;
        let mut y = base;
        for (si, name) in series.iter().enumerate() {
            let v = values.get(ci).and_then(|c| c.get(si)).copied().unwrap_or(0);
            if v == 0 {
                continue;
            }
            let h = v as f64 / top as f64 * plot_h;
            y -= h;
            rects.push(Rect {
                x,
                y,
                w: bar_w,
                h,
                class: format!("c{}", si.min(COLOURS - 1)),
                title: format!("{col} {name}: {v}"),
            });
        }
        x_labels.push(Label {
            x: x + bar_w / 2.0,
            y: base + 12.0,
            text: col.clone(),
        });
    }
    let ticks = tick_count(top);
    let y_labels = (0..=ticks)
        .map(|i| Label {
            x: LEFT - 6.0,
            y: base - plot_h * i as f64 / ticks as f64,
            text: short(top * i / ticks),
        })
        .collect();
    Chart {
        id: id.to_string(),
        title: title.to_string(),
        width: WIDTH,
        height: HEIGHT,
        rects,
        x_labels,
        y_labels,
        legend: series
            .iter()
            .enumerate()
            .map(|(i, s)| Legend {
                class: format!("c{}", i.min(COLOURS - 1)),
                label: s.clone(),
            })
            .collect(),
        base,
        left: LEFT,
        right: WIDTH - 8.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_tops_are_round() {
        assert_eq!(nice_max(0), 1);
        assert_eq!(nice_max(3), 5);
        assert_eq!(nice_max(7), 10);
        assert_eq!(nice_max(1234), 2000);
        assert_eq!(short(1_500_000), "1.5M");
        assert_eq!(short(25_000), "25k");
        for top in [1, 2, 5, 10, 20, 50, 100, 2000] {
            assert_eq!(top % tick_count(top), 0, "{top}");
        }
    }

    #[test]
    fn bars_stack_to_their_totals() {
        let cols = vec!["2024-01".to_string(), "2024-02".to_string()];
        let series = vec!["a".to_string(), "b".to_string()];
        let c = stacked("t", "T", &cols, &series, &[vec![2, 3], vec![0, 5]]);
        // 2024-02 has no "a": three rectangles, not four.
        assert_eq!(c.rects.len(), 3);
        let first: f64 = c.rects[..2].iter().map(|r| r.h).sum();
        assert!((first - c.rects[2].h).abs() < 1e-9, "both columns total 5");
        assert!(c
            .rects
            .iter()
            .all(|r| r.y >= 0.0 && r.y + r.h <= c.base + 1e-9));
        assert_eq!(c.rects[1].title, "2024-01 b: 3");
    }
}
