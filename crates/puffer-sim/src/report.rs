//! The HTML report: one self-contained file, charts as inline SVG drawn here (no script, no network).
//!
//! Everything in it comes from the records and the summary, formatted deterministically, so equal runs give
//! byte-identical reports.

use std::fmt::Write as _;

use crate::{
    metrics::{DayRecord, Summary},
    scenario::Scenario,
};

const COLORS: [&str; 8] = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
];
const W: f64 = 720.0;
const H: f64 = 260.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 160.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 30.0;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn fmt_tick(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if a >= 1e6 {
        format!("{:.2}M", v / 1e6)
    } else if a >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 10.0 {
        format!("{v:.0}")
    } else if a >= 0.1 {
        format!("{v:.3}")
    } else {
        format!("{v:.5}")
    }
}

/// A line chart of `series` over `xs`.
fn line_chart(title: &str, y_label: &str, xs: &[f64], series: &[(String, Vec<f64>)]) -> String {
    let mut svg = String::new();
    let (x0, x1) = (
        xs.first().copied().unwrap_or(0.0),
        xs.last()
            .copied()
            .unwrap_or(1.0)
            .max(xs.first().copied().unwrap_or(0.0) + 1.0),
    );
    let mut y0 = f64::INFINITY;
    let mut y1 = f64::NEG_INFINITY;
    for (_, ys) in series {
        for &y in ys {
            if y.is_finite() {
                y0 = y0.min(y);
                y1 = y1.max(y);
            }
        }
    }
    if !y0.is_finite() {
        y0 = 0.0;
        y1 = 1.0;
    }
    if (y1 - y0).abs() < 1e-12 {
        y1 = y0 + y0.abs().max(1.0) * 0.01;
        y0 -= y0.abs().max(1.0) * 0.01;
    }
    let pw = W - LEFT - RIGHT;
    let ph = H - TOP - BOTTOM;
    let px = |x: f64| LEFT + (x - x0) / (x1 - x0) * pw;
    let py = |y: f64| TOP + ph - (y - y0) / (y1 - y0) * ph;
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" role="img"><title>{t}</title><text x="{LEFT}" y="18" font-size="14" font-weight="bold">{t}</text>"##,
        t = esc(title)
    );
    let _ = write!(
        svg,
        r##"<rect x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>"##
    );
    for i in 0..=4 {
        let y = y0 + (y1 - y0) * f64::from(i) / 4.0;
        let yy = py(y);
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#eee"/><text x="{:.1}" y="{:.1}" font-size="10" text-anchor="end">{}</text>"##,
            LEFT + pw,
            LEFT - 4.0,
            yy + 3.0,
            fmt_tick(y)
        );
        let x = x0 + (x1 - x0) * f64::from(i) / 4.0;
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle">{x:.0}</text>"##,
            px(x),
            TOP + ph + 14.0
        );
    }
    let _ = write!(
        svg,
        r##"<text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle">day</text><text x="12" y="{:.1}" font-size="10" transform="rotate(-90 12 {:.1})" text-anchor="middle">{}</text>"##,
        LEFT + pw / 2.0,
        H - 4.0,
        TOP + ph / 2.0,
        TOP + ph / 2.0,
        esc(y_label)
    );
    for (i, (name, ys)) in series.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let mut d = String::new();
        for (k, (&x, &y)) in xs.iter().zip(ys).enumerate() {
            let cmd = if k == 0 { 'M' } else { 'L' };
            let _ = write!(d, "{cmd}{:.1},{:.1}", px(x), py(y));
        }
        let _ = write!(
            svg,
            r##"<path d="{d}" fill="none" stroke="{color}" stroke-width="1.5"/><rect x="{:.1}" y="{:.1}" width="10" height="10" fill="{color}"/><text x="{:.1}" y="{:.1}" font-size="11">{}</text>"##,
            LEFT + pw + 10.0,
            TOP + 4.0 + 16.0 * i as f64,
            LEFT + pw + 24.0,
            TOP + 13.0 + 16.0 * i as f64,
            esc(name)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A horizontal bar chart.
fn bar_chart(title: &str, unit: &str, bars: &[(String, f64)]) -> String {
    let mut svg = String::new();
    let h = TOP + 22.0 * bars.len() as f64 + 10.0;
    let max = bars
        .iter()
        .map(|b| b.1.abs())
        .fold(0.0, f64::max)
        .max(1e-12);
    let label_w = 190.0;
    let pw = W - label_w - 120.0;
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{h}" viewBox="0 0 {W} {h}" role="img"><title>{t}</title><text x="4" y="18" font-size="14" font-weight="bold">{t}</text>"##,
        t = esc(title)
    );
    for (i, (label, v)) in bars.iter().enumerate() {
        let y = TOP + 22.0 * i as f64;
        let w = v.abs() / max * pw;
        let color = if *v < 0.0 { COLORS[1] } else { COLORS[0] };
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end">{}</text><rect x="{label_w}" y="{y:.1}" width="{w:.1}" height="16" fill="{color}"/><text x="{:.1}" y="{:.1}" font-size="11">{} {}</text>"##,
            label_w - 6.0,
            y + 12.0,
            esc(label),
            label_w + w + 6.0,
            y + 12.0,
            fmt_tick(*v),
            esc(unit)
        );
    }
    svg.push_str("</svg>");
    svg
}

fn col(records: &[DayRecord], f: impl Fn(&DayRecord) -> f64) -> Vec<f64> {
    records.iter().map(f).collect()
}

