// l4lb: statistics counters, global in registers and per VIP in block RAM
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * 64-bit counters, cleared by reset, updated by one event per finished frame (one per cycle at
 * most):
 *  - global: FRAMES_IN, BYTES_IN, BALANCED, PASSED and one per reason 1-10, in registers
 *    (l4lb_counter64: 16-bit segments, exact as of five cycles before);
 *  - per VIP, for balanced frames: frames and bytes, in block RAM, read-modify-write over three
 *    stages (A read, B select with forwarding from the two updates ahead, C add and write). The
 *    RAM is duplicated so that the host has its own read port; a bit per VIP marks entries
 *    written since reset (the others read as 0), so reset clears them at once.
 *    Each counter is stored carry-save so that no carry chain is longer than 16 bits: four
 *    16-bit segments and the carries out of the lower three, not yet added to the segment above
 *    (value = segments + carries << 16 * (k + 1)). An update adds to each segment its part of
 *    the increment and the pending carry of the segment below.
 * Host reads (register map offsets) return data three cycles after host_re. Reading the low word
 * of a counter returns it and latches the high word; reading a high word returns the latch. The
 * low word resolves the carry into bits 31:16; the latch resolves bits 63:32 over the next two
 * cycles, before the AXI-Lite slave can start another read.
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

