// l4lb: output stage, final decision per frame, patch application, output register, count events
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Two register stages after the delay line, both moving with adv:
 *  - q: when a frame's first beat leaves the delay line, its length record and patch record are
 *    popped and the final reason decided (DISABLED > BAD_FRAME (len <= MAX_LEN only) > header
 *    reason > MALFORMED when need_len > len (len <= MAX_LEN only) > NO_VIP / NO_BACKEND >
 *    BALANCED). The patch record is expanded into HDR_BYTES header bytes and a mask, shifted by one
 *    beat per beat, and applied when the frame is balanced.
 *  - m: the AXI stream output register; header bytes under the mask are replaced.
 * When a frame's last beat enters the output register, an event {reason, vip, bytes} goes to the
 * counters two cycles later (bytes counted beat by beat in 16-bit halves, so frames longer than
 * MAX_LEN count their full length; the second cycle adds the halves' carries).
 */
module l4lb_output #(
    // Width of the AXI stream data in bits
    parameter DATA_WIDTH = 512,
    // Width of tkeep
    parameter KEEP_WIDTH = DATA_WIDTH/8,
    // Width of tuser
    parameter USER_WIDTH = 1,
    // Width of a frame length field
    parameter LEN_WIDTH = 14,
    // Width of a VIP index
    parameter VIP_WIDTH = 8,
    // Header bytes the patch may touch (multiple of the beat)
    parameter HDR_BYTES = 192
) (
    input  wire                  clk,
    input  wire                  rst,

    // pipeline advance
    input  wire                  adv,

    // delay line output
    input  wire                  dl_valid,
    input  wire [DATA_WIDTH-1:0] dl_data,
    input  wire [KEEP_WIDTH-1:0] dl_keep,
    input  wire                  dl_last,
    input  wire [USER_WIDTH-1:0] dl_user,

    // length FIFO head
    input  wire                  lf_valid,
    input  wire [LEN_WIDTH-1:0]  lf_len,
    input  wire                  lf_bad,
    input  wire                  lf_over,
    output wire                  lf_rd,

    // patch FIFO head
    input  wire                  pf_valid,
    input  wire                  pf_disabled,
    input  wire [3:0]            pf_hdr_reason,
    input  wire [3:0]            pf_lookup_reason,
    input  wire [LEN_WIDTH-1:0]  pf_need_len,
    input  wire [VIP_WIDTH-1:0]  pf_vip,       // what the frame is counted under (to ev_vip)
    input  wire                  pf_ipv6,
    input  wire                  pf_l4_en,
    input  wire [7:0]            pf_l2,
    input  wire [7:0]            pf_l4_csum_pos,
    input  wire                  pf_mac_valid,
    input  wire [47:0]           pf_mac,
    input  wire [127:0]          pf_ip,
    input  wire [15:0]           pf_ip_csum,
    input  wire [15:0]           pf_l4_csum,
    output wire                  pf_rd,

    // output stream
    output reg  [DATA_WIDTH-1:0] m_axis_tdata = {DATA_WIDTH{1'b0}},
    output wire [KEEP_WIDTH-1:0] m_axis_tkeep,
    output wire                  m_axis_tvalid,
    input  wire                  m_axis_tready,
    output wire                  m_axis_tlast,
    output wire [USER_WIDTH-1:0] m_axis_tuser,
    output wire                  m_axis_tdest,

    // count event, one per frame
    output wire                  ev_valid,
    output wire [3:0]            ev_reason,
    output wire [VIP_WIDTH-1:0]  ev_vip,
    output wire [31:0]           ev_bytes
);

`include "l4lb_regmap.vh" // generated register map: this module uses only the reason codes

localparam BYTES = KEEP_WIDTH;
localparam HB = 8 * HDR_BYTES;
localparam HDR_BEATS = HDR_BYTES / BYTES;
localparam HB_IDX = HDR_BEATS > 1 ? $clog2(HDR_BEATS) : 1;
localparam integer LAST_HB_INT = HDR_BEATS - 1;
localparam [HB_IDX-1:0] LAST_HB = LAST_HB_INT[HB_IDX-1:0];
localparam CNT_WIDTH = $clog2(BYTES+1);
localparam integer BYTES_INT = BYTES;
localparam [CNT_WIDTH-1:0] BYTES_CNT = BYTES_INT[CNT_WIDTH-1:0];

localparam [3:0] R_DISABLED = REASON_DISABLED[3:0];
localparam [3:0] R_BAD_FRAME = REASON_BAD_FRAME[3:0];
localparam [3:0] R_MALFORMED = REASON_MALFORMED[3:0];
localparam [3:0] R_NONE = REASON_BALANCED[3:0];

// a frame is under way at the delay line output: its next beat is not a first beat
reg                  dl_in_frame_reg = 1'b0;

reg                  q_valid_reg = 1'b0;
reg [DATA_WIDTH-1:0] q_data_reg = {DATA_WIDTH{1'b0}};
reg [KEEP_WIDTH-1:0] q_keep_reg = {KEEP_WIDTH{1'b0}};
reg                  q_last_reg = 1'b0;
reg [USER_WIDTH-1:0] q_user_reg = {USER_WIDTH{1'b0}};
reg                  q_first_reg = 1'b0;      // first beat of its frame
reg [CNT_WIDTH-1:0]  q_bytes_reg = {CNT_WIDTH{1'b0}};  // bytes in this beat, if it is the last
// bytes of the frame before the beat in q, in two 16-bit halves: the high half lags by one beat
// (frame_carry_reg is still to be added to it), so that no carry chain is longer than 16 bits
reg [15:0]           frame_lo_reg = 16'd0;
reg [15:0]           frame_hi_reg = 16'd0;
reg                  frame_carry_reg = 1'b0;

// frame in q: decision and patch (the frame's HDR_BYTES header bytes, byte i at bits 8 i); the
// patch stays put while the frame's beats pass, and fr_beat_reg picks the beat's part of it
reg                  fr_balanced_reg = 1'b0;
reg [3:0]            fr_reason_reg = 4'd0;
reg [VIP_WIDTH-1:0]  fr_vip_reg = {VIP_WIDTH{1'b0}};
reg [HB-1:0]         fr_value_reg = {HB{1'b0}};
reg [HB-1:0]         fr_mask_reg = {HB{1'b0}};
reg                  fr_hdr_reg = 1'b0;       // the beat in q is one of its frame's first HDR_BEATS
reg [HB_IDX-1:0]     fr_beat_reg = {HB_IDX{1'b0}};  // and this one of them

reg                  m_valid_reg = 1'b0;
reg [KEEP_WIDTH-1:0] m_keep_reg = {KEEP_WIDTH{1'b0}};
reg                  m_last_reg = 1'b0;
reg [USER_WIDTH-1:0] m_user_reg = {USER_WIDTH{1'b0}};
reg                  m_dest_reg = 1'b0;

// count event in two stages: a) the frame's last beat has left q, its byte count in halves;
// b) the halves added up
reg                  ev_a_valid_reg = 1'b0;
reg [3:0]            ev_a_reason_reg = 4'd0;
reg [VIP_WIDTH-1:0]  ev_a_vip_reg = {VIP_WIDTH{1'b0}};
reg [15:0]           ev_a_lo_reg = 16'd0;
reg [15:0]           ev_a_hi_reg = 16'd0;
reg [1:0]            ev_a_carry_reg = 2'd0;

reg                  ev_valid_reg = 1'b0;
reg [3:0]            ev_reason_reg = 4'd0;
reg [VIP_WIDTH-1:0]  ev_vip_reg = {VIP_WIDTH{1'b0}};
reg [31:0]           ev_bytes_reg = 32'd0;

assign m_axis_tkeep = m_keep_reg;
assign m_axis_tvalid = m_valid_reg;
assign m_axis_tlast = m_last_reg;
assign m_axis_tuser = m_user_reg;
assign m_axis_tdest = m_dest_reg;

assign ev_valid = ev_valid_reg;
assign ev_reason = ev_reason_reg;
assign ev_vip = ev_vip_reg;
assign ev_bytes = ev_bytes_reg;

wire first = dl_valid && !dl_in_frame_reg;
wire pop = adv && first;

assign lf_rd = pop;
assign pf_rd = pop;

// final reason, from the two records at the FIFO heads
reg [3:0] reason;
always @* begin
    if (pf_disabled) begin
        reason = R_DISABLED;
    end else if (!lf_over && lf_bad) begin
        reason = R_BAD_FRAME;
    end else if (pf_hdr_reason != R_NONE) begin
        reason = pf_hdr_reason;
    end else if (!lf_over && pf_need_len > lf_len) begin
        reason = R_MALFORMED;
    end else begin
        reason = pf_lookup_reason;
    end
end

wire balanced = reason == R_NONE;

// bytes in the last beat of a frame: keep_count(tkeep)
`include "l4lb_keep_count.vh"

initial begin
    if (HDR_BYTES < 64 || HDR_BYTES > 257 || HDR_BYTES % KEEP_WIDTH != 0) begin
`ifdef SYNTHESIS
        $display("Error: HDR_BYTES must be 64..257 and a multiple of the beat (instance %m)");
`else
        $error("Error: HDR_BYTES must be 64..257 and a multiple of the beat (instance %m)");
`endif
        $finish;
    end
end

// HDR_BYTES header bytes of the patch of a balanced frame: destination MAC (when the backend has
// one), IPv4 header checksum (L2 + 10), destination address (IPv4 at L2 + 16, IPv6 at L2 + 24),
// TCP or UDP checksum at l4_pos (unless a later fragment). Byte i at bits [8*i +: 8]; fields in
// wire order, first byte in the low bits. Called once with the field values (the patch) and once
// with all-ones fields (its mask).
// The fields go to constant positions picked by compares, and the L4 checksum is shifted two
// bits of l4_pos at a time (a 4:1 multiplexer per bit and step), each step only as wide as the
// bits it can reach: the same logic as shifting the whole header, much less work to simulate.
localparam L4_STEP3 = 8 * (2 + 3 + 12 + 48);   // the field after the first three steps: 65 bytes
function [HB-1:0] place;
    input         ipv6;
    input         l4_en;
    input [7:0]   l2;
    input [7:0]   l4_pos;
    input         mac_valid;
    input [47:0]  mac;
    input [127:0] ip;
    input [15:0]  ip_csum;
    input [15:0]  l4_csum;
    reg [HB-1:0]  bytes;
    reg [39:0]    l4_a;                 // after the shift by l4_pos[1:0] bytes (0..3)
    reg [135:0]   l4_b;                 // after l4_pos[3:2] (0..12 bytes)
    reg [L4_STEP3-1:0] l4_c;            // after l4_pos[5:4] (0..48 bytes)
    /* verilator lint_off UNUSEDSIGNAL */ reg [3*512+L4_STEP3-1:0] l4_d; /* verilator lint_on UNUSEDSIGNAL */ // after l4_pos[7:6] (0..192 bytes); bits past the header are dropped
    integer l, k;
    begin
        bytes = {HB{1'b0}};
        if (mac_valid) begin
            bytes[0 +: 48] = mac;
        end
        // L2 is 14, 18 or 22
        for (l = 14; l <= 22; l = l + 4) begin
            if (l2 == l[7:0]) begin
                if (ipv6) begin
                    bytes[8 * (l + 24) +: 128] = ip;
                end else begin
                    bytes[8 * (l + 16) +: 32] = ip[31:0];
                    bytes[8 * (l + 10) +: 16] = ip_csum;
                end
            end
        end
        if (l4_en) begin
            l4_a = {24'd0, l4_csum} << (8 * l4_pos[1:0]);
            l4_b = {96'd0, l4_a} << (32 * l4_pos[3:2]);
            l4_c = {{L4_STEP3-136{1'b0}}, l4_b} << (128 * l4_pos[5:4]);
            l4_d = {3*512+L4_STEP3{1'b0}};
            for (k = 0; k < 4; k = k + 1) begin
                if (l4_pos[7:6] == k[1:0]) begin
                    l4_d[512 * k +: L4_STEP3] = l4_c;
                end
            end
            bytes = bytes | l4_d[HB-1:0];
        end
        place = bytes;
    end
endfunction

// address bytes in wire order, first byte in the low bits
function [127:0] wire_ip;
    input [127:0] ip;
    integer i;
    begin
        for (i = 0; i < 16; i = i + 1) begin
            wire_ip[8*i +: 8] = ip[127 - 8*i -: 8];
        end
    end
endfunction

// bytes of the frame up to and including the beat in q: (frame_hi + frame_c) << 16 + frame_lo
wire [CNT_WIDTH-1:0] q_bytes = q_last_reg ? q_bytes_reg : BYTES_CNT;
wire [16:0] frame_lo = {1'b0, q_first_reg ? 16'd0 : frame_lo_reg} + {{17-CNT_WIDTH{1'b0}}, q_bytes};
wire [15:0] frame_hi = q_first_reg ? 16'd0 : frame_hi_reg;
wire [1:0]  frame_c = {1'b0, !q_first_reg && frame_carry_reg} + {1'b0, frame_lo[16]};

// the beat's part of the patch (the value is zero outside the mask)
wire [DATA_WIDTH-1:0] patch_value = fr_value_reg[fr_beat_reg * DATA_WIDTH +: DATA_WIDTH];
wire [DATA_WIDTH-1:0] patch_mask = fr_mask_reg[fr_beat_reg * DATA_WIDTH +: DATA_WIDTH];

always @(posedge clk) begin
    ev_a_valid_reg <= 1'b0;

    // count event, second stage (every cycle: an event lasts one cycle in each stage)
    ev_valid_reg <= ev_a_valid_reg;
    if (ev_a_valid_reg) begin
        ev_reason_reg <= ev_a_reason_reg;
        ev_vip_reg <= ev_a_vip_reg;
        ev_bytes_reg <= {ev_a_hi_reg + {14'd0, ev_a_carry_reg}, ev_a_lo_reg};
    end

    if (adv) begin
        // delay line -> q
        q_valid_reg <= dl_valid;
        q_data_reg <= dl_data;
        q_keep_reg <= dl_keep;
        q_last_reg <= dl_last;
        q_user_reg <= dl_user;
        q_first_reg <= first;
        // counted at a frame's last beat only (a full beat's count is a constant)
        if (dl_last) begin
            q_bytes_reg <= keep_count(dl_keep);
        end
        if (dl_valid) begin
            dl_in_frame_reg <= !dl_last;
        end

        if (first) begin
            fr_balanced_reg <= balanced;
            fr_reason_reg <= reason;
            fr_vip_reg <= pf_vip;
            // applied only when balanced (see patch_mask), which keeps the decision off this path
            fr_value_reg <= place(pf_ipv6, pf_l4_en, pf_l2, pf_l4_csum_pos, pf_mac_valid,
                                  {pf_mac[7:0], pf_mac[15:8], pf_mac[23:16], pf_mac[31:24],
                                   pf_mac[39:32], pf_mac[47:40]},
                                  wire_ip(pf_ip), {pf_ip_csum[7:0], pf_ip_csum[15:8]},
                                  {pf_l4_csum[7:0], pf_l4_csum[15:8]});
            fr_mask_reg <= place(pf_ipv6, pf_l4_en, pf_l2, pf_l4_csum_pos, pf_mac_valid,
                                 {48{1'b1}}, {128{1'b1}}, 16'hFFFF, 16'hFFFF);
            fr_hdr_reg <= 1'b1;
            fr_beat_reg <= {HB_IDX{1'b0}};
        end else if (dl_valid && fr_hdr_reg) begin
            if (fr_beat_reg == LAST_HB) begin
                fr_hdr_reg <= 1'b0;
            end else begin
                fr_beat_reg <= fr_beat_reg + 1'b1;
            end
        end

        // q -> output register: a balanced frame's header beats patched (applied only when
        // balanced, which keeps the decision off the patch's path)
        m_valid_reg <= q_valid_reg;
        if (fr_balanced_reg && fr_hdr_reg) begin
            m_axis_tdata <= (q_data_reg & ~patch_mask) | patch_value;
        end else begin
            m_axis_tdata <= q_data_reg;
        end
        m_keep_reg <= q_keep_reg;
        m_last_reg <= q_last_reg;
        m_user_reg <= q_user_reg;
        m_dest_reg <= fr_balanced_reg;

        if (q_valid_reg) begin
            frame_lo_reg <= frame_lo[15:0];
            frame_hi_reg <= frame_hi + {15'd0, !q_first_reg && frame_carry_reg};
            frame_carry_reg <= frame_lo[16];
        end
        if (q_valid_reg && q_last_reg) begin
            ev_a_valid_reg <= 1'b1;
            ev_a_reason_reg <= fr_reason_reg;
            ev_a_vip_reg <= fr_vip_reg;
            ev_a_lo_reg <= frame_lo[15:0];
            ev_a_hi_reg <= frame_hi;
            ev_a_carry_reg <= frame_c;
        end
    end else if (m_axis_tready) begin
        m_valid_reg <= 1'b0;
    end

    if (rst) begin
        dl_in_frame_reg <= 1'b0;
        q_valid_reg <= 1'b0;
        fr_balanced_reg <= 1'b0;
        fr_hdr_reg <= 1'b0;
        m_valid_reg <= 1'b0;
        ev_a_valid_reg <= 1'b0;
        ev_valid_reg <= 1'b0;
    end
end

`ifndef SYNTHESIS
// the pipeline is sized so that both records of a frame are ready when its first beat is
always @(posedge clk) begin
    if (!rst && pop && (!lf_valid || !pf_valid)) begin
        $display("%m: error: frame records not ready at the output (length %b, patch %b)",
                 lf_valid, pf_valid);
    end
end
`endif

endmodule

`resetall
