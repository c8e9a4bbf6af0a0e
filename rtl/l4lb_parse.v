// l4lb: Ethernet/VLAN/IPv4/IPv6/L4 parse, rule checks and key extraction
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Parses the captured header (contract v2, rules 3-9; rule 1 by sampling CTRL.enable for this
 * frame; rules 2 and 10 need the frame length and are applied at the output). Stages, each a
 * register that moves with adv:
 *   s0      Ethernet with up to two VLAN tags (0x8100 / 0x88A8), the fixed IPv4 or IPv6 header;
 *           for IPv4 everything up to the L4 header offset (L2 + 4 * IHL)
 *   w1..wN  IPv6 extension headers (Hop-by-Hop, Routing, Destination Options, then one
 *           Fragment header), STEPS_PER_STAGE per stage: an extension header must start before
 *           byte WINDOW and lie within both the packet (L2 + 40 + payload length) and the
 *           captured bytes (hdr_len), which keeps every byte read inside the frame
 *   f       protocol, L4 checks, the header reason (first failed rule), the addresses, ports
 *           and checksums the lookup and the patch need
 * Addresses are 128-bit numbers, the first byte on the wire in the top bits; an IPv4 address
 * sits in [127:96] with the rest 0. Other fields are numbers in network byte order.
 */
module l4lb_parse #(
    // Longest frame the pipeline checks, in bytes
    parameter MAX_LEN = 9216,
    // Header bytes captured
    parameter HDR_BYTES = 192,
    // Extension headers and the L4 header must start before this byte
    parameter WINDOW = 128,
    // Walk stages (each STEPS_PER_STAGE extension headers)
    parameter WALK_STAGES = 5,
    parameter STEPS_PER_STAGE = 2
) (
    input  wire                    clk,
    input  wire                    rst,

    // pipeline advance
    input  wire                    adv,

    // control
    input  wire                    ctrl_enable,

    // header from capture (byte i at hdr_data[8*i +: 8])
    input  wire                    hdr_valid,
    input  wire [8*HDR_BYTES-1:0]  hdr_data,
    input  wire [7:0]              hdr_len,

    // parsed frame
    output wire                    out_valid,
    output wire                    out_disabled,   // CTRL.enable was 0 (rule 1)
    output wire [3:0]              out_reason,     // first failed rule of 3-9, 0 when none
    output wire                    out_ipv6,
    output wire                    out_fragment,   // MF or a fragment offset
    output wire                    out_later,      // non-zero fragment offset: no L4 header
    output wire                    out_udp,
    output wire [127:0]            out_src,
    output wire [127:0]            out_dst,
    output wire [15:0]             out_sport,      // 0 for a later fragment
    output wire [15:0]             out_dport,
    output wire [7:0]              out_proto,
    output wire [7:0]              out_l2,         // 14, 18 or 22
    output wire [7:0]              out_l4_csum_pos,
    output wire [15:0]             out_ip_csum,
    output wire [15:0]             out_l4_csum,
    output wire [16:0]             out_need_len    // bytes the packet ends at (L2 + IP length)
);

`include "l4lb_regmap.vh" // generated register map: this module uses only the reason codes

localparam [3:0] R_NONE = REASON_BALANCED[3:0];
localparam [3:0] R_NOT_IP = REASON_NOT_IP[3:0];
localparam [3:0] R_MALFORMED = REASON_MALFORMED[3:0];
localparam [3:0] R_NOT_TCP_UDP = REASON_NOT_TCP_UDP[3:0];
localparam [3:0] R_TOO_LONG = REASON_TOO_LONG[3:0];
localparam [3:0] R_TOO_DEEP = REASON_TOO_DEEP[3:0];

localparam integer MAX_LEN_INT = MAX_LEN;
localparam [16:0] MAX_LEN_17 = MAX_LEN_INT[16:0];
localparam integer WINDOW_INT = WINDOW;
localparam [15:0] WINDOW_16 = WINDOW_INT[15:0];

localparam HB = 8 * HDR_BYTES;

localparam [7:0] PROTO_TCP = 8'd6;
localparam [7:0] PROTO_UDP = 8'd17;
localparam [7:0] EXT_HOP_BY_HOP = 8'd0;
localparam [7:0] EXT_ROUTING = 8'd43;
localparam [7:0] EXT_FRAGMENT = 8'd44;
localparam [7:0] EXT_DEST_OPTS = 8'd60;

// walk state: {walking, reason[3:0], nh[7:0], off[15:0], fragment, later}
localparam WS_WIDTH = 1 + 4 + 8 + 16 + 1 + 1;
localparam WS_OFF_LSB = 2;      // off[7:0] in the walk state

// Byte i of a header vector h, picked in place. (A function taking the 1,536-bit header as an
// argument would be copied at every call in Verilator's C++: that made the parse the slowest
// part of the simulation.)
`define L4LB_HDR_BYTE(h, i) h[8*(i) +: 8]

