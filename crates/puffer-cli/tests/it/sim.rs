//! `puffer sim`: a short scenario writes the report and the series; sweeps rank; bad scenarios name the key.

use crate::{fails, ok};

const SMALL: &str = r#"
days = 3
[stakers]
count = 5
initial_deposit_eth = 200.0
[[strategy]]
name = "NO_RESTAKING"
noops = 2
initial_validators = 3
registrations_per_day = 0.5
[[strategy]]
name = "EIGEN_DA"
noops = 1
initial_validators = 1
registrations_per_day = 0.1
avs_revenue_eth_per_validator_year = 0.2
"#;

#[test]
fn sim_writes_report_and_series() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), SMALL).unwrap();
    let out = ok(
        dir.path(),
        &[
            "sim",
            "--scenario",
            "s.toml",
            "--out",
            "out",
            "--quiet",
            "--seed",
            "4",
        ],
    );
    assert!(out.contains("report: out/report.html"), "{out}");
    assert!(out.contains("conservation"), "{out}");
    let html = std::fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert!(html.contains("<svg") && !html.contains("<script"));
    let csv = std::fs::read_to_string(dir.path().join("out/series.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 4, "header + days 0..=3");
    assert!(dir.path().join("out/series.json").exists());
    assert!(dir.path().join("out/summary.json").exists());
}

#[test]
fn sweep_ranks_every_point() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), SMALL).unwrap();
    let out = ok(
        dir.path(),
        &[
            "sim",
            "sweep",
            "--scenario",
            "s.toml",
            "--days",
            "2",
            "--weights",
            "3:1,1:1",
            "--seeds",
            "1",
            "--jobs",
            "2",
            "--out",
            "sw",
        ],
    );
    assert!(out.contains("2 runs in"), "{out}");
    let csv = std::fs::read_to_string(dir.path().join("sw/sweep.csv")).unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
}

#[test]
fn bad_scenario_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.toml"), "[stakers]\ncuont = 3\n").unwrap();
    let err = fails(dir.path(), &["sim", "--scenario", "bad.toml", "--quiet"]);
    assert!(err.contains("cuont") && err.contains("count"), "{err}");
    std::fs::write(
        dir.path().join("bad2.toml"),
        "[parameters]\nwithdrawal_fee_bps = 400\n",
    )
    .unwrap();
    let err = fails(dir.path(), &["sim", "--scenario", "bad2.toml", "--quiet"]);
    assert!(
        err.contains("parameters.withdrawal_fee_bps")
            && err.contains("400")
            && err.contains("0 ..= 300"),
        "{err}"
    );
    let err = fails(
        dir.path(),
        &["sim", "sweep", "--weights", "3:x", "--days", "1"],
    );
    assert!(err.contains("\"x\" is not a whole number"), "{err}");
}
