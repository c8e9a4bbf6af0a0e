# l4lb: timing constraints for l4lb_axil_cdc (AXI-Lite from the core clock into each port's MAC clock)
#
# Add to XDC_FILES in the board's fpga/Makefile (processed after synthesis, like Corundum's own
# per-module Tcl). For each instance:
#   - the request toggle (s_req_reg) and each port's acknowledge toggle (port[n].ack_reg) cross
#     through two-flop synchronisers: ASYNC_REG, and set_max_delay -datapath_only of one
#     destination period (no multicycle skew to worry about: one bit each);
#   - the held request (address, data, strobe, kind, port mask) is quasi-static: written one
#     source cycle before the toggle, read only after the toggle has been synchronised, so the
#     paths into the MAC clock domain get -datapath_only of one MAC clock period;
#   - each port's held response (port[n].rdata_resp_reg, resp_resp_reg) likewise into s_clk.

foreach inst [get_cells -hier -filter {(ORIG_REF_NAME == l4lb_axil_cdc || REF_NAME == l4lb_axil_cdc)}] {
    puts "Inserting timing constraints for l4lb_axil_cdc instance $inst"

    set s_clk [get_clocks -of_objects [get_cells "$inst/s_req_reg_reg"]]
    set s_clk_period [if {[llength $s_clk]} {get_property -min PERIOD $s_clk} {expr 1.0}]

    set s_sync [get_cells -quiet "$inst/s_ack_sync_1_reg_reg[*] $inst/s_ack_sync_2_reg_reg[*]"]
    if {[llength $s_sync]} {
        set_property ASYNC_REG TRUE $s_sync
    }

    set hold_cells [get_cells -quiet "$inst/addr_hold_reg_reg[*] $inst/prot_hold_reg_reg[*] $inst/wdata_hold_reg_reg[*] $inst/wstrb_hold_reg_reg[*] $inst/write_hold_reg_reg $inst/mask_hold_reg_reg[*]"]

    foreach ack [get_cells -quiet -hier -regexp ".*/port\\\[\\d+\\\]\\.ack_reg_reg" -filter "PARENT =~ $inst*"] {
        set port [regsub {^.*/port\[(\d+)\]\.ack_reg_reg$} $ack {\1}]
        set m_clk [get_clocks -of_objects $ack]
        set m_clk_period [if {[llength $m_clk]} {get_property -min PERIOD $m_clk} {expr 1.0}]
        set min_period [expr min($s_clk_period, $m_clk_period)]

        set m_sync [get_cells -quiet "$inst/port[$port].req_sync_1_reg_reg $inst/port[$port].req_sync_2_reg_reg"]
        if {[llength $m_sync]} {
            set_property ASYNC_REG TRUE $m_sync
        }

        # toggles
        set_max_delay -from [get_cells "$inst/s_req_reg_reg"] -to [get_cells "$inst/port[$port].req_sync_1_reg_reg"] -datapath_only $min_period
        set_max_delay -from $ack -to [get_cells "$inst/s_ack_sync_1_reg_reg[$port]"] -datapath_only $min_period

        # held request into the port's clock domain (the AXI-Lite slave behind the bridge)
        if {[llength $hold_cells] && [llength $m_clk]} {
            set_max_delay -from $hold_cells -to $m_clk -datapath_only $m_clk_period
        }

        # held response back into s_clk
        set resp_cells [get_cells -quiet "$inst/port[$port].rdata_resp_reg_reg[*] $inst/port[$port].resp_resp_reg_reg[*]"]
        if {[llength $resp_cells]} {
            set_max_delay -from $resp_cells -to [get_cells "$inst/s_rdata_reg_reg[*] $inst/s_resp_reg_reg[*]"] -datapath_only $s_clk_period
        }
    }
}