`include "l4lb_regmap.vh" // generated register map: this module uses the counter offsets only

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
wire [63:0] frames_count;
wire [63:0] bytes_count;
wire [63:0] balanced_count;
wire [63:0] passed_count;
wire [64*REASONS-1:0] reason_counts;
assign reason_counts[63:0] = 64'd0;

genvar gr;
generate
    for (gr = 1; gr < REASONS; gr = gr + 1) begin : reason_cnt
        localparam [3:0] REASON = gr;
        l4lb_counter64 #(
            .INC_WIDTH(1)
        )
        count_inst (
            .clk(clk),
            .rst(rst),
            .inc_valid(ev_valid && ev_reason == REASON),
            .inc(1'b1),
            .count(reason_counts[gr*64 +: 64])
        );
    end
endgenerate

l4lb_counter64 #(
    .INC_WIDTH(1)
)
frames_inst (
    .clk(clk),
    .rst(rst),
    .inc_valid(ev_valid),
    .inc(1'b1),
    .count(frames_count)
);

l4lb_counter64 #(
    .INC_WIDTH(32)
)
bytes_inst (
    .clk(clk),
    .rst(rst),
    .inc_valid(ev_valid),
    .inc(ev_bytes),
    .count(bytes_count)
);

l4lb_counter64 #(
    .INC_WIDTH(1)
)
balanced_inst (
    .clk(clk),
    .rst(rst),
    .inc_valid(ev_valid && ev_reason == REASON_BALANCED[3:0]),
    .inc(1'b1),
    .count(balanced_count)
);

l4lb_counter64 #(
    .INC_WIDTH(1)
)
passed_inst (
    .clk(clk),
    .rst(rst),
    .inc_valid(ev_valid && ev_reason != REASON_BALANCED[3:0]),
    .inc(1'b1),
    .count(passed_count)
);

wire [64*GLOBALS-1:0] globals = {reason_counts, passed_count, balanced_count, bytes_count, frames_count};

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
 * Per-VIP counters {bytes, frames}, each carry-save: [63:0] four 16-bit segments, [64 + k] the
 * carry out of segment k not yet added to segment k + 1
 */
localparam CS = 67;
// written bits are looked up in groups of GRP: the group in stage A, the bit in stage B
localparam W_LO = VIP_WIDTH < 4 ? VIP_WIDTH : 4;
localparam GRP = 1 << W_LO;
localparam [VIP_WIDTH-1:0] GRP_MASK = GRP - 1;
localparam ENTRY = 2 * CS;

// a carry-save counter plus an increment of up to 32 bits; every adder is 16 bits plus carry
// in, as {segment, 1} + {part, carry}
function [CS-1:0] cs_add;
    input [CS-1:0] c;
    input [31:0]   x;
    /* verilator lint_off UNUSEDSIGNAL */ reg [17:0] s0, s1, s2, s3; /* verilator lint_on UNUSEDSIGNAL */ // bit 0 is the constant carry-in trick, s3's carry out is dropped (mod 2^64)
    begin
        s0 = {1'b0, c[15:0], 1'b1} + {1'b0, x[15:0], 1'b0};
        s1 = {1'b0, c[31:16], 1'b1} + {1'b0, x[31:16], c[64]};
        s2 = {1'b0, c[47:32], 1'b1} + {1'b0, 16'd0, c[65]};
        s3 = {1'b0, c[63:48], 1'b1} + {1'b0, 16'd0, c[66]};
        cs_add = {s2[17], s1[17], s0[17], s3[16:1], s2[16:1], s1[16:1], s0[16:1]};
    end
endfunction

wire [VIP_COUNT-1:0] written;

// stage B
reg                 b_valid_reg = 1'b0;
reg [VIP_WIDTH-1:0] b_vip_reg = {VIP_WIDTH{1'b0}};
reg [31:0]          b_bytes_reg = 32'd0;
// the written bits of the group of VIPs ev_vip is in (a 256:1 select split over two stages)
reg [GRP-1:0]       b_written_grp_reg = {GRP{1'b0}};
// stage C
reg                 c_valid_reg = 1'b0;
reg [VIP_WIDTH-1:0] c_vip_reg = {VIP_WIDTH{1'b0}};
reg [31:0]          c_bytes_reg = 32'd0;
reg [ENTRY-1:0]     c_base_reg = {ENTRY{1'b0}};
// the write of the previous cycle
reg                 w_valid_reg = 1'b0;
reg [VIP_WIDTH-1:0] w_vip_reg = {VIP_WIDTH{1'b0}};
reg [ENTRY-1:0]     w_data_reg = {ENTRY{1'b0}};

wire a_valid = ev_valid && ev_reason == REASON_BALANCED[3:0];
wire [GRP-1:0] a_written_grp = written[ev_vip & ~GRP_MASK +: GRP];
wire b_written = b_written_grp_reg[b_vip_reg[W_LO-1:0]];

wire [ENTRY-1:0] b_ram;
wire [ENTRY-1:0] c_new = {cs_add(c_base_reg[2*CS-1:CS], c_bytes_reg), cs_add(c_base_reg[CS-1:0], 32'd1)};

l4lb_ram_sdp #(
    .WIDTH(ENTRY),
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
        b_written_grp_reg <= a_written_grp;
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
            c_base_reg <= b_written ? b_ram : {ENTRY{1'b0}};
        end
    end

    w_valid_reg <= c_valid_reg;
    if (c_valid_reg) begin
        w_vip_reg <= c_vip_reg;
        w_data_reg <= c_new;
    end

    if (rst) begin
        b_valid_reg <= 1'b0;
        c_valid_reg <= 1'b0;
        w_valid_reg <= 1'b0;
    end
end

// one bit per VIP: its entry was written since reset. Kept in groups of GRP bits: a group
// decodes its low index bits when the high bits select it (each bit's enable is still a compare
// of the whole index, and the simulator tests VIP_COUNT / GRP groups a cycle, not every bit).
localparam GROUPS = VIP_COUNT / GRP;
localparam W_HI = VIP_WIDTH - W_LO;
genvar gv;
generate
    for (gv = 0; gv < GROUPS; gv = gv + 1) begin : written_grp
        localparam integer GROUP_INT = gv;
        reg [GRP-1:0] bits_reg = {GRP{1'b0}};
        wire          sel;
        if (W_HI > 0) begin : hi
            assign sel = c_vip_reg[VIP_WIDTH-1 -: (W_HI > 0 ? W_HI : 1)] == GROUP_INT[(W_HI > 0 ? W_HI : 1)-1:0];
        end else begin : all
            assign sel = 1'b1;
        end
        always @(posedge clk) begin
            if (c_valid_reg && sel) begin
                bits_reg <= bits_reg | ({{GRP-1{1'b0}}, 1'b1} << c_vip_reg[W_LO-1:0]);
            end
            if (rst) begin
                bits_reg <= {GRP{1'b0}};
            end
        end
        assign written[gv*GRP +: GRP] = bits_reg;
    end
endgenerate

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
// the written bits of the group the host's VIP is in (the select split like stage A/B's)
reg [GRP-1:0]       h_written_grp_reg = {GRP{1'b0}};
wire [VIP_WIDTH-1:0] host_vip = host_addr[VIP_SHIFT +: VIP_WIDTH];

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

wire [ENTRY-1:0] host_ram;

l4lb_ram_sdp #(
    .WIDTH(ENTRY),
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

// the low word of the counter read, resolved (the per-VIP carry into bit 16 added), and the
// pieces of the high word for the latch
wire [CS-1:0] r_cs = r_bytes_reg ? host_ram[2*CS-1:CS] : host_ram[CS-1:0];
wire [16:0]   r_mid = {1'b0, r_cs[31:16]} + {16'd0, r_cs[64]};
wire [31:0]   r_low = r_global_reg ? r_global_value_reg[31:0] :
                      r_written_reg ? {r_mid[15:0], r_cs[15:0]} : 32'd0;
wire [15:0]   r_seg2 = r_global_reg ? r_global_value_reg[47:32] : r_written_reg ? r_cs[47:32] : 16'd0;
wire [15:0]   r_seg3 = r_global_reg ? r_global_value_reg[63:48] : r_written_reg ? r_cs[63:48] : 16'd0;
// pending carries into bits 32 (two of them) and 48
wire          r_c32a = !r_global_reg && r_written_reg && r_mid[16];
wire          r_c32b = !r_global_reg && r_written_reg && r_cs[65];
wire          r_c48 = !r_global_reg && r_written_reg && r_cs[66];

// the latch resolves over two cycles: bits 47:32, then 63:48
reg [15:0] l_seg2_reg = 16'd0, l_seg3_reg = 16'd0, l_seg3_d_reg = 16'd0, l_lo_reg = 16'd0;
reg        l_c32a_reg = 1'b0, l_c32b_reg = 1'b0, l_c48_reg = 1'b0, l_c48_d_reg = 1'b0, l_k_reg = 1'b0;
wire [16:0] l_lo_sum = {1'b0, l_seg2_reg} + {15'd0, l_c32a_reg & l_c32b_reg, l_c32a_reg ^ l_c32b_reg};
wire [15:0] l_hi_sum = l_seg3_d_reg + {14'd0, l_c48_d_reg & l_k_reg, l_c48_d_reg ^ l_k_reg};

always @(posedge clk) begin
    l_lo_reg <= l_lo_sum[15:0];
    l_k_reg <= l_lo_sum[16];
    l_seg3_d_reg <= l_seg3_reg;
    l_c48_d_reg <= l_c48_reg;
    latch_reg <= {l_hi_sum, l_lo_reg};
    if (rst) begin
        l_lo_reg <= 16'd0;
        l_k_reg <= 1'b0;
        l_seg3_d_reg <= 16'd0;
        l_c48_d_reg <= 1'b0;
        latch_reg <= 32'd0;
    end
end

always @(posedge clk) begin
    h_re_reg <= host_re;
    if (host_re) begin
        {h_global_reg, h_vip_reg} <= host_counter(host_addr);
        h_high_reg <= host_addr[2];
        h_bytes_reg <= host_addr[3];
        h_global_idx_reg <= host_addr[6:3];
        h_vip_idx_reg <= host_vip;
        h_written_grp_reg <= written[host_vip & ~GRP_MASK +: GRP];
    end

    r_mux_reg <= h_re_reg;
    if (h_re_reg) begin
        r_global_reg <= h_global_reg;
        r_vip_reg <= h_vip_reg;
        r_high_reg <= h_high_reg;
        r_bytes_reg <= h_bytes_reg;
        r_written_reg <= h_vip_reg && h_written_grp_reg[h_vip_idx_reg[W_LO-1:0]];
        r_global_value_reg <= global_value(h_global_idx_reg, globals);
    end

    if (r_mux_reg) begin
        host_rdata_reg <= 32'd0;
        if (r_global_reg || r_vip_reg) begin
            if (r_high_reg) begin
                host_rdata_reg <= latch_reg;
            end else begin
                host_rdata_reg <= r_low;
                l_seg2_reg <= r_seg2;
                l_seg3_reg <= r_seg3;
                l_c32a_reg <= r_c32a;
                l_c32b_reg <= r_c32b;
                l_c48_reg <= r_c48;
            end
        end
    end
    if (rst) begin
        h_re_reg <= 1'b0;
        r_mux_reg <= 1'b0;
        l_seg2_reg <= 16'd0;
        l_seg3_reg <= 16'd0;
        l_c32a_reg <= 1'b0;
        l_c32b_reg <= 1'b0;
        l_c48_reg <= 1'b0;
    end
end

endmodule

`resetall
