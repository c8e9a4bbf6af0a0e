//! Hitless, atomic reconfiguration: a backend is removed over the AXI-Lite port while frames flow
//! back to back through the RTL. Every frame must show the backend of the old config or of the
//! new one for its flow (never anything else), and there must be one instant, a frame index,
//! before which every frame sees the old tables and from which every frame sees the new ones:
//! each flow switches at most once and never back. The model, reconfigured exactly at that frame,
//! must then produce the RTL's output bit for bit.

use l4lb_core::config::Config;
use l4lb_driver::explain::explain;
use l4lb_testbench::engine::{Engine, EngineKind, InFrame};
use l4lb_testbench::traffic::{build_l4, L4Spec};
use std::net::Ipv4Addr;

const FLOWS: usize = 300;
const FRAMES: usize = 30_000;
const RECONFIGURE_AT: u64 = 1000;

fn config(skip: Option<u32>) -> Config {
    let mut t = String::from("[[vip]]\naddress = \"10.0.0.1\"\nport = 7777\nprotocol = \"udp\"\nring_size = 251\n");
    for i in 1..=10 {
        if Some(i) != skip {
            t += &format!("  [[vip.backend]]\n  address = \"10.1.0.{i}\"\n");
        }
    }
    Config::from_toml_str(&t).unwrap()
}

fn flow_src(f: usize) -> (Ipv4Addr, u16) {
    (Ipv4Addr::new(192, 0, 2, (f % 250) as u8 + 1), 1000 + f as u16)
}

fn frames() -> Vec<InFrame> {
    (0..FRAMES)
        .map(|i| {
            let (src, src_port) = flow_src(i % FLOWS);
            let data = build_l4(&L4Spec {
                dst_mac: [2, 0, 0, 0, 0, 1],
                src_mac: [2, 0, 0, 0, 0, 2],
                ..L4Spec::new(
                    src.into(),
                    Ipv4Addr::new(10, 0, 0, 1).into(),
                    17,
                    src_port,
                    7777,
                    vec![i as u8; 200 + (i * 7) % 200],
                )
            });
            InFrame { data, bad_frame: false }
        })
        .collect()
}

fn backend_of(flow: usize, cfg: &Config) -> std::net::IpAddr {
    let (src, sport) = flow_src(flow);
    explain(cfg, &format!("{src}:{sport}-10.0.0.1:7777/udp")).unwrap().backend.expect("balanced")
}

#[test]
fn removing_a_backend_mid_stream_switches_every_flow_at_one_instant() {
    let (old, new) = (config(None), config(Some(4)));
    let before: Vec<std::net::IpAddr> = (0..FLOWS).map(|f| backend_of(f, &old)).collect();
    let after: Vec<std::net::IpAddr> = (0..FLOWS).map(|f| backend_of(f, &new)).collect();
    let moving = (0..FLOWS).filter(|&f| before[f] != after[f]).count();
    // Flows on 10.1.0.4 move (a few others too in a table this small; core's maglev tests
    // measure disruption at the default size).
    let on_removed = before.iter().filter(|a| **a == std::net::IpAddr::from([10, 1, 0, 4])).count();
    assert!(on_removed > 0 && moving >= on_removed, "{moving} {on_removed}");
    let input = frames();

    for width in l4lb_rtlsim::built_widths() {
        let mut rtl = Engine::new(EngineKind::Rtl, width).unwrap();
        l4lb_driver::Device::open(rtl.regs()).unwrap().apply(&old).unwrap();
        let (out, _, reports) = rtl.run_reconfiguring(&input, &[(RECONFIGURE_AT, new.clone())]).unwrap();
        assert_eq!(out.len(), FRAMES);
        let r = &reports[0];
        assert!(
            r.entered_at_start >= RECONFIGURE_AT && r.entered_at_end > r.entered_at_start,
            "{r:?}: traffic kept flowing"
        );

        // Which tables each frame saw.
        let mut switch_at = None;
        for (i, o) in out.iter().enumerate() {
            let f = i % FLOWS;
            assert!(o.balanced, "width {width}: frame {i} passed");
            let dst = std::net::IpAddr::from([o.data[30], o.data[31], o.data[32], o.data[33]]);
            assert!(dst == before[f] || dst == after[f], "width {width}: frame {i} went to {dst}");
            if before[f] != after[f] {
                let new_tables = dst == after[f];
                match switch_at {
                    None if new_tables => switch_at = Some(i),
                    Some(t) => {
                        assert!(new_tables, "width {width}: frame {i} saw the old tables after frame {t} saw the new")
                    }
                    None => {}
                }
            }
        }
        let t = switch_at
            .unwrap_or_else(|| panic!("width {width}: the new tables never took effect while traffic flowed: {r:?}"));
        assert!(
            t as u64 >= r.entered_at_start && (t as u64) <= r.entered_at_end,
            "width {width}: switch at {t}, {r:?}"
        );

        // The model switched at exactly that frame gives the same bytes.
        let mut model = Engine::new(EngineKind::Model, width).unwrap();
        l4lb_driver::Device::open(model.regs()).unwrap().apply(&old).unwrap();
        let (mout, _, _) = model.run_reconfiguring(&input, &[(t as u64, new.clone())]).unwrap();
        for (i, (a, b)) in out.iter().zip(&mout).enumerate() {
            assert!(a == b, "width {width}: frame {i} differs from the model switched at frame {t}");
        }
        eprintln!("width {width}: switch at frame {t}, {r:?}");
    }
}
