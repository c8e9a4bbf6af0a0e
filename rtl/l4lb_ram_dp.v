// l4lb: table RAM, host read/write port A and pipeline read port B (block RAM)
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Dual-port table RAM. Port A belongs to the host (AXI-Lite): write, or read with a registered
 * output. Port B belongs to the pipeline: read with a registered output and an enable (the output
 * holds while b_en is low). Reads of a word written in the same cycle may return either value.
 * Contents are zero in simulation and after FPGA configuration.
 */
module l4lb_ram_dp #(
    // Word width in bits
    parameter WIDTH = 32,
    // Number of words addressed (the array has 2^ADDR_WIDTH)
    parameter DEPTH = 256,
    // Address width (enough bits for DEPTH)
    parameter ADDR_WIDTH = (DEPTH > 1) ? $clog2(DEPTH) : 1
) (
    input  wire                  clk,

    // port A: host. a_we and a_re count only while a_en is high: one enable that all the
    // RAMs of a table port share, so that a cycle without a host access costs the simulator
    // one test for all of them (Verilator merges their branches on the same condition)
    input  wire                  a_en,
    input  wire                  a_we,
    input  wire                  a_re,
    input  wire [ADDR_WIDTH-1:0] a_addr,
    input  wire [WIDTH-1:0]      a_wdata,
    output reg  [WIDTH-1:0]      a_rdata,

    // port B: pipeline
    input  wire                  b_en,
    input  wire [ADDR_WIDTH-1:0] b_addr,
    output reg  [WIDTH-1:0]      b_rdata
);

// a word for every address (DEPTH rounded up to a power of two; the words past DEPTH are never
// addressed): the simulator then indexes without a bounds check and writes a word in place
localparam WORDS = 1 << ADDR_WIDTH;

reg [WIDTH-1:0] mem [0:WORDS-1];

`ifndef SYNTHESIS
integer i;
initial begin
    for (i = 0; i < WORDS; i = i + 1) begin
        mem[i] = {WIDTH{1'b0}};
    end
    a_rdata = {WIDTH{1'b0}};
    b_rdata = {WIDTH{1'b0}};
end
`endif

// Both reads come first and the write is a blocking assignment after them, in one process: the
// reads get the old word, and the simulator writes the word in place (with a non-blocking
// write, Verilator keeps a pending-write flag per RAM that it clears and tests every cycle).
always @(posedge clk) begin
    if (b_en) begin
        b_rdata <= mem[b_addr];
    end
    if (a_en) begin
        if (a_re) begin
            a_rdata <= mem[a_addr];
        end
        if (a_we) begin
            /* verilator lint_off BLKSEQ */ mem[a_addr] = a_wdata; /* verilator lint_on BLKSEQ */
        end
    end
end

endmodule

`resetall
