// l4lb: simple dual-port RAM, one write port and one registered read port (block RAM)
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Simple dual-port RAM: one write port, one read port with a registered output and a read
 * enable (the output holds while rd_en is low). A read of the address written in the same cycle
 * returns the old word. Contents are zero in simulation and after FPGA configuration.
 */
module l4lb_ram_sdp #(
    // Word width in bits
    parameter WIDTH = 32,
    // Number of words addressed (the array has 2^ADDR_WIDTH)
    parameter DEPTH = 256,
    // Address width (enough bits for DEPTH)
    parameter ADDR_WIDTH = (DEPTH > 1) ? $clog2(DEPTH) : 1
) (
    input  wire                  clk,

    input  wire                  wr_en,
    input  wire [ADDR_WIDTH-1:0] wr_addr,
    input  wire [WIDTH-1:0]      wr_data,

    input  wire                  rd_en,
    input  wire [ADDR_WIDTH-1:0] rd_addr,
    output reg  [WIDTH-1:0]      rd_data
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
    rd_data = {WIDTH{1'b0}};
end
`endif

// The read comes first and the write is a blocking assignment after it: the read still gets
// the old word, and the simulator writes the word in place (with a non-blocking write, Verilator
// keeps a pending-write flag per RAM that it clears and tests every cycle, written or not).
always @(posedge clk) begin
    if (rd_en) begin
        rd_data <= mem[rd_addr];
    end
    if (wr_en) begin
        /* verilator lint_off BLKSEQ */ mem[wr_addr] = wr_data; /* verilator lint_on BLKSEQ */
    end
end

endmodule

`resetall