function is_ext;
    input [7:0] nh;
    begin
        is_ext = nh == EXT_HOP_BY_HOP || nh == EXT_ROUTING || nh == EXT_DEST_OPTS;
    end
endfunction

// one extension header step
function [WS_WIDTH-1:0] walk_step;
    input [WS_WIDTH-1:0] st;
    input [31:0]         at4;      // the four header bytes at the state's offset, first in [7:0]
    input [7:0]          len;
    input [16:0]         pkt_end;
    reg        walking;
    reg [3:0]  reason;
    reg [7:0]  nh;
    reg [15:0] off;
    reg        frag;
    reg        later;
    reg [15:0] need;
    // Fragment header bytes 2-3: offset [15:3], reserved [2:1], M [0]
    /* verilator lint_off UNUSEDSIGNAL */ reg [15:0] fo; /* verilator lint_on UNUSEDSIGNAL */ // reserved bits [2:1] are not used
    begin
        {walking, reason, nh, off, frag, later} = st;
        need = off + (nh == EXT_FRAGMENT ? 16'd8 : 16'd2);
        fo = {at4[23:16], at4[31:24]};
        if (walking) begin
            if (is_ext(nh) || nh == EXT_FRAGMENT) begin
                if (off >= WINDOW_16) begin
                    reason = R_TOO_DEEP;
                    walking = 1'b0;
                end else if ({1'b0, need} > pkt_end || need > {8'd0, len}) begin
                    reason = R_MALFORMED;
                    walking = 1'b0;
                end else if (nh == EXT_FRAGMENT) begin
                    later = fo[15:3] != 13'd0;
                    frag = fo[15:3] != 13'd0 || fo[0];
                    nh = at4[7:0];
                    off = off + 16'd8;
                    walking = 1'b0;
                end else begin
                    nh = at4[7:0];
                    off = off + {5'd0, at4[15:8], 3'd0} + 16'd8;
                end
            end else begin
                walking = 1'b0;
            end
        end
        walk_step = {walking, reason, nh, off, frag, later};
    end
endfunction

/*
 * s0: L2, the fixed IP header
 */
