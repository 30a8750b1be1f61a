//! Reproducibility: the same scenario and seed give the same report, byte for byte.

use crate::common::small;

fn report(seed: u64) -> (String, String) {
    let mut s = small(9);
    s.seed = seed;
    let mut sim = puffer_sim::Simulation::new(s).expect("setup");
    sim.run().expect("run");
    let dir = tempfile::tempdir().unwrap();
    let out = puffer_sim::write_outputs(dir.path(), &sim).unwrap();
    (
        std::fs::read_to_string(out.report).unwrap(),
        std::fs::read_to_string(out.csv).unwrap(),
    )
}

#[test]
fn same_seed_same_report_byte_for_byte() {
    let (html_a, csv_a) = report(5);
    let (html_b, csv_b) = report(5);
    assert_eq!(csv_a, csv_b, "series.csv differs");
    assert!(html_a == html_b, "report.html differs");
    assert!(
        html_a.contains("<svg") && !html_a.contains("<script"),
        "inline SVG, no script"
    );
}

#[test]
fn another_seed_another_history() {
    let (_, csv_a) = report(5);
    let (_, csv_c) = report(6);
    assert_ne!(csv_a, csv_c);
}
