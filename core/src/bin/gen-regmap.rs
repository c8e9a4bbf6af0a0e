//! Writes the Verilog rendering of the register map (`rtl/l4lb_regmap.vh`) to stdout.
fn main() {
    print!("{}", l4lb_core::regmap::verilog_header());
}
