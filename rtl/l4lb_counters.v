// l4lb: statistics counters, global in registers and per VIP in block RAM
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * 64-bit counters, cleared by reset, updated by one event per finished frame (one per cycle at
 * most):
 *  - global: FRAMES_IN, BYTES_IN, BALANCED, PASSED and one per reason 1-10, in registers;
 *  - per VIP, for balanced frames: frames and bytes, in block RAM, read-modify-write over three
 *    stages (A read, B select with forwarding from the two updates ahead, C add and write). The
 *    RAM is duplicated so that the host has its own read port; a bit per VIP marks entries
 *    written since reset (the others read as 0), so reset clears them at once.
 * Host reads (register map offsets) return data three cycles after host_re. Reading the low word
 * of a counter returns it and latches the high word; reading a high word returns the latch.
 */
module l4lb_counters #(
    // VIP ids
    parameter VIP_COUNT = 256,
    // Width of a VIP index
    parameter VIP_WIDTH = 8
) (
    input  wire                 clk,
    input  wire                 rst,

    // count event, one per frame
    input  wire                 ev_valid,
    input  wire [3:0]           ev_reason,
    input  wire [VIP_WIDTH-1:0] ev_vip,
    input  wire [31:0]          ev_bytes,

    // host reads
    input  wire                 host_re,
    input  wire [31:0]          host_addr,
    output wire [31:0]          host_rdata
);

