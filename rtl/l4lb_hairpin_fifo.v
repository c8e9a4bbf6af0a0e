// l4lb: dual-clock frame FIFO for hairpinned frames (RX MAC clock to TX MAC clock)
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Dual-clock frame FIFO. The write side never stalls (s_axis_tready is always 1): a frame is
 * made visible to the read side only when its last beat is written (commit), so the read side
 * can always send a whole frame without a gap (the TX MAC must not underflow inside a frame).
 * A frame that does not fit is dropped whole (write pointer rewound to the last commit) and
 * counted in drop_count; with the arbiter's priority rule (see l4lb_tx_arbiter) that cannot
 * happen while the TX link runs at least as fast as the RX link.
 *
 * Pointers cross as Gray code through two-flop synchronisers (ASYNC_REG); the memory is a
 * simple dual-port block RAM with a registered read. m_fill is the number of committed beats
 * the read side holds (read-side view, a cycle late), used by the arbiter. Each side decodes
 * the other's pointer from Gray code a cycle after synchronising it, so that no path does the
 * decode and a pointer compare or subtraction in one cycle.
 */
module l4lb_hairpin_fifo #(
    // Width of the AXI stream data in bits
    parameter DATA_WIDTH = 512,
    // Width of tkeep
    parameter KEEP_WIDTH = DATA_WIDTH/8,
    // Width of tuser carried with each beat
    parameter USER_WIDTH = 1,
    // Depth in beats, power of two; must hold at least one longest frame
    parameter DEPTH = 512
) (
    /*
     * Write side (s_clk)
     */
    input  wire                  s_clk,
    input  wire                  s_rst,
    input  wire [DATA_WIDTH-1:0] s_axis_tdata,
    input  wire [KEEP_WIDTH-1:0] s_axis_tkeep,
    input  wire                  s_axis_tvalid,
    output wire                  s_axis_tready,
    input  wire                  s_axis_tlast,
    input  wire [USER_WIDTH-1:0] s_axis_tuser,
    // frames dropped for lack of space (wraps)
    output wire [31:0]           s_drop_count,

    /*
     * Read side (m_clk)
     */
    input  wire                  m_clk,
    input  wire                  m_rst,
    output wire [DATA_WIDTH-1:0] m_axis_tdata,
    output wire [KEEP_WIDTH-1:0] m_axis_tkeep,
    output wire                  m_axis_tvalid,
    input  wire                  m_axis_tready,
    output wire                  m_axis_tlast,
    output wire [USER_WIDTH-1:0] m_axis_tuser,
    // committed beats held, read-side view
    output wire [ADDR_WIDTH:0]   m_fill
);

localparam ADDR_WIDTH = $clog2(DEPTH);
localparam WORD_WIDTH = DATA_WIDTH + KEEP_WIDTH + USER_WIDTH + 1;

initial begin
    if (DEPTH < 2 || (DEPTH & (DEPTH - 1)) != 0) begin
`ifdef SYNTHESIS
        $display("Error: DEPTH must be a power of two (instance %m)");
`else
        $error("Error: DEPTH must be a power of two (instance %m)");
