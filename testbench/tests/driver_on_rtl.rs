//! The host driver's read side on the RTL: what `l4lb show` decodes and its table digest, read
//! through the simulated AXI-Lite port, equal the reference model's for the same config.

mod common;

use common::feature_config;
use l4lb_driver::device::Device;
use l4lb_driver::digest::table_digest;
use l4lb_testbench::engine::{Engine, EngineKind};

#[test]
fn show_and_digest_read_the_same_from_rtl_and_model() {
    let cfg = feature_config(0x5eed);
    let mut digests = Vec::new();
    // One width: the tables do not depend on the stream width, and every read is AXI-Lite cycles.
    let width = *l4lb_rtlsim::built_widths().last().expect("a width is built");
    for kind in [EngineKind::Rtl, EngineKind::Model] {
        let mut e = Engine::new(kind, width).expect("engine builds");
        let mut dev = Device::open(e.regs()).expect("device identifies itself");
        dev.apply(&cfg).expect("config applies");
        let state = dev.read_state().expect("tables read back");
        assert!(state.warnings.is_empty(), "{:?}", state.warnings);
        let digest = table_digest(&mut dev, &state).expect("digest");
        let mut decoded = serde_json::to_value(&state).unwrap();
        // The capabilities differ by design: the model has no pipeline (CAP_LATENCY reads 0).
        decoded.as_object_mut().unwrap().remove("caps");
        digests.push((decoded, digest));
    }
    assert_eq!(digests[0].0, digests[1].0, "decoded tables, RTL vs model");
    assert_eq!(digests[0].1, digests[1].1, "table digest, RTL vs model");
}
