//! The scenario file: defaults, the compiled-in default, and errors that name the key.

use puffer_sim::Scenario;

#[test]
fn default_file_equals_the_documented_defaults() {
    assert_eq!(Scenario::default_scenario().unwrap(), Scenario::default());
}

#[test]
fn empty_file_takes_every_default() {
    assert_eq!(Scenario::from_toml("").unwrap(), Scenario::default());
}

#[test]
fn unknown_key_is_named_with_the_allowed_ones() {
    let err = Scenario::from_toml("[stakers]\ncount = 3\ndeposit_probability = 0.1\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("deposit_probability"), "{err}");
    assert!(err.contains("daily_deposit_probability"), "{err}");
}

#[test]
fn out_of_range_value_names_key_value_and_range() {
    let err = Scenario::from_toml("[guardians]\ncount = 4\nthreshold = 2\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("guardians.count/threshold"), "{err}");
    assert!(err.contains("4 / 2"), "{err}");
    let err = Scenario::from_toml("[beacon]\nepochs_per_day = 7\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("beacon.epochs_per_day") && err.contains('7'),
        "{err}"
    );
}

#[test]
fn first_strategy_must_be_no_restaking() {
    let err = Scenario::from_toml("[[strategy]]\nname = \"EIGEN_DA\"\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("strategy[0].name") && err.contains("NO_RESTAKING"),
        "{err}"
    );
}
