// l4lb: statistics counters, global in registers, per VIP and per backend in block RAM
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * 64-bit counters, cleared by reset, updated by one event per finished frame (one per cycle at
 * most):
 *  - global: FRAMES_IN, BYTES_IN, BALANCED, PASSED and one per reason 1-11, in registers,
 *    carry-save (l4lb_cs_add.vh), exact as of two cycles before;
 *  - per VIP and per backend entry, for balanced frames: frames and bytes, in block RAM
 *    (l4lb_entry_counters: read-modify-write over four stages, carry-save, cleared at reset
 *    by a written-since-reset bit per entry, kept per group). Backends are counted by entry
 *    index, whatever the table bank.
 * Host reads (register map offsets) return data three cycles after host_re. Reading the low word
 * of a counter returns it and latches the high word; reading a high word returns the latch. The
 * low word resolves the carry into bits 31:16; the latch resolves bits 63:32 over the next two
 * cycles, before the AXI-Lite slave can start another read.
 */
module l4lb_counters #(
    // VIP ids
    parameter VIP_COUNT = 256,
    // Width of a VIP index
    parameter VIP_WIDTH = 8,
    // backend entries (per bank; counted by index, whatever the bank)
    parameter BACKEND_COUNT = 4096,
    // Width of a backend index
    parameter BACKEND_WIDTH = 12
) (
    input  wire                 clk,
    input  wire                 rst,

    // count event, one per frame
    input  wire                 ev_valid,
    input  wire [3:0]           ev_reason,
    input  wire [VIP_WIDTH-1:0] ev_vip,
    input  wire [BACKEND_WIDTH-1:0] ev_backend,
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
localparam [31:0] BACKEND_COUNT_32 = BACKEND_COUNT;
localparam BACKEND_SHIFT = $clog2(BACKEND_COUNTERS_STRIDE);

/*
 * Global counters, carry-save in registers like the table entries (l4lb_cs_add.vh): each event
 * adds to FRAMES_IN and BYTES_IN, to BALANCED or PASSED, and to its reason's counter. The event
 * is registered first with its reason decoded, so that each add is enabled by a flip-flop; only
 * the counters an event names load (and the simulator computes only their adds).
 */
localparam CS = 67;
`include "l4lb_cs_add.vh"

reg               g_valid_reg = 1'b0;
reg [REASONS-1:0] g_reason_reg = {REASONS{1'b0}};    // one-hot: bit r for reason r
reg [31:0]        g_bytes_reg = 32'd0;

always @(posedge clk) begin
    g_valid_reg <= ev_valid;
    if (ev_valid) begin
        g_reason_reg <= {{REASONS-1{1'b0}}, 1'b1} << ev_reason;
        g_bytes_reg <= ev_bytes;
    end
    if (rst) begin
        g_valid_reg <= 1'b0;
    end
end

// each counter in a process of its own, reset first (cheaper to simulate than one process that
// loads them all and resets them a second time)
reg [CS-1:0] frames_cs_reg = {CS{1'b0}};
reg [CS-1:0] bytes_cs_reg = {CS{1'b0}};
reg [CS-1:0] balanced_cs_reg = {CS{1'b0}};
reg [CS-1:0] passed_cs_reg = {CS{1'b0}};

always @(posedge clk) begin
    if (rst) begin
        frames_cs_reg <= {CS{1'b0}};
    end else if (g_valid_reg) begin
        frames_cs_reg <= cs_add(frames_cs_reg, 32'd1);
    end
end

always @(posedge clk) begin
    if (rst) begin
        bytes_cs_reg <= {CS{1'b0}};
    end else if (g_valid_reg) begin
        bytes_cs_reg <= cs_add(bytes_cs_reg, g_bytes_reg);
    end
end

always @(posedge clk) begin
    if (rst) begin
        balanced_cs_reg <= {CS{1'b0}};
    end else if (g_valid_reg && g_reason_reg[REASON_BALANCED[3:0]]) begin
        balanced_cs_reg <= cs_add(balanced_cs_reg, 32'd1);
    end
end

always @(posedge clk) begin
    if (rst) begin
        passed_cs_reg <= {CS{1'b0}};
    end else if (g_valid_reg && !g_reason_reg[REASON_BALANCED[3:0]]) begin
        passed_cs_reg <= cs_add(passed_cs_reg, 32'd1);
    end
end

// reasons 1 .. REASONS-1 (reason 0 is BALANCED)
reg [CS*(REASONS-1)-1:0] reason_cs_reg = {CS*(REASONS-1){1'b0}};
integer r;

always @(posedge clk) begin
    if (rst) begin
        reason_cs_reg <= {CS*(REASONS-1){1'b0}};
    end else if (g_valid_reg) begin
        for (r = 1; r < REASONS; r = r + 1) begin
            if (g_reason_reg[r]) begin
                reason_cs_reg[CS*(r-1) +: CS] <= cs_add(reason_cs_reg[CS*(r-1) +: CS], 32'd1);
            end
        end
    end
end

wire [CS*GLOBALS-1:0] globals = {reason_cs_reg, {CS{1'b0}}, passed_cs_reg, balanced_cs_reg, bytes_cs_reg,
                                 frames_cs_reg};

// global counter idx (8-byte slots from REG_CNT_FRAMES_IN), carry-save
function [CS-1:0] global_cs;
    input [3:0]            idx;
    input [CS*GLOBALS-1:0] values;
    integer i;
    begin
        global_cs = {CS{1'b0}};
        for (i = 0; i < GLOBALS; i = i + 1) begin
            if ({28'd0, idx} == i) begin
                global_cs = values[CS*i +: CS];
            end
        end
    end
endfunction

/*
 * Per-VIP and per-backend counters {bytes, frames} of balanced frames, carry-save in block RAM
 * (l4lb_entry_counters). Backends are counted by entry index, whatever the table bank.
 */
wire balanced_ev = ev_valid && ev_reason == REASON_BALANCED[3:0];

reg                     h_re_reg = 1'b0;
reg                     h_global_reg = 1'b0;
reg                     h_vip_reg = 1'b0;
reg                     h_backend_reg = 1'b0;
reg                     h_high_reg = 1'b0;
reg                     h_bytes_reg = 1'b0;
reg [3:0]               h_global_idx_reg = 4'd0;

wire [2*CS-1:0] vip_entry;
wire            vip_written;
wire [2*CS-1:0] backend_entry;
wire            backend_written;
wire [2:0]      host_sel;

l4lb_entry_counters #(
    .COUNT(VIP_COUNT),
    .IDX_WIDTH(VIP_WIDTH)
)
vip_cnt_inst (
    .clk(clk),
    .rst(rst),
    .ev_valid(balanced_ev),
    .ev_idx(ev_vip),
    .ev_bytes(ev_bytes),
    .host_re(host_re),
    .host_sel(host_sel[1]),
    .host_idx(host_addr[VIP_SHIFT +: VIP_WIDTH]),
    .host_entry(vip_entry),
    .host_written(vip_written)
);

l4lb_entry_counters #(
    .COUNT(BACKEND_COUNT),
    .IDX_WIDTH(BACKEND_WIDTH)
)
backend_cnt_inst (
    .clk(clk),
    .rst(rst),
    .ev_valid(balanced_ev),
    .ev_idx(ev_backend),
    .ev_bytes(ev_bytes),
    .host_re(host_re),
    .host_sel(host_sel[0]),
    .host_idx(host_addr[BACKEND_SHIFT +: BACKEND_WIDTH]),
    .host_entry(backend_entry),
    .host_written(backend_written)
);

/*
 * Host reads: decode into registers (only on a request), then read the RAM or take the global
 * counter, then select the word: host_rdata is valid three cycles after host_re.
 */
// which counter an offset names: {global, vip, backend}
function [2:0] host_counter;
    input [31:0] addr;
    begin
        // the global counters sit in the 256-byte block at REG_CNT_FRAMES_IN
        host_counter[2] = addr[31:8] == REG_CNT_FRAMES_IN[31:8] && {27'd0, addr[7:3]} < GLOBALS_32;
        host_counter[1] = (addr & ~(VIP_COUNTERS_SPAN - 1)) == VIP_COUNTERS_BASE &&
                          ((addr & (VIP_COUNTERS_SPAN - 1)) >> VIP_SHIFT) < VIP_COUNT_32;
        host_counter[0] = (addr & ~(BACKEND_COUNTERS_SPAN - 1)) == BACKEND_COUNTERS_BASE &&
                          ((addr & (BACKEND_COUNTERS_SPAN - 1)) >> BACKEND_SHIFT) < BACKEND_COUNT_32;
    end
endfunction

assign host_sel = host_counter(host_addr);

reg                 r_mux_reg = 1'b0;
reg                 r_global_reg = 1'b0;
reg                 r_table_reg = 1'b0;     // a VIP or backend counter
reg                 r_backend_reg = 1'b0;
reg                 r_high_reg = 1'b0;
reg                 r_bytes_reg = 1'b0;
reg [CS-1:0]        r_global_cs_reg = {CS{1'b0}};

reg [31:0]          latch_reg = 32'd0;
reg [31:0]          host_rdata_reg = 32'd0;

assign host_rdata = host_rdata_reg;

// The read of a counter's low word, in the r_mux_reg load (functions, so that the simulator
// computes them only for a read): the low word resolved (the carry into bit 16 added), and the
// pieces of the high word for the latch, {seg3, seg2, carries into 48, 32 (two)}.
function [CS-1:0] r_cs;
    input            backend;
    input            bytes;
    input [2*CS-1:0] vip_e;
    input [2*CS-1:0] backend_e;
    reg [2*CS-1:0] e;
    begin
        e = backend ? backend_e : vip_e;
        r_cs = bytes ? e[2*CS-1:CS] : e[CS-1:0];
    end
endfunction

// one carry-save counter read: {seg3, seg2, carries into 48, 32 (two), low word resolved}
function [66:0] cs_read;
    input [CS-1:0] c;
    reg [16:0] mid;
    begin
        mid = {1'b0, c[31:16]} + {16'd0, c[64]};
        cs_read = {c[63:48], c[47:32], c[66], c[65], mid[16], mid[15:0], c[15:0]};
    end
endfunction

// (a global counter has its own add, so that its pick comes after the adds, not before them)
function [66:0] r_read;
    input          is_global;
    input [CS-1:0] g;
    input          written;
    input [CS-1:0] cs;
    begin
        if (is_global) begin
            r_read = cs_read(g);
        end else if (written) begin
            r_read = cs_read(cs);
        end else begin
            r_read = 67'd0;
        end
    end
endfunction

// the latch resolves over two cycles: bits 47:32, then 63:48
reg [15:0] l_seg2_reg = 16'd0, l_seg3_reg = 16'd0, l_seg3_d_reg = 16'd0, l_lo_reg = 16'd0;
reg        l_c32a_reg = 1'b0, l_c32b_reg = 1'b0, l_c48_reg = 1'b0, l_c48_d_reg = 1'b0, l_k_reg = 1'b0;
wire [16:0] l_lo_sum = {1'b0, l_seg2_reg} + {15'd0, l_c32a_reg & l_c32b_reg, l_c32a_reg ^ l_c32b_reg};
wire [15:0] l_hi_sum = l_seg3_d_reg + {14'd0, l_c48_d_reg & l_k_reg, l_c48_d_reg ^ l_k_reg};

// the latch moves in the two cycles after a low-word read only (it holds otherwise, as its
// inputs do)
reg [1:0] l_busy_reg = 2'b00;

always @(posedge clk) begin
    if (l_busy_reg != 2'b00) begin
        l_lo_reg <= l_lo_sum[15:0];
        l_k_reg <= l_lo_sum[16];
        l_seg3_d_reg <= l_seg3_reg;
        l_c48_d_reg <= l_c48_reg;
        latch_reg <= {l_hi_sum, l_lo_reg};
    end
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
        {h_global_reg, h_vip_reg, h_backend_reg} <= host_sel;
        h_high_reg <= host_addr[2];
        h_bytes_reg <= host_addr[3];
        h_global_idx_reg <= host_addr[6:3];
    end

    l_busy_reg <= {1'b0, l_busy_reg[1]};
    r_mux_reg <= h_re_reg;
    if (h_re_reg) begin
        r_global_reg <= h_global_reg;
        r_table_reg <= h_vip_reg || h_backend_reg;
        r_backend_reg <= h_backend_reg;
        r_high_reg <= h_high_reg;
        r_bytes_reg <= h_bytes_reg;
        r_global_cs_reg <= global_cs(h_global_idx_reg, globals);
    end

    if (r_mux_reg) begin
        host_rdata_reg <= 32'd0;
        if (r_global_reg || r_table_reg) begin
            if (r_high_reg) begin
                host_rdata_reg <= latch_reg;
            end else begin
                {l_seg3_reg, l_seg2_reg, l_c48_reg, l_c32b_reg, l_c32a_reg, host_rdata_reg} <=
                    r_read(r_global_reg, r_global_cs_reg, r_backend_reg ? backend_written : vip_written,
                           r_cs(r_backend_reg, r_bytes_reg, vip_entry, backend_entry));
                l_busy_reg <= 2'b11;
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
        l_busy_reg <= 2'b00;
    end
end

endmodule

`resetall
