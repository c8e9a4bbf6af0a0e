// l4lb: first-word-fall-through FIFO on a block RAM
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * FIFO with the head word presented on rd_data while rd_valid is high (first word fall
 * through). The RAM's registered read port is the head register: a word written at one clock
 * edge is at the head two edges later when the FIFO was empty. No flow control: the l4lb
 * pipeline sizes the FIFO so that it never overflows and pops only a valid head.
 */
module l4lb_fifo #(
    // Word width in bits
    parameter WIDTH = 32,
    // Number of words in the RAM, a power of two
    parameter DEPTH = 256
) (
    input  wire             clk,
    input  wire             rst,

    input  wire             wr_en,
    input  wire [WIDTH-1:0] wr_data,

    input  wire             rd_en,
    output wire [WIDTH-1:0] rd_data,
    output wire             rd_valid
);

localparam ADDR_WIDTH = (DEPTH > 1) ? $clog2(DEPTH) : 1;

initial begin
    if (DEPTH < 2 || (DEPTH & (DEPTH - 1)) != 0) begin
`ifdef SYNTHESIS
        $display("Error: FIFO depth must be a power of two >= 2 (instance %m)");
`else
        $error("Error: FIFO depth must be a power of two >= 2 (instance %m)");
`endif
        $finish;
    end
end

reg [ADDR_WIDTH:0] wr_ptr_reg = {ADDR_WIDTH+1{1'b0}};
reg [ADDR_WIDTH:0] rd_ptr_reg = {ADDR_WIDTH+1{1'b0}};
reg                head_valid_reg = 1'b0;

// words in the RAM behind the head register
wire mem_empty = wr_ptr_reg == rd_ptr_reg;
// fetch the next word into the head register when it is empty or being popped
wire fetch = !mem_empty && (!head_valid_reg || rd_en);

assign rd_valid = head_valid_reg;

l4lb_ram_sdp #(
    .WIDTH(WIDTH),
    .DEPTH(DEPTH),
    .ADDR_WIDTH(ADDR_WIDTH)
)
ram_inst (
    .clk(clk),
    .wr_en(wr_en),
    .wr_addr(wr_ptr_reg[ADDR_WIDTH-1:0]),
    .wr_data(wr_data),
    .rd_en(fetch),
    .rd_addr(rd_ptr_reg[ADDR_WIDTH-1:0]),
    .rd_data(rd_data)
);

// The pointers and the head flag are written as selects rather than under `if`: the same
// enables in hardware, and Verilator's C++ computes them without a branch (the RAM still tests
// the enables). Valgrind counts one to two mispredicted branches a cycle fewer with random frame
// sizes; the replay ran no faster on the development CPU (docs/performance.md).
always @(posedge clk) begin
    wr_ptr_reg <= wr_en ? wr_ptr_reg + 1'b1 : wr_ptr_reg;
    rd_ptr_reg <= fetch ? rd_ptr_reg + 1'b1 : rd_ptr_reg;
    head_valid_reg <= fetch || (head_valid_reg && !rd_en);

    if (rst) begin
        wr_ptr_reg <= {ADDR_WIDTH+1{1'b0}};
        rd_ptr_reg <= {ADDR_WIDTH+1{1'b0}};
        head_valid_reg <= 1'b0;
    end
end

endmodule

`resetall
