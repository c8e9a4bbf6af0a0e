// l4lb: 64-bit counter in 16-bit segments (short carry chains), read as a consistent snapshot
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * A 64-bit accumulator whose carry chains are 16 bits long: segment k adds its part of the
 * increment and the carry of segment k - 1 one cycle after segment k - 1 did. `count` reads
 * segment k delayed by 3 - k cycles, so all four segments hold the same events: count is exact,
 * as of the increments up to five cycles before (one input register, four segments).
 */
module l4lb_counter64 #(
    // Width of the increment, 1 to 32 bits
    parameter INC_WIDTH = 32
) (
    input  wire                 clk,
    input  wire                 rst,
    input  wire                 inc_valid,
    input  wire [INC_WIDTH-1:0] inc,
    // the sum of every increment accepted up to five cycles before
    output wire [63:0]          count
);

localparam SEG = 16;

initial begin
    if (INC_WIDTH < 1 || INC_WIDTH > 32) begin
`ifdef SYNTHESIS
        $display("Error: INC_WIDTH must be in 1..32 (instance %m)");
`else
        $error("Error: INC_WIDTH must be in 1..32 (instance %m)");
`endif
        $finish;
    end
end

// the increment, registered: the decision to count stays off the carry chains
reg [63:0] inc_reg = 64'd0;
wire [63:0] inc_64 = inc_reg;

// increment parts, segment k's delayed by k cycles
reg [SEG-1:0] part1_reg = {SEG{1'b0}};
reg [SEG-1:0] part2_reg = {SEG{1'b0}}, part2_d_reg = {SEG{1'b0}};
reg [SEG-1:0] part3_reg = {SEG{1'b0}}, part3_d_reg = {SEG{1'b0}}, part3_dd_reg = {SEG{1'b0}};
// segments 0-2 with their carry out on top (bit SEG: into segment k + 1 in the next cycle)
reg [SEG:0]   seg0_reg = {SEG+1{1'b0}}, seg1_reg = {SEG+1{1'b0}}, seg2_reg = {SEG+1{1'b0}};
reg [SEG-1:0] seg3_reg = {SEG{1'b0}};
// snapshot alignment: segment k delayed by 3 - k more cycles
reg [SEG-1:0] seg0_d_reg = {SEG{1'b0}}, seg0_dd_reg = {SEG{1'b0}}, seg0_ddd_reg = {SEG{1'b0}};
reg [SEG-1:0] seg1_d_reg = {SEG{1'b0}}, seg1_dd_reg = {SEG{1'b0}};
reg [SEG-1:0] seg2_d_reg = {SEG{1'b0}};

// {carry out, seg + part + carry in} in one adder: {seg, 1} + {part, carry}, the sum in bits SEG:1
// (one carry chain, the carry in through bit 0)
function [SEG:0] seg_add;
    input [SEG-1:0] seg;
    input [SEG-1:0] part;
    input           carry;
    /* verilator lint_off UNUSEDSIGNAL */ reg [SEG+1:0] sum; /* verilator lint_on UNUSEDSIGNAL */ // bit 0 is the carry-in trick
    begin
        sum = {1'b0, seg, 1'b1} + {1'b0, part, carry};
        seg_add = sum[SEG+1:1];
    end
endfunction

// the same without the carry out (the top segment: the carry out of bit 63 is dropped, mod 2^64)
function [SEG-1:0] seg_sum;
    input [SEG-1:0] seg;
    input [SEG-1:0] part;
    input           carry;
    /* verilator lint_off UNUSEDSIGNAL */ reg [SEG:0] sum; /* verilator lint_on UNUSEDSIGNAL */
    begin
        sum = seg_add(seg, part, carry);
        seg_sum = sum[SEG-1:0];
    end
endfunction

// An increment moves through the registers in the four cycles after it is taken; after that
// every register holds what it would load again. So they load only while an increment is
// under way (a clock enable: the same counts, and no work in the cycles without one).
reg [3:0] busy_reg = 4'd0;
wire      load = inc_valid || busy_reg != 4'd0;

// Each register is one assignment (a segment and its carry out are one register, the adder's
// SEG + 1 bits), so that the simulator evaluates every sum once.
always @(posedge clk) begin
    busy_reg <= {busy_reg[2:0], inc_valid};
    if (load) begin
        // from the last register back, so that each is read before it is written (the
        // simulator then updates them in place, without a copy of the old values)
        seg0_ddd_reg <= seg0_dd_reg;
        seg0_dd_reg <= seg0_d_reg;
        seg0_d_reg <= seg0_reg[SEG-1:0];
        seg1_dd_reg <= seg1_d_reg;
        seg1_d_reg <= seg1_reg[SEG-1:0];
        seg2_d_reg <= seg2_reg[SEG-1:0];
        seg3_reg <= seg_sum(seg3_reg, part3_dd_reg, seg2_reg[SEG]);
        seg2_reg <= seg_add(seg2_reg[SEG-1:0], part2_d_reg, seg1_reg[SEG]);
        seg1_reg <= seg_add(seg1_reg[SEG-1:0], part1_reg, seg0_reg[SEG]);
        seg0_reg <= seg_add(seg0_reg[SEG-1:0], inc_64[SEG-1:0], 1'b0);
        part3_dd_reg <= part3_d_reg;
        part3_d_reg <= part3_reg;
        part3_reg <= inc_64[4*SEG-1:3*SEG];
        part2_d_reg <= part2_reg;
        part2_reg <= inc_64[3*SEG-1:2*SEG];
        part1_reg <= inc_64[2*SEG-1:SEG];
        inc_reg <= inc_valid ? {{(64-INC_WIDTH){1'b0}}, inc} : 64'd0;
    end
    if (rst) begin
        busy_reg <= 4'd0;
        inc_reg <= 64'd0;
        part1_reg <= {SEG{1'b0}};
        part2_reg <= {SEG{1'b0}};
        part2_d_reg <= {SEG{1'b0}};
        part3_reg <= {SEG{1'b0}};
        part3_d_reg <= {SEG{1'b0}};
        part3_dd_reg <= {SEG{1'b0}};
        seg0_reg <= {SEG+1{1'b0}};
        seg1_reg <= {SEG+1{1'b0}};
        seg2_reg <= {SEG+1{1'b0}};
        seg3_reg <= {SEG{1'b0}};
        seg0_d_reg <= {SEG{1'b0}};
        seg0_dd_reg <= {SEG{1'b0}};
        seg0_ddd_reg <= {SEG{1'b0}};
        seg1_d_reg <= {SEG{1'b0}};
        seg1_dd_reg <= {SEG{1'b0}};
        seg2_d_reg <= {SEG{1'b0}};
    end
end

assign count = {seg3_reg, seg2_d_reg, seg1_dd_reg, seg0_ddd_reg};

endmodule

`resetall
