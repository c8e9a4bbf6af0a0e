// l4lb: a record that rides along STAGES pipeline stages, kept in a small RAM instead of a
// register per stage
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * A pipeline carries, beside the stages that work on a frame, data that only a later stage
 * reads (the parse's header, the lookup's pass-through fields). As a register per stage that is
 * a copy per stage and frame; here it is one write and one read per frame:
 *   - every advance moves a write and a read pointer on by one (the pipeline's slots);
 *   - a record is written at its slot when it enters (adv && in_valid, from the register before
 *     the first stage);
 *   - it is read into out_data when it moves into the last stage (out_load: adv and the valid of
 *     the stage before the last), STAGES - 1 advances later, and out_data holds it until the
 *     next out_load, as the last stage's register would.
 * The read pointer runs STAGES - 1 slots behind the write pointer, and the RAM holds at least
 * STAGES slots, so a record is read before its slot is written again (the read of an address
 * written in the same cycle never happens). Maps to distributed RAM (LUTRAM) and flip-flops.
 */
module l4lb_sideband #(
    // Width of a record
    parameter WIDTH = 32,
    // Stages the record passes (at least 2): it leaves the register before the first and is
    // read into the last
    parameter STAGES = 4
) (
    input  wire             clk,
    input  wire             rst,

    // pipeline advance
    input  wire             adv,

    input  wire             in_valid,
    input  wire [WIDTH-1:0] in_data,

    input  wire             out_load,
    output wire [WIDTH-1:0] out_data
);

localparam ADDR_WIDTH = STAGES > 2 ? $clog2(STAGES) : 1;
localparam integer RD_START_INT = (1 << ADDR_WIDTH) - (STAGES - 1);
localparam [ADDR_WIDTH-1:0] RD_START = RD_START_INT[ADDR_WIDTH-1:0];

initial begin
    if (STAGES < 2) begin
`ifdef SYNTHESIS
        $display("Error: l4lb_sideband needs STAGES >= 2 (instance %m)");
`else
        $error("Error: l4lb_sideband needs STAGES >= 2 (instance %m)");
`endif
        $finish;
    end
end

reg [ADDR_WIDTH-1:0] wr_ptr_reg = {ADDR_WIDTH{1'b0}};
reg [ADDR_WIDTH-1:0] rd_ptr_reg = RD_START;

l4lb_ram_sdp #(
    .WIDTH(WIDTH),
    .DEPTH(1 << ADDR_WIDTH),
    .ADDR_WIDTH(ADDR_WIDTH)
)
ram_inst (
    .clk(clk),
    .wr_en(adv && in_valid),
    .wr_addr(wr_ptr_reg),
    .wr_data(in_data),
    .rd_en(out_load),
    .rd_addr(rd_ptr_reg),
    .rd_data(out_data)
);

always @(posedge clk) begin
    if (adv) begin
        wr_ptr_reg <= wr_ptr_reg + 1'b1;
        rd_ptr_reg <= rd_ptr_reg + 1'b1;
    end
    if (rst) begin
        wr_ptr_reg <= {ADDR_WIDTH{1'b0}};
        rd_ptr_reg <= RD_START;
    end
end

endmodule

`resetall