/* verilator lint_off UNUSEDPARAM */
`include "l4lb_regmap.vh" // generated register map: this module uses the counter offsets only
/* verilator lint_on UNUSEDPARAM */

localparam REASONS = REASON_COUNT;
// global counters as the host sees them from REG_CNT_FRAMES_IN, 8 bytes apart:
// FRAMES_IN, BYTES_IN, BALANCED, PASSED, then one per reason 0..REASONS-1 (reason 0 reads 0)
localparam GLOBALS = 4 + REASONS;
localparam [31:0] GLOBALS_32 = GLOBALS;
localparam [31:0] VIP_COUNT_32 = VIP_COUNT;
localparam VIP_SHIFT = $clog2(VIP_COUNTERS_STRIDE);

/*
 * Global counters
 */
reg [63:0] frames_reg = 64'd0;
reg [63:0] bytes_reg = 64'd0;
reg [63:0] balanced_reg = 64'd0;
reg [63:0] passed_reg = 64'd0;

wire [64*REASONS-1:0] reason_counts;

assign reason_counts[63:0] = 64'd0;

genvar gr;
generate
    for (gr = 1; gr < REASONS; gr = gr + 1) begin : reason_cnt
        localparam [3:0] REASON = gr;
        reg [63:0] count_reg = 64'd0;

        always @(posedge clk) begin
            if (ev_valid && ev_reason == REASON) begin
                count_reg <= count_reg + 64'd1;
            end
            if (rst) begin
                count_reg <= 64'd0;
            end
        end

        assign reason_counts[gr*64 +: 64] = count_reg;
    end
endgenerate

always @(posedge clk) begin
    if (ev_valid) begin
        frames_reg <= frames_reg + 64'd1;
        bytes_reg <= bytes_reg + {32'd0, ev_bytes};
        if (ev_reason == REASON_BALANCED[3:0]) begin
            balanced_reg <= balanced_reg + 64'd1;
        end else begin
            passed_reg <= passed_reg + 64'd1;
        end
    end

    if (rst) begin
        frames_reg <= 64'd0;
        bytes_reg <= 64'd0;
        balanced_reg <= 64'd0;
        passed_reg <= 64'd0;
    end
end

wire [64*GLOBALS-1:0] globals = {reason_counts, passed_reg, balanced_reg, bytes_reg, frames_reg};

// global counter idx (8-byte slots from REG_CNT_FRAMES_IN)
function [63:0] global_value;
    input [3:0]            idx;
    input [64*GLOBALS-1:0] values;
    integer i;
    begin
        global_value = 64'd0;
        for (i = 0; i < GLOBALS; i = i + 1) begin
            if ({28'd0, idx} == i) begin
                global_value = values[64*i +: 64];
            end
        end
    end
endfunction

/*
 * Per-VIP counters {bytes, frames}
 */
reg [VIP_COUNT-1:0] written_reg = {VIP_COUNT{1'b0}};

// stage B
reg                 b_valid_reg = 1'b0;
reg [VIP_WIDTH-1:0] b_vip_reg = {VIP_WIDTH{1'b0}};
reg [31:0]          b_bytes_reg = 32'd0;
reg                 b_written_reg = 1'b0;
// stage C
reg                 c_valid_reg = 1'b0;
reg [VIP_WIDTH-1:0] c_vip_reg = {VIP_WIDTH{1'b0}};
reg [31:0]          c_bytes_reg = 32'd0;
reg [127:0]         c_base_reg = 128'd0;
// the write of the previous cycle
reg                 w_valid_reg = 1'b0;
reg [VIP_WIDTH-1:0] w_vip_reg = {VIP_WIDTH{1'b0}};
reg [127:0]         w_data_reg = 128'd0;

wire a_valid = ev_valid && ev_reason == REASON_BALANCED[3:0];

wire [127:0] b_ram;
wire [127:0] c_new = {c_base_reg[127:64] + {32'd0, c_bytes_reg}, c_base_reg[63:0] + 64'd1};

l4lb_ram_sdp #(
    .WIDTH(128),
    .DEPTH(VIP_COUNT),
    .ADDR_WIDTH(VIP_WIDTH)
)
vip_ram_inst (
    .clk(clk),
    .wr_en(c_valid_reg),
    .wr_addr(c_vip_reg),
    .wr_data(c_new),
    .rd_en(a_valid),
    .rd_addr(ev_vip),
    .rd_data(b_ram)
);

always @(posedge clk) begin
    b_valid_reg <= a_valid;
    if (a_valid) begin
        b_vip_reg <= ev_vip;
        b_bytes_reg <= ev_bytes;
        b_written_reg <= written_reg[ev_vip];
    end

    c_valid_reg <= b_valid_reg;
    if (b_valid_reg) begin
        c_vip_reg <= b_vip_reg;
        c_bytes_reg <= b_bytes_reg;
        if (c_valid_reg && c_vip_reg == b_vip_reg) begin
            c_base_reg <= c_new;
        end else if (w_valid_reg && w_vip_reg == b_vip_reg) begin
            c_base_reg <= w_data_reg;
        end else begin
            c_base_reg <= b_written_reg ? b_ram : 128'd0;
        end
    end

    w_valid_reg <= c_valid_reg;
    if (c_valid_reg) begin
        w_vip_reg <= c_vip_reg;
        w_data_reg <= c_new;
        written_reg[c_vip_reg] <= 1'b1;
    end

    if (rst) begin
        written_reg <= {VIP_COUNT{1'b0}};
        b_valid_reg <= 1'b0;
        c_valid_reg <= 1'b0;
        w_valid_reg <= 1'b0;
    end
end

/*
 * Host reads: decode into registers (only on a request), then read the RAM or take the global
 * counter, then select the word: host_rdata is valid three cycles after host_re.
 */
// which counter an offset names: {global, vip}
function [1:0] host_counter;
    input [31:0] addr;
    begin
        // the global counters sit in the 256-byte block at REG_CNT_FRAMES_IN
        host_counter[1] = addr[31:8] == REG_CNT_FRAMES_IN[31:8] && {27'd0, addr[7:3]} < GLOBALS_32;
        host_counter[0] = (addr & ~(VIP_COUNTERS_SPAN - 1)) == VIP_COUNTERS_BASE &&
                          ((addr & (VIP_COUNTERS_SPAN - 1)) >> VIP_SHIFT) < VIP_COUNT_32;
    end
endfunction

reg                 h_re_reg = 1'b0;
reg                 h_global_reg = 1'b0;
reg                 h_vip_reg = 1'b0;
reg                 h_high_reg = 1'b0;
reg                 h_bytes_reg = 1'b0;
reg [3:0]           h_global_idx_reg = 4'd0;
reg [VIP_WIDTH-1:0] h_vip_idx_reg = {VIP_WIDTH{1'b0}};

reg                 r_mux_reg = 1'b0;
reg                 r_global_reg = 1'b0;
reg                 r_vip_reg = 1'b0;
reg                 r_high_reg = 1'b0;
reg                 r_bytes_reg = 1'b0;
reg                 r_written_reg = 1'b0;
reg [63:0]          r_global_value_reg = 64'd0;

reg [31:0]          latch_reg = 32'd0;
reg [31:0]          host_rdata_reg = 32'd0;

assign host_rdata = host_rdata_reg;

wire [127:0] host_ram;

l4lb_ram_sdp #(
    .WIDTH(128),
    .DEPTH(VIP_COUNT),
    .ADDR_WIDTH(VIP_WIDTH)
)
host_ram_inst (
    .clk(clk),
    .wr_en(c_valid_reg),
    .wr_addr(c_vip_reg),
    .wr_data(c_new),
    .rd_en(h_re_reg && h_vip_reg),
    .rd_addr(h_vip_idx_reg),
    .rd_data(host_ram)
);

// one half of the 64-bit counter read
function [31:0] read_half;
    input         high;
    input         is_global;
    input [63:0]  global_count;
    input         written;
    input         bytes;
    input [127:0] vip_entry;
    reg [63:0] value;
    begin
        if (is_global) begin
            value = global_count;
        end else if (!written) begin
            value = 64'd0;
        end else begin
            value = bytes ? vip_entry[127:64] : vip_entry[63:0];
        end
        read_half = high ? value[63:32] : value[31:0];
    end
endfunction

always @(posedge clk) begin
    h_re_reg <= host_re;
    if (host_re) begin
        {h_global_reg, h_vip_reg} <= host_counter(host_addr);
        h_high_reg <= host_addr[2];
        h_bytes_reg <= host_addr[3];
        h_global_idx_reg <= host_addr[6:3];
        h_vip_idx_reg <= host_addr[VIP_SHIFT +: VIP_WIDTH];
    end

    r_mux_reg <= h_re_reg;
    if (h_re_reg) begin
        r_global_reg <= h_global_reg;
        r_vip_reg <= h_vip_reg;
        r_high_reg <= h_high_reg;
        r_bytes_reg <= h_bytes_reg;
        r_written_reg <= h_vip_reg && written_reg[h_vip_idx_reg];
        r_global_value_reg <= global_value(h_global_idx_reg, globals);
    end

    if (r_mux_reg) begin
        host_rdata_reg <= 32'd0;
        if (r_global_reg || r_vip_reg) begin
            if (r_high_reg) begin
                host_rdata_reg <= latch_reg;
            end else begin
                host_rdata_reg <= read_half(1'b0, r_global_reg, r_global_value_reg, r_written_reg,
                                            r_bytes_reg, host_ram);
                latch_reg <= read_half(1'b1, r_global_reg, r_global_value_reg, r_written_reg,
                                       r_bytes_reg, host_ram);
            end
        end
    end

    if (rst) begin
        h_re_reg <= 1'b0;
        r_mux_reg <= 1'b0;
        latch_reg <= 32'd0;
    end
end

endmodule

`resetall