/// The report for a run.
pub fn to_html(scenario: &Scenario, records: &[DayRecord], summary: &Summary) -> String {
    let xs = col(records, |r| f64::from(r.day));
    let mut charts = Vec::new();
    charts.push(line_chart(
        "pufETH rate vs a plain LST fed the same beacon rewards",
        "ETH per token",
        &xs,
        &[
            ("pufETH".into(), col(records, |r| r.pufeth_rate)),
            (
                format!("plain LST ({:.0}% fee)", scenario.lst.fee * 100.0),
                col(records, |r| r.lst_rate),
            ),
        ],
    ));
    // Annualising the first days' moves gives meaningless spikes: the APY chart starts after a month (or a
    // quarter of a short run).
    let skip = (records.len() / 4).min(30);
    let later = &records[skip.min(records.len())..];
    charts.push(line_chart(
        &format!("APY since day 0 (from day {skip})"),
        "%",
        &col(later, |r| f64::from(r.day)),
        &[
            ("pufETH".into(), col(later, |r| r.pufeth_apy * 100.0)),
            ("plain LST".into(), col(later, |r| r.lst_apy * 100.0)),
        ],
    ));
    charts.push(line_chart(
        "TVL and where the ETH is",
        "ETH",
        &xs,
        &[
            ("total assets".into(), col(records, |r| r.tvl_eth)),
            (
                "locked in validators".into(),
                col(records, |r| r.locked_eth),
            ),
            ("free in PufferPool".into(), col(records, |r| r.pool_eth)),
            (
                "WithdrawalPool".into(),
                col(records, |r| r.withdrawal_pool_eth),
            ),
        ],
    ));
    let n = records.first().map_or(0, |r| r.strategies.len());
    for s in 0..n {
        let name = records[0].strategies[s].name.clone();
        charts.push(line_chart(
            &format!("Validators by status: {name}"),
            "validators",
            &xs,
            &[
                (
                    "queued".into(),
                    col(records, |r| r.strategies[s].pending as f64),
                ),
                (
                    "provisioned".into(),
                    col(records, |r| r.strategies[s].provisioned as f64),
                ),
                (
                    "active".into(),
                    col(records, |r| r.strategies[s].active as f64),
                ),
                (
                    "exiting".into(),
                    col(records, |r| r.strategies[s].exiting as f64),
                ),
                (
                    "exited".into(),
                    col(records, |r| r.strategies[s].exited as f64),
                ),
            ],
        ));
    }
    charts.push(line_chart(
        "Queue lengths (registered, waiting for 32 ETH)",
        "validators",
        &xs,
        &(0..n)
            .map(|s| {
                (
                    records[0].strategies[s].name.clone(),
                    col(records, |r| r.strategies[s].pending as f64),
                )
            })
            .collect::<Vec<_>>(),
    ));
    charts.push(line_chart(
        "Withdrawal liquidity and refused redemptions",
        "ETH",
        &xs,
        &[
            (
                "WithdrawalPool ETH".into(),
                col(records, |r| r.withdrawal_pool_eth),
            ),
            ("ETH short (day)".into(), col(records, |r| r.shortfall_eth)),
            (
                "ETH redeemed (day)".into(),
                col(records, |r| r.redeemed_eth),
            ),
        ],
    ));
    charts.push(line_chart(
        "Exits",
        "validators",
        &xs,
        &[
            (
                "ejected by guardians".into(),
                col(records, |r| r.ejected_total as f64),
            ),
            ("slashed".into(), col(records, |r| r.slashed_total as f64)),
        ],
    ));
    charts.push(bar_chart(
        "NoOp returns by commitment length (consensus rewards - commitments, per validator-year)",
        "ETH",
        &summary
            .noop_returns
            .iter()
            .map(|r| {
                (
                    format!("{} months ({} validators)", r.months, r.validators),
                    r.net_eth_per_validator_year,
                )
            })
            .collect::<Vec<_>>(),
    ));
    charts.push(bar_chart(
        "Gas per transaction, by action",
        "gas",
        &summary
            .gas
            .iter()
            .map(|(k, g)| {
                (
                    k.clone(),
                    if g.txs == 0 {
                        0.0
                    } else {
                        g.gas as f64 / g.txs as f64
                    },
                )
            })
            .collect::<Vec<_>>(),
    ));

    let mut html = String::new();
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Puffer simulation</title>");
    html.push_str("<style>body{font-family:sans-serif;max-width:760px;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}th{background:#f4f4f4}pre{background:#f8f8f8;padding:8px;overflow:auto}</style></head><body>\n");
    let _ = writeln!(
        html,
        "<h1>Puffer simulation</h1><p>{} days, seed {}, {} strategies, {} stakers, {} guardians (threshold {}). The real contracts ran in embedded revm; the beacon chain was simulated in process.</p>",
        summary.days,
        scenario.seed,
        scenario.strategies.len(),
        scenario.stakers.count,
        scenario.guardians.count,
        scenario.guardians.threshold
    );
    let _ = writeln!(
        html,
        "<h2>Summary</h2><pre>{}</pre>",
        esc(&crate::metrics::to_text(summary))
    );
    html.push_str("<h2>Charts</h2>\n");
    for c in charts {
        html.push_str("<figure>");
        html.push_str(&c);
        html.push_str("</figure>\n");
    }
    html.push_str("<h2>Gas by action</h2><table><tr><th>action</th><th>transactions</th><th>gas</th><th>gas / tx</th></tr>");
    for (k, g) in &summary.gas {
        let _ = write!(
            html,
            "<tr><td style=\"text-align:left\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(k),
            g.txs,
            g.gas,
            g.gas.checked_div(g.txs).unwrap_or(0)
        );
    }
    html.push_str("</table>\n");
    let _ = writeln!(
        html,
        "<h2>Scenario</h2><pre>{}</pre>",
        esc(&toml::to_string(scenario).unwrap_or_default())
    );
    html.push_str("</body></html>\n");
    html
}