`endif
        $finish;
    end
end

function [ADDR_WIDTH:0] bin2gray;
    input [ADDR_WIDTH:0] b;
    begin
        bin2gray = b ^ (b >> 1);
    end
endfunction

function [ADDR_WIDTH:0] gray2bin;
    input [ADDR_WIDTH:0] g;
    integer i;
    begin
        gray2bin[ADDR_WIDTH] = g[ADDR_WIDTH];
        for (i = ADDR_WIDTH - 1; i >= 0; i = i - 1) begin
            gray2bin[i] = gray2bin[i+1] ^ g[i];
        end
    end
endfunction

reg [WORD_WIDTH-1:0] mem [0:DEPTH-1];

/*
 * Write side
 */
reg [ADDR_WIDTH:0] wr_ptr_reg = {ADDR_WIDTH+1{1'b0}};
reg [ADDR_WIDTH:0] wr_commit_reg = {ADDR_WIDTH+1{1'b0}};
reg [ADDR_WIDTH:0] wr_commit_gray_reg = {ADDR_WIDTH+1{1'b0}};
reg wr_drop_reg = 1'b0;
// frames dropped: two 16-bit halves, the high half counting the low half's carry a cycle later
// (a 32-bit increment in one cycle is a long carry chain)
reg [15:0] drop_lo_reg = 16'd0;
reg [15:0] drop_hi_reg = 16'd0;
reg drop_carry_reg = 1'b0;

(* ASYNC_REG = "TRUE" *) reg [ADDR_WIDTH:0] rd_gray_sync_1_reg = {ADDR_WIDTH+1{1'b0}};
(* ASYNC_REG = "TRUE" *) reg [ADDR_WIDTH:0] rd_gray_sync_2_reg = {ADDR_WIDTH+1{1'b0}};

// the read pointer, decoded a cycle after it is synchronised (so the decode and the full test
// take one cycle each: full is then one cycle pessimistic, never optimistic)
reg [ADDR_WIDTH:0] wr_rd_ptr_reg = {ADDR_WIDTH+1{1'b0}};
// full: the pointers differ in their top bit only
wire wr_full = wr_ptr_reg == (wr_rd_ptr_reg ^ {1'b1, {ADDR_WIDTH{1'b0}}});
wire wr_beat = s_axis_tvalid;
// this beat is stored: the frame is not being dropped and there is room
wire wr_store = wr_beat && !wr_drop_reg && !wr_full;

assign s_axis_tready = 1'b1;
assign s_drop_count = {drop_hi_reg, drop_lo_reg};

always @(posedge s_clk) begin
    if (wr_store) begin
        mem[wr_ptr_reg[ADDR_WIDTH-1:0]] <= {s_axis_tlast, s_axis_tuser, s_axis_tkeep, s_axis_tdata};
    end
end

always @(posedge s_clk) begin
    drop_carry_reg <= 1'b0;
    if (drop_carry_reg) begin
        drop_hi_reg <= drop_hi_reg + 16'd1;
    end
    if (wr_beat) begin
        if (wr_drop_reg || wr_full) begin
            // drop the frame: forget its beats, count it on its last beat
            wr_drop_reg <= !s_axis_tlast;
            wr_ptr_reg <= wr_commit_reg;
            if (s_axis_tlast) begin
                {drop_carry_reg, drop_lo_reg} <= {1'b0, drop_lo_reg} + 17'd1;
            end
        end else begin
            wr_ptr_reg <= wr_ptr_reg + 1'b1;
            if (s_axis_tlast) begin
                wr_commit_reg <= wr_ptr_reg + 1'b1;
            end
        end
    end
    wr_commit_gray_reg <= bin2gray(wr_commit_reg);

    rd_gray_sync_1_reg <= rd_gray_reg;
    rd_gray_sync_2_reg <= rd_gray_sync_1_reg;
    wr_rd_ptr_reg <= gray2bin(rd_gray_sync_2_reg);

    if (s_rst) begin
        wr_ptr_reg <= {ADDR_WIDTH+1{1'b0}};
        wr_commit_reg <= {ADDR_WIDTH+1{1'b0}};
        wr_commit_gray_reg <= {ADDR_WIDTH+1{1'b0}};
        wr_drop_reg <= 1'b0;
        drop_lo_reg <= 16'd0;
        drop_hi_reg <= 16'd0;
        drop_carry_reg <= 1'b0;
        rd_gray_sync_1_reg <= {ADDR_WIDTH+1{1'b0}};
        rd_gray_sync_2_reg <= {ADDR_WIDTH+1{1'b0}};
        wr_rd_ptr_reg <= {ADDR_WIDTH+1{1'b0}};
    end
end

/*
 * Read side: registered RAM read into an output register
 */
reg [ADDR_WIDTH:0] rd_ptr_reg = {ADDR_WIDTH+1{1'b0}};
reg [ADDR_WIDTH:0] rd_gray_reg = {ADDR_WIDTH+1{1'b0}};
reg [WORD_WIDTH-1:0] out_reg = {WORD_WIDTH{1'b0}};
reg out_valid_reg = 1'b0;

(* ASYNC_REG = "TRUE" *) reg [ADDR_WIDTH:0] wr_gray_sync_1_reg = {ADDR_WIDTH+1{1'b0}};
(* ASYNC_REG = "TRUE" *) reg [ADDR_WIDTH:0] wr_gray_sync_2_reg = {ADDR_WIDTH+1{1'b0}};

// the commit pointer, decoded a cycle after it is synchronised; the fill, a cycle after that
reg [ADDR_WIDTH:0] rd_commit_ptr_reg = {ADDR_WIDTH+1{1'b0}};
reg [ADDR_WIDTH:0] fill_reg = {ADDR_WIDTH+1{1'b0}};
wire rd_empty = rd_commit_ptr_reg == rd_ptr_reg;
// read the next word when the output register is free or being emptied
wire rd_load = !rd_empty && (!out_valid_reg || m_axis_tready);

assign m_axis_tdata = out_reg[DATA_WIDTH-1:0];
assign m_axis_tkeep = out_reg[DATA_WIDTH +: KEEP_WIDTH];
assign m_axis_tuser = out_reg[DATA_WIDTH+KEEP_WIDTH +: USER_WIDTH];
assign m_axis_tlast = out_reg[WORD_WIDTH-1];
assign m_axis_tvalid = out_valid_reg;
assign m_fill = fill_reg;

always @(posedge m_clk) begin
    if (rd_load) begin
        out_reg <= mem[rd_ptr_reg[ADDR_WIDTH-1:0]];
    end
end

always @(posedge m_clk) begin
    if (rd_load) begin
        out_valid_reg <= 1'b1;
        rd_ptr_reg <= rd_ptr_reg + 1'b1;
    end else if (m_axis_tready) begin
        out_valid_reg <= 1'b0;
    end
    rd_gray_reg <= bin2gray(rd_load ? rd_ptr_reg + 1'b1 : rd_ptr_reg);

    wr_gray_sync_1_reg <= wr_commit_gray_reg;
    wr_gray_sync_2_reg <= wr_gray_sync_1_reg;
    rd_commit_ptr_reg <= gray2bin(wr_gray_sync_2_reg);
    fill_reg <= rd_commit_ptr_reg - rd_ptr_reg;

    if (m_rst) begin
        rd_ptr_reg <= {ADDR_WIDTH+1{1'b0}};
        rd_gray_reg <= {ADDR_WIDTH+1{1'b0}};
        out_valid_reg <= 1'b0;
        wr_gray_sync_1_reg <= {ADDR_WIDTH+1{1'b0}};
        wr_gray_sync_2_reg <= {ADDR_WIDTH+1{1'b0}};
        rd_commit_ptr_reg <= {ADDR_WIDTH+1{1'b0}};
        fill_reg <= {ADDR_WIDTH+1{1'b0}};
    end
end

endmodule

`resetall