wire [15:0] et_12 = {`L4LB_HDR_BYTE(hdr_data, 8'd12), `L4LB_HDR_BYTE(hdr_data, 8'd13)};
wire [15:0] et_16 = {`L4LB_HDR_BYTE(hdr_data, 8'd16), `L4LB_HDR_BYTE(hdr_data, 8'd17)};
wire [15:0] et_20 = {`L4LB_HDR_BYTE(hdr_data, 8'd20), `L4LB_HDR_BYTE(hdr_data, 8'd21)};
wire tag_1 = et_12 == 16'h8100 || et_12 == 16'h88A8;
wire tag_2 = tag_1 && (et_16 == 16'h8100 || et_16 == 16'h88A8);
wire [7:0] l2 = tag_2 ? 8'd22 : tag_1 ? 8'd18 : 8'd14;
wire [15:0] et = tag_2 ? et_20 : tag_1 ? et_16 : et_12;
wire l2_cut = hdr_len < 8'd14 || (tag_1 && hdr_len < 8'd18) || (tag_2 && hdr_len < 8'd22);
wire is_v4 = et == 16'h0800;
wire is_v6 = et == 16'h86DD;

wire [7:0]  ip0 = `L4LB_HDR_BYTE(hdr_data, l2);
wire [15:0] ip_len = {`L4LB_HDR_BYTE(hdr_data, l2 + 8'd2), `L4LB_HDR_BYTE(hdr_data, l2 + 8'd3)};   // v4 TL
wire [15:0] ip_frag = {`L4LB_HDR_BYTE(hdr_data, l2 + 8'd6), `L4LB_HDR_BYTE(hdr_data, l2 + 8'd7)};
wire [7:0]  ip_proto = `L4LB_HDR_BYTE(hdr_data, l2 + 8'd9);
wire [15:0] v6_plen = {`L4LB_HDR_BYTE(hdr_data, l2 + 8'd4), `L4LB_HDR_BYTE(hdr_data, l2 + 8'd5)};
wire [7:0]  v6_nh = `L4LB_HDR_BYTE(hdr_data, l2 + 8'd6);

wire [15:0] v4_hlen = {10'd0, ip0[3:0], 2'd0};
wire        v4_later = ip_frag[12:0] != 13'd0;
wire        v4_frag = v4_later || ip_frag[13];
wire [15:0] v4_l4_min = v4_later ? 16'd0 : (ip_proto == PROTO_UDP ? 16'd8 : 16'd20);

reg [3:0]  s0_reason;
reg [16:0] s0_need_len;
always @* begin
    s0_reason = R_NONE;
    s0_need_len = 17'd0;
    if (l2_cut || (!is_v4 && !is_v6)) begin
        s0_reason = R_NOT_IP;
    end else if (is_v4) begin
        s0_need_len = {9'd0, l2} + {1'b0, ip_len};
        if (hdr_len < l2 + 8'd20 || ip0[7:4] != 4'd4 || ip0[3:0] < 4'd5) begin
            s0_reason = R_MALFORMED;
        end
    end else begin
        s0_need_len = {9'd0, l2} + 17'd40 + {1'b0, v6_plen};
        if (hdr_len < l2 + 8'd40 || ip0[7:4] != 4'd6) begin
            s0_reason = R_MALFORMED;
        end
    end
end

reg                s0_valid_reg = 1'b0;
reg                s0_disabled_reg = 1'b0;
reg [HB-1:0]       s0_hdr_reg = {HB{1'b0}};
reg [7:0]          s0_len_reg = 8'd0;
reg [7:0]          s0_l2_reg = 8'd0;
reg                s0_ipv6_reg = 1'b0;
reg [16:0]         s0_need_len_reg = 17'd0;
reg                s0_tl_bad_reg = 1'b0;     // IPv4: total length below header + L4 header
reg [WS_WIDTH-1:0] s0_ws_reg = {WS_WIDTH{1'b0}};

always @(posedge clk) begin
    if (adv) begin
        s0_valid_reg <= hdr_valid;
        if (hdr_valid) begin
            s0_disabled_reg <= !ctrl_enable;
            s0_hdr_reg <= hdr_data;
            s0_len_reg <= hdr_len;
            s0_l2_reg <= l2;
            s0_ipv6_reg <= is_v6;
            s0_need_len_reg <= s0_need_len;
            s0_tl_bad_reg <= ip_len < v4_hlen + v4_l4_min;
            if (is_v6) begin
                s0_ws_reg <= {s0_reason == R_NONE, s0_reason, v6_nh, {8'd0, l2} + 16'd40,
                              1'b0, 1'b0};
            end else begin
                s0_ws_reg <= {1'b0, s0_reason, ip_proto, {8'd0, l2} + v4_hlen, v4_frag,
                              v4_later};
            end
        end
    end

    if (rst) begin
        s0_valid_reg <= 1'b0;
    end
end

/*
 * w1..wN: IPv6 extension headers
 */
wire                            wk_valid [0:WALK_STAGES];
wire                            wk_disabled [0:WALK_STAGES];
wire [HB-1:0]                   wk_hdr [0:WALK_STAGES];
wire [7:0]                      wk_len [0:WALK_STAGES];
wire [7:0]                      wk_l2 [0:WALK_STAGES];
wire                            wk_ipv6 [0:WALK_STAGES];
wire [16:0]                     wk_need_len [0:WALK_STAGES];
wire                            wk_tl_bad [0:WALK_STAGES];
wire [WS_WIDTH-1:0]             wk_ws [0:WALK_STAGES];

assign wk_valid[0] = s0_valid_reg;
assign wk_disabled[0] = s0_disabled_reg;
assign wk_hdr[0] = s0_hdr_reg;
assign wk_len[0] = s0_len_reg;
assign wk_l2[0] = s0_l2_reg;
assign wk_ipv6[0] = s0_ipv6_reg;
assign wk_need_len[0] = s0_need_len_reg;
assign wk_tl_bad[0] = s0_tl_bad_reg;
assign wk_ws[0] = s0_ws_reg;

genvar g;
generate
    for (g = 0; g < WALK_STAGES; g = g + 1) begin : walk
        reg                valid_reg = 1'b0;
        reg                disabled_reg = 1'b0;
        reg [HB-1:0]       hdr_reg = {HB{1'b0}};
        reg [7:0]          len_reg = 8'd0;
        reg [7:0]          l2_reg = 8'd0;
        reg                ipv6_reg = 1'b0;
        reg [16:0]         need_len_reg = 17'd0;
        reg                tl_bad_reg = 1'b0;
        reg [WS_WIDTH-1:0] ws_reg = {WS_WIDTH{1'b0}};

        wire [HB-1:0] hdr = wk_hdr[g];
        reg [WS_WIDTH-1:0] ws;
        integer k;
        always @* begin
            ws = wk_ws[g];
            for (k = 0; k < STEPS_PER_STAGE; k = k + 1) begin
                ws = walk_step(ws, hdr[8*ws[WS_OFF_LSB +: 8] +: 32], wk_len[g], wk_need_len[g]);
            end
        end

        always @(posedge clk) begin
            if (adv) begin
                valid_reg <= wk_valid[g];
                disabled_reg <= wk_disabled[g];
                hdr_reg <= wk_hdr[g];
                len_reg <= wk_len[g];
                l2_reg <= wk_l2[g];
                ipv6_reg <= wk_ipv6[g];
                need_len_reg <= wk_need_len[g];
                tl_bad_reg <= wk_tl_bad[g];
                ws_reg <= ws;
            end
            if (rst) begin
                valid_reg <= 1'b0;
            end
        end

        assign wk_valid[g+1] = valid_reg;
        assign wk_disabled[g+1] = disabled_reg;
        assign wk_hdr[g+1] = hdr_reg;
        assign wk_len[g+1] = len_reg;
        assign wk_l2[g+1] = l2_reg;
        assign wk_ipv6[g+1] = ipv6_reg;
        assign wk_need_len[g+1] = need_len_reg;
        assign wk_tl_bad[g+1] = tl_bad_reg;
        assign wk_ws[g+1] = ws_reg;
    end
endgenerate

/*
 * f: protocol, L4 checks, extraction
 */
wire [HB-1:0] f_hdr = wk_hdr[WALK_STAGES];
wire [7:0]    f_l2 = wk_l2[WALK_STAGES];
wire          f_ipv6 = wk_ipv6[WALK_STAGES];
wire [16:0]   f_need_len = wk_need_len[WALK_STAGES];
wire          f_walking;
wire [3:0]    f_ws_reason;
wire [7:0]    f_nh;
wire [15:0]   f_off;
wire          f_frag;
wire          f_later;
assign {f_walking, f_ws_reason, f_nh, f_off, f_frag, f_later} = wk_ws[WALK_STAGES];

wire        f_udp = f_nh == PROTO_UDP;
wire        f_tcp = f_nh == PROTO_TCP;
wire [15:0] f_l4_min = f_udp ? 16'd8 : 16'd20;

reg [3:0] f_reason;
always @* begin
    if (f_ws_reason != R_NONE) begin
        f_reason = f_ws_reason;
    end else if (f_walking && (is_ext(f_nh) || f_nh == EXT_FRAGMENT)) begin
        // an extension header after the last walk step: it starts past the window
        f_reason = R_TOO_DEEP;
    end else if (!f_tcp && !f_udp) begin
        f_reason = R_NOT_TCP_UDP;
    end else if (f_ipv6 && !f_later && f_off >= WINDOW_16) begin
        f_reason = R_TOO_DEEP;
    end else if (f_ipv6 && !f_later && {1'b0, f_off + f_l4_min} > f_need_len) begin
        f_reason = R_MALFORMED;
    end else if (!f_ipv6 && wk_tl_bad[WALK_STAGES]) begin
        f_reason = R_MALFORMED;
    end else if (f_need_len > MAX_LEN_17) begin
        f_reason = R_TOO_LONG;
    end else begin
        f_reason = R_NONE;
    end
end

// the addresses, first byte in the top bits (an IPv4 address in [127:96], the rest 0)
wire [7:0]   src_at = f_l2 + (f_ipv6 ? 8'd8 : 8'd12);
wire [7:0]   dst_at = f_l2 + (f_ipv6 ? 8'd24 : 8'd16);
wire [127:0] f_src;
wire [127:0] f_dst;
genvar ga;
generate
    for (ga = 0; ga < 16; ga = ga + 1) begin : addr
        if (ga < 4) begin : v4
            assign f_src[127 - 8*ga -: 8] = `L4LB_HDR_BYTE(f_hdr, src_at + ga);
            assign f_dst[127 - 8*ga -: 8] = `L4LB_HDR_BYTE(f_hdr, dst_at + ga);
        end else begin : v6
            assign f_src[127 - 8*ga -: 8] = f_ipv6 ? `L4LB_HDR_BYTE(f_hdr, src_at + ga) : 8'd0;
            assign f_dst[127 - 8*ga -: 8] = f_ipv6 ? `L4LB_HDR_BYTE(f_hdr, dst_at + ga) : 8'd0;
        end
    end
endgenerate

// the L4 header is read at offsets below WINDOW (a later offset has a reason already)
wire [7:0] l4 = {1'b0, f_off[6:0]};
wire [7:0] l4_csum_pos = l4 + (f_udp ? 8'd6 : 8'd16);

reg          valid_reg = 1'b0;
reg          disabled_reg = 1'b0;
reg [3:0]    reason_reg = 4'd0;
reg          ipv6_reg = 1'b0;
reg          fragment_reg = 1'b0;
reg          later_reg = 1'b0;
reg          udp_reg = 1'b0;
reg [127:0]  src_reg = 128'd0;
reg [127:0]  dst_reg = 128'd0;
reg [15:0]   sport_reg = 16'd0;
reg [15:0]   dport_reg = 16'd0;
reg [7:0]    proto_reg = 8'd0;
reg [7:0]    l2_reg = 8'd0;
reg [7:0]    l4_csum_pos_reg = 8'd0;
reg [15:0]   ip_csum_reg = 16'd0;
reg [15:0]   l4_csum_reg = 16'd0;
reg [16:0]   need_len_reg = 17'd0;

assign out_valid = valid_reg;
assign out_disabled = disabled_reg;
assign out_reason = reason_reg;
assign out_ipv6 = ipv6_reg;
assign out_fragment = fragment_reg;
assign out_later = later_reg;
assign out_udp = udp_reg;
assign out_src = src_reg;
assign out_dst = dst_reg;
assign out_sport = sport_reg;
assign out_dport = dport_reg;
assign out_proto = proto_reg;
assign out_l2 = l2_reg;
assign out_l4_csum_pos = l4_csum_pos_reg;
assign out_ip_csum = ip_csum_reg;
assign out_l4_csum = l4_csum_reg;
assign out_need_len = need_len_reg;

always @(posedge clk) begin
    if (adv) begin
        valid_reg <= wk_valid[WALK_STAGES];
        disabled_reg <= wk_disabled[WALK_STAGES];
        reason_reg <= f_reason;
        ipv6_reg <= f_ipv6;
        fragment_reg <= f_frag;
        later_reg <= f_later;
        udp_reg <= f_udp;
        src_reg <= f_src;
        dst_reg <= f_dst;
        sport_reg <= f_later ? 16'd0 : {`L4LB_HDR_BYTE(f_hdr, l4), `L4LB_HDR_BYTE(f_hdr, l4 + 8'd1)};
        dport_reg <= f_later ? 16'd0 : {`L4LB_HDR_BYTE(f_hdr, l4 + 8'd2), `L4LB_HDR_BYTE(f_hdr, l4 + 8'd3)};
        proto_reg <= f_nh;
        l2_reg <= f_l2;
        l4_csum_pos_reg <= l4_csum_pos;
        ip_csum_reg <= {`L4LB_HDR_BYTE(f_hdr, f_l2 + 8'd10), `L4LB_HDR_BYTE(f_hdr, f_l2 + 8'd11)};
        l4_csum_reg <= {`L4LB_HDR_BYTE(f_hdr, l4_csum_pos), `L4LB_HDR_BYTE(f_hdr, l4_csum_pos + 8'd1)};
        need_len_reg <= f_need_len;
    end

    if (rst) begin
        valid_reg <= 1'b0;
    end
end

// bytes no rule looks at (DF and the reserved flag; the Fragment header's reserved bits)
wire _unused_ok = &{1'b0, wk_len[WALK_STAGES], f_off[15:7], ip_frag[15:14], 1'b0};

endmodule

`undef L4LB_HDR_BYTE

`resetall
