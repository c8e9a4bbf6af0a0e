# l4lb: timing constraints for l4lb_hairpin_fifo (dual-clock frame FIFO, RX MAC clock to TX MAC clock)
#
# Add to XDC_FILES in the board's fpga/Makefile. For each instance:
#   - the Gray-coded pointers (committed write pointer, read pointer) cross through two-flop
#     synchronisers: ASYNC_REG, set_max_delay -datapath_only of the shorter period and
#     set_bus_skew of one destination period, so that at most one bit changes per sample;
#   - the memory: a block RAM has a clock per port and needs nothing; should Vivado build it from
#     LUT RAM (a small DEPTH), the write-to-read path gets -datapath_only of one read period (the
#     read side only reads words committed two synchroniser stages earlier).

foreach inst [get_cells -hier -filter {(ORIG_REF_NAME == l4lb_hairpin_fifo || REF_NAME == l4lb_hairpin_fifo)}] {
    puts "Inserting timing constraints for l4lb_hairpin_fifo instance $inst"

    set wr_clk [get_clocks -of_objects [get_cells "$inst/wr_ptr_reg_reg[*]"]]
    set rd_clk [get_clocks -of_objects [get_cells "$inst/rd_ptr_reg_reg[*]"]]
    set wr_clk_period [if {[llength $wr_clk]} {get_property -min PERIOD $wr_clk} {expr 1.0}]
    set rd_clk_period [if {[llength $rd_clk]} {get_property -min PERIOD $rd_clk} {expr 1.0}]
    set min_period [expr min($wr_clk_period, $rd_clk_period)]

    # committed write pointer into the read domain
    set sync_ffs [get_cells -quiet "$inst/wr_gray_sync_1_reg_reg[*] $inst/wr_gray_sync_2_reg_reg[*]"]
    if {[llength $sync_ffs]} {
        set_property ASYNC_REG TRUE $sync_ffs
        set_max_delay -from [get_cells "$inst/wr_commit_gray_reg_reg[*]"] -to [get_cells "$inst/wr_gray_sync_1_reg_reg[*]"] -datapath_only $min_period
        set_bus_skew -from [get_cells "$inst/wr_commit_gray_reg_reg[*]"] -to [get_cells "$inst/wr_gray_sync_1_reg_reg[*]"] $rd_clk_period
    }

    # read pointer into the write domain
    set sync_ffs [get_cells -quiet "$inst/rd_gray_sync_1_reg_reg[*] $inst/rd_gray_sync_2_reg_reg[*]"]
    if {[llength $sync_ffs]} {
        set_property ASYNC_REG TRUE $sync_ffs
        set_max_delay -from [get_cells "$inst/rd_gray_reg_reg[*]"] -to [get_cells "$inst/rd_gray_sync_1_reg_reg[*]"] -datapath_only $min_period
        set_bus_skew -from [get_cells "$inst/rd_gray_reg_reg[*]"] -to [get_cells "$inst/rd_gray_sync_1_reg_reg[*]"] $wr_clk_period
    }

    # LUT RAM, if any
    set lutram [get_cells -quiet -hier -filter "PARENT =~ $inst* && PRIMITIVE_GROUP == DISTRIBUTED_RAM"]
    if {[llength $lutram]} {
        set_max_delay -from $lutram -to [get_cells "$inst/out_reg_reg[*]"] -datapath_only $rd_clk_period
    }
}
