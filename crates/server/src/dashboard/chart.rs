//! Score charts as inline SVG, drawn on the server: no script, no external image. Each has a
//! `<title>` (its accessible name) that states the numbers, and the history chart comes with
//! the same numbers as a table.

use super::widgets;
use maud::{Markup, html};

/// One scored run, oldest first in a series.
pub struct Point {
    pub run_id: i64,
    /// When, as shown to people.
    pub label: String,
    pub score: i64,
}

/// A 120×28 trend line of the last scores, oldest first.
pub fn sparkline(scores: &[i64]) -> Markup {
    let described = if scores.is_empty() {
        "no scored runs yet".to_string()
    } else {
        let list: Vec<String> = scores.iter().map(i64::to_string).collect();
        format!("score trend, oldest to newest: {}", list.join(", "))
    };
    let coords = scale(scores, 120.0, 28.0, 2.0);
    html! {
        svg.sparkline xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 28" role="img" {
            title { (described) }
            @if coords.len() == 1 {
                circle cx=(coords[0].0) cy=(coords[0].1) r="2.5" fill="#0b4fb3" {}
            } @else if !coords.is_empty() {
                polyline points=(points(&coords)) fill="none" stroke="#0b4fb3" stroke-width="2" {}
            }
        }
    }
}

/// The score history: gridlines at 0, 50 and 100, a line through the runs, a marker per run
/// with its own title; then a table with the same numbers.
pub fn history(series: &[Point]) -> Markup {
    const W: f64 = 640.0;
    const H: f64 = 220.0;
    const LEFT: f64 = 40.0;
    const BOTTOM: f64 = 24.0;
    let scores: Vec<i64> = series.iter().map(|p| p.score).collect();
    let coords: Vec<(f64, f64)> = scale(&scores, W - LEFT - 12.0, H - BOTTOM, 10.0)
        .into_iter()
        .map(|(x, y)| (x + LEFT, y))
        .collect();
    let summary = match (series.first(), series.last()) {
        (Some(first), Some(last)) => format!(
            "Score history of {} runs, from {} ({}) to {} ({})",
            series.len(),
            first.score,
            first.label,
            last.score,
            last.label
        ),
        _ => "No scored runs yet".to_string(),
    };
    html! {
        svg.history xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {W} {H}")) role="img" {
            title { (summary) }
            @for level in [0, 50, 100] {
                @let y = y_of(level, H - BOTTOM, 10.0);
                line x1=(LEFT) x2=(W - 4.0) y1=(y) y2=(y) stroke="#c9d1d9" stroke-width="1" {}
                text x=(LEFT - 6.0) y=(y + 4.0) text-anchor="end" { (level) }
            }
            @if coords.len() > 1 {
                polyline points=(points(&coords)) fill="none" stroke="#0b4fb3" stroke-width="2" {}
            }
            @for (point, (x, y)) in series.iter().zip(&coords) {
                circle cx=(x) cy=(y) r="4" fill="#0b4fb3" {
                    title { "Run " (point.run_id) ", " (point.label) ": " (point.score) }
                }
            }
        }
        details {
            summary { "Score history as a table" }
            table {
                caption { "Score per audit run, oldest first" }
                (widgets::columns(&["Run", "When", "Score"], &["Score"]))
                tbody {
                    @for point in series {
                        tr {
                            td { a href=(format!("/runs/{}", point.run_id)) { "#" (point.run_id) } }
                            td { (point.label) }
                            td.num { (point.score) }
                        }
                    }
                }
            }
        }
    }
}

/// Scores 0–100 as coordinates in a `width`×`height` box with `pad` inside the top and bottom.
fn scale(scores: &[i64], width: f64, height: f64, pad: f64) -> Vec<(f64, f64)> {
    let step = if scores.len() > 1 {
        (width - 2.0 * pad) / (scores.len() - 1) as f64
    } else {
        0.0
    };
    scores
        .iter()
        .enumerate()
        .map(|(i, &s)| {
            let x = if scores.len() == 1 {
                width / 2.0
            } else {
                pad + step * i as f64
            };
            (round(x), y_of(s, height, pad))
        })
        .collect()
}

fn y_of(score: i64, height: f64, pad: f64) -> f64 {
    let s = score.clamp(0, 100) as f64;
    round(height - pad - s * (height - 2.0 * pad) / 100.0)
}

fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn points(coords: &[(f64, f64)]) -> String {
    coords
        .iter()
        .map(|(x, y)| format!("{x},{y}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn higher_scores_are_drawn_higher_and_ends_touch_the_padding() {
        let coords = scale(&[0, 100], 120.0, 28.0, 2.0);
        assert_eq!(coords, vec![(2.0, 26.0), (118.0, 2.0)]);
        assert_eq!(scale(&[50], 120.0, 28.0, 2.0), vec![(60.0, 14.0)]);
    }

    #[test]
    fn the_sparkline_names_its_numbers_and_the_history_has_a_table() {
        let svg = sparkline(&[40, 60, 80]).into_string();
        assert!(svg.contains("<title>score trend, oldest to newest: 40, 60, 80</title>"));
        assert!(
            svg.contains("<polyline points=\"2,16.4 60,11.6 118,6.8\""),
            "{svg}"
        );
        let empty = sparkline(&[]).into_string();
        assert!(empty.contains("no scored runs yet") && !empty.contains("polyline"));
        let chart = history(&[
            Point {
                run_id: 3,
                label: "2026-11-20".into(),
                score: 55,
            },
            Point {
                run_id: 9,
                label: "2026-11-21".into(),
                score: 75,
            },
        ])
        .into_string();
        assert!(chart.contains("Score history of 2 runs, from 55 (2026-11-20) to 75 (2026-11-21)"));
        assert!(chart.contains("<title>Run 9, 2026-11-21: 75</title>"));
        assert!(chart.contains("<a href=\"/runs/3\">#3</a>"));
    }
}
