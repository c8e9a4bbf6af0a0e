// l4lb: Ethernet/VLAN/IPv4/IPv6/L4 parse, rule checks and key extraction
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Parses the captured header (contract v2, rules 3-9; rule 1 by sampling CTRL.enable for this
 * frame; rules 2 and 10 need the frame length and are applied at the output).
 *
 * L2 is 14, 18 or 22 bytes (up to two VLAN tags), so every field is one of three fixed bytes
 * picked by the tags, never a byte at a computed offset. IPv6 extension headers (Hop-by-Hop,
 * Routing, Destination Options, then one Fragment header) start at L2 + 40 + 8k; one that
 * starts at or past byte WINDOW is rule 6, so only k < NPOS (10 for WINDOW 128) can be walked.
 * The walk is a table over nodes: node 0 is the fixed IPv6 header, node k + 1 the extension
 * header at position k. Each node knows, from its own bytes, where the next header starts
 * (position j) and whether the walk moves there (the next header is Hop-by-Hop, Routing or
 * Destination Options, starts before WINDOW and lies within the packet, L2 + 40 + payload
 * length, and within the captured bytes, hdr_len); if not, the node is where the walk stops.
 * The walk only moves forward, so the stopping node is the successor table applied 16 times
 * (>= NPOS + 1 moves), done by squaring the table. Stages, each a register that moves with adv:
 *   s0  tags and L2, the fixed IP header's fields and checks at the three L2 candidates; for
 *       every position k: whether an extension (+2) or a Fragment header (+8) there lies within
 *       the packet and the capture, and the payload-length compares of the L4 rules
 *   t   the node table (next header byte, position j, moves or stops), Fragment header flags
 *       per position, the IPv4 total length check, need_len's low byte (the high byte in d1)
 *   d1  successor table squared twice (4 moves)
 *   d2  squared once more, the node the walk stops at (16 moves)
 *   e   the walk's outcome at that node: next header, reason, fragment flags, L4 offset
 *   g   protocol and L4 checks, the addresses, ports and checksums (picks at the L4 offset
 *       L2 + 40 + 8j or L2 + 4 * IHL, always 2 + 4m with m < 32)
 *   f   the header reason (first failed rule)
 * No stage adds or compares more than a few bits: the logic levels stay within 8 (6 in `make
 * synth-parse`); compares with constants are lookups in constant tables (see at_least).
 * Addresses are 128-bit numbers, the first byte on the wire in the top bits; an IPv4 address
 * sits in [127:96] with the rest 0. Other fields are numbers in network byte order.
 */
module l4lb_parse #(
    // Longest frame the pipeline checks, in bytes
    parameter MAX_LEN = 9216,
    // Header bytes captured
    parameter HDR_BYTES = 192,
    // Extension headers and the L4 header must start before this byte (at most 128: the L4
    // offset is taken modulo 128, and at most 15 extension-header positions fit the tables)
    parameter WINDOW = 128
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

// extension-header positions k (at L2 + 40 + 8k) before WINDOW for the shortest L2
localparam integer NPOS = (WINDOW - 54 + 7) / 8;
// the same for each L2 candidate 14 + 4q
localparam integer NPOS_0 = NPOS;
localparam integer NPOS_1 = (WINDOW - 58 + 7) / 8;
localparam integer NPOS_2 = (WINDOW - 62 + 7) / 8;

localparam HB = 8 * HDR_BYTES;

localparam [7:0] PROTO_TCP = 8'd6;
localparam [7:0] PROTO_UDP = 8'd17;
localparam [7:0] EXT_HOP_BY_HOP = 8'd0;
localparam [7:0] EXT_ROUTING = 8'd43;
localparam [7:0] EXT_FRAGMENT = 8'd44;
localparam [7:0] EXT_DEST_OPTS = 8'd60;

// Byte i of a header vector h, picked in place. (A function taking the 1,536-bit header as an
// argument would be copied at every call in Verilator's C++: that made the parse the slowest
// part of the simulation.)
`define L4LB_HDR_BYTE(h, i) h[8*(i) +: 8]
// The field of width w for the frame's L2 out of v, three fields side by side (L2 14 in the
// low bits, then 18, then 22); s is {two tags, at least one tag}
`define L4LB_BY_L2(s, v, w) (s[1] ? v[2*(w) +: (w)] : s[0] ? v[(w) +: (w)] : v[0 +: (w)])

function is_ext;
    input [7:0] nh;
    begin
        is_ext = nh == EXT_HOP_BY_HOP || nh == EXT_ROUTING || nh == EXT_DEST_OPTS;
    end
endfunction

/*
 * Constant tables that compares with constants and small sums index, so that they map to LUTs:
 * Yosys 0.23 maps every add and compare to a carry chain (a CARRY4 per 4 bits, ~4 levels for a
 * 16-bit compare). t below is the tags {two, at least one}: L2 22, 18 or 14.
 */
function integer l4_base; // the L4 index m (offset 2 + 4m) of L2
    input integer t;
    begin
        l4_base = t >= 2 ? 5 : t == 1 ? 4 : 3;
    end
endfunction

function integer npos_of; // extension-header positions before WINDOW at L2
    input integer t;
    begin
        npos_of = t >= 2 ? NPOS_2 : t == 1 ? NPOS_1 : NPOS_0;
    end
endfunction

// bit v (v < 256): v >= k
function [255:0] at_least;
    input integer k;
    integer v;
    begin
        for (v = 0; v < 256; v = v + 1) begin
            at_least[v] = v >= k;
        end
    end
endfunction

// bit 16a + b (a < 32, b < 16): a < b + add
function [511:0] below_sum;
    input integer add;
    integer a, b;
    begin
        for (a = 0; a < 32; a = a + 1) begin
            for (b = 0; b < 16; b = b + 1) begin
                below_sum[16*a + b] = a < b + add;
            end
        end
    end
endfunction

// entry h (4 bits, h < 16): (h + add) mod 16
function [63:0] plus_mod16;
    input integer add;
    integer h;
    /* verilator lint_off UNUSEDSIGNAL */ integer r; /* verilator lint_on UNUSEDSIGNAL */
    begin
        for (h = 0; h < 16; h = h + 1) begin
            r = (h + add) % 16;
            plus_mod16[4*h +: 4] = r[3:0];
        end
    end
endfunction

// entry 16t + h (5 bits): the L4 index of position (h + add) mod 16, L2 + 40 + 8 * position
// modulo 128
function [319:0] l4_index_pos;
    input integer add;
    integer t, h;
    /* verilator lint_off UNUSEDSIGNAL */ integer m; /* verilator lint_on UNUSEDSIGNAL */
    begin
        for (t = 0; t < 4; t = t + 1) begin
            for (h = 0; h < 16; h = h + 1) begin
                m = (l4_base(t) + 10 + 2 * ((h + add) % 16)) % 32;
                l4_index_pos[5*(16*t + h) +: 5] = m[4:0];
            end
        end
    end
endfunction

// entry 16t + h (5 bits): the L4 index of L2 + 4 * (h + add) (IPv4, IHL h)
function [319:0] l4_index_v4;
    input integer add;
    integer t, h;
    /* verilator lint_off UNUSEDSIGNAL */ integer m; /* verilator lint_on UNUSEDSIGNAL */
    begin
        for (t = 0; t < 4; t = t + 1) begin
            for (h = 0; h < 16; h = h + 1) begin
                m = l4_base(t) + h + add;
                l4_index_v4[5*(16*t + h) +: 5] = m[4:0];
            end
        end
    end
endfunction

// bit 16t + h: position h + add is before WINDOW
function [63:0] before_window;
    input integer add;
    integer t, h;
    begin
        for (t = 0; t < 4; t = t + 1) begin
            for (h = 0; h < 16; h = h + 1) begin
                before_window[16*t + h] = h + add < npos_of(t);
            end
        end
    end
endfunction

// bit 16t + h: position (h + add) mod 16 is the last before WINDOW
function [63:0] last_before_window;
    input integer add;
    integer t, h;
    begin
        for (t = 0; t < 4; t = t + 1) begin
            for (h = 0; h < 16; h = h + 1) begin
                last_before_window[16*t + h] = (h + add) % 16 == npos_of(t) - 1;
            end
        end
    end
endfunction

// Walk tables: 16 entries of 4 bits, entry i in [4*i +: 4]. The composition applies a, then b.
function [63:0] compose;
    input [63:0] a;
    input [63:0] b;
    integer i;
    begin
        for (i = 0; i < 16; i = i + 1) begin
            compose[4*i +: 4] = b[4*a[4*i +: 4] +: 4];
        end
    end
endfunction

/*
 * s0: L2, the fixed IP header, at each of the three L2 candidates
 */
wire [15:0] et_12 = {`L4LB_HDR_BYTE(hdr_data, 12), `L4LB_HDR_BYTE(hdr_data, 13)};
wire [15:0] et_16 = {`L4LB_HDR_BYTE(hdr_data, 16), `L4LB_HDR_BYTE(hdr_data, 17)};
wire tag_1 = et_12 == 16'h8100 || et_12 == 16'h88A8;
wire tag_2 = tag_1 && (et_16 == 16'h8100 || et_16 == 16'h88A8);
wire [1:0] tags = {tag_2, tag_1};

// per candidate q (L2 = 14 + 4q): fields, IPv4/IPv6 checks, the s0 reason, and per position
// the bounds of an extension header there and the payload-length compares of the L4 rules
wire [3*4-1:0]   c_ihl;
wire [3*16-1:0]  c_ip_len;
wire [3*8-1:0]   c_ip_proto;
wire [3*16-1:0]  c_plen;
wire [3*8-1:0]   c_v6_nh;
wire [3-1:0]     c_v6;
wire [3-1:0]     c_v4_frag;
wire [3-1:0]     c_v4_later;
wire [3*4-1:0]   c_reason;
wire [3*16-1:0]  c_ok2;      // bit k: L2 + 40 + 8k + 2 within the packet and the capture
wire [3*16-1:0]  c_ok8;      // the same for + 8 (a Fragment header)
wire [3*16-1:0]  c_plt8;     // bit j: payload length < 8j + 8 (a UDP header at j ends past it)
wire [3*16-1:0]  c_plt20;    // payload length < 8j + 20 (TCP)

genvar gq, gk;
generate
    for (gq = 0; gq < 3; gq = gq + 1) begin : cand
        localparam integer L2 = 14 + 4 * gq;
        localparam integer L2_20_INT = L2 + 20;
        localparam integer L2_40_INT = L2 + 40;
        localparam [7:0] L2_8 = L2[7:0];
        localparam [7:0] L2_20 = L2_20_INT[7:0];
        localparam [7:0] L2_40 = L2_40_INT[7:0];

        wire [15:0] et = {`L4LB_HDR_BYTE(hdr_data, L2 - 2), `L4LB_HDR_BYTE(hdr_data, L2 - 1)};
        wire [7:0]  ip0 = `L4LB_HDR_BYTE(hdr_data, L2);
        wire [15:0] ip_len = {`L4LB_HDR_BYTE(hdr_data, L2 + 2), `L4LB_HDR_BYTE(hdr_data, L2 + 3)};
        wire [15:0] ip_frag = {`L4LB_HDR_BYTE(hdr_data, L2 + 6), `L4LB_HDR_BYTE(hdr_data, L2 + 7)};
        wire [15:0] plen = {`L4LB_HDR_BYTE(hdr_data, L2 + 4), `L4LB_HDR_BYTE(hdr_data, L2 + 5)};
        wire v4 = et == 16'h0800;
        wire v6 = et == 16'h86DD;
        wire not_ip = hdr_len < L2_8 || (!v4 && !v6);
        wire bad = v4 ? hdr_len < L2_20 || ip0[7:4] != 4'd4 || ip0[3:0] < 4'd5
                      : hdr_len < L2_40 || ip0[7:4] != 4'd6;

        assign c_ihl[4*gq +: 4] = ip0[3:0];
        assign c_ip_len[16*gq +: 16] = ip_len;
        assign c_ip_proto[8*gq +: 8] = `L4LB_HDR_BYTE(hdr_data, L2 + 9);
        assign c_plen[16*gq +: 16] = plen;
        assign c_v6_nh[8*gq +: 8] = `L4LB_HDR_BYTE(hdr_data, L2 + 6);
        assign c_v6[gq] = v6;
        assign c_v4_later[gq] = ip_frag[12:0] != 13'd0;
        assign c_v4_frag[gq] = ip_frag[12:0] != 13'd0 || ip_frag[13];
        assign c_reason[4*gq +: 4] = not_ip ? R_NOT_IP : bad ? R_MALFORMED : R_NONE;
        // DF and the reserved flag are not used
        wire _unused_flags = &{1'b0, ip_frag[15:14], 1'b0};

        // payload length 128 or more: past every end compared below (NPOS * 8 + 20 <= 128)
        wire plen_big = plen[15:7] != 9'd0;
        wire [7:0] plen_low = {1'b0, plen[6:0]};
        for (gk = 0; gk < 16; gk = gk + 1) begin : pos
            if (gk < NPOS) begin : in_window
                // the header at position gk starts at L2 + 40 + 8 * gk
                localparam integer END2_INT = 8 * gk + 2;
                localparam integer END8_INT = 8 * gk + 8;
                localparam integer TCP_END_INT = 8 * gk + 20;
                localparam integer AT2_INT = L2 + 40 + 8 * gk + 2;
                localparam integer AT8_INT = L2 + 40 + 8 * gk + 8;
                localparam [255:0] PL_END2 = at_least(END2_INT);
                localparam [255:0] PL_END8 = at_least(END8_INT);
                localparam [255:0] PL_TCP_END = at_least(TCP_END_INT);
                localparam [255:0] HL_AT2 = at_least(AT2_INT);
                localparam [255:0] HL_AT8 = at_least(AT8_INT);
                assign c_ok2[16*gq + gk] = (plen_big || PL_END2[plen_low]) && HL_AT2[hdr_len];
                assign c_ok8[16*gq + gk] = (plen_big || PL_END8[plen_low]) && HL_AT8[hdr_len];
                assign c_plt8[16*gq + gk] = !plen_big && !PL_END8[plen_low];
                assign c_plt20[16*gq + gk] = !plen_big && !PL_TCP_END[plen_low];
            end else begin : past
                assign c_ok2[16*gq + gk] = 1'b0;
                assign c_ok8[16*gq + gk] = 1'b0;
                assign c_plt8[16*gq + gk] = 1'b0;
                assign c_plt20[16*gq + gk] = 1'b0;
            end
        end
    end
endgenerate

reg          s0_valid_reg = 1'b0;
reg          s0_disabled_reg = 1'b0;
reg [HB-1:0] s0_hdr_reg = {HB{1'b0}};
reg [1:0]    s0_tags_reg = 2'd0;
reg [3:0]    s0_reason_reg = 4'd0;
reg          s0_ipv6_reg = 1'b0;
reg [3:0]    s0_ihl_reg = 4'd0;
reg [15:0]   s0_ip_len_reg = 16'd0;
reg [7:0]    s0_ip_proto_reg = 8'd0;
reg [15:0]   s0_plen_reg = 16'd0;
reg [7:0]    s0_v6_nh_reg = 8'd0;
reg          s0_v4_frag_reg = 1'b0;
reg          s0_v4_later_reg = 1'b0;
reg [15:0]   s0_ok2_reg = 16'd0;
reg [15:0]   s0_ok8_reg = 16'd0;
reg [15:0]   s0_plt8_reg = 16'd0;
reg [15:0]   s0_plt20_reg = 16'd0;

always @(posedge clk) begin
    if (adv) begin
        s0_valid_reg <= hdr_valid;
        if (hdr_valid) begin
            s0_disabled_reg <= !ctrl_enable;
            s0_hdr_reg <= hdr_data;
            s0_tags_reg <= tags;
            s0_reason_reg <= `L4LB_BY_L2(tags, c_reason, 4);
            s0_ipv6_reg <= `L4LB_BY_L2(tags, c_v6, 1);
            s0_ihl_reg <= `L4LB_BY_L2(tags, c_ihl, 4);
            s0_ip_len_reg <= `L4LB_BY_L2(tags, c_ip_len, 16);
            s0_ip_proto_reg <= `L4LB_BY_L2(tags, c_ip_proto, 8);
            s0_plen_reg <= `L4LB_BY_L2(tags, c_plen, 16);
            s0_v6_nh_reg <= `L4LB_BY_L2(tags, c_v6_nh, 8);
            s0_v4_frag_reg <= `L4LB_BY_L2(tags, c_v4_frag, 1);
            s0_v4_later_reg <= `L4LB_BY_L2(tags, c_v4_later, 1);
            s0_ok2_reg <= `L4LB_BY_L2(tags, c_ok2, 16);
            s0_ok8_reg <= `L4LB_BY_L2(tags, c_ok8, 16);
            s0_plt8_reg <= `L4LB_BY_L2(tags, c_plt8, 16);
            s0_plt20_reg <= `L4LB_BY_L2(tags, c_plt20, 16);
        end
    end

    if (rst) begin
        s0_valid_reg <= 1'b0;
    end
end

wire [7:0] s0_l2 = s0_tags_reg[1] ? 8'd22 : s0_tags_reg[0] ? 8'd18 : 8'd14;
wire [7:0] s0_l2_40 = s0_tags_reg[1] ? 8'd62 : s0_tags_reg[0] ? 8'd58 : 8'd54;

/*
 * t: the node table. Node 0 is the fixed IPv6 header (its next header is at position 0), node
 * n = k + 1 the extension header at position k: next header byte nh, the position j of the
 * header after it (k + 1 + Hdr Ext Len, modulo 16), whether j is before WINDOW, and its
 * successor: the node at j when the walk moves there, itself when the walk stops at it.
 * Per position k: the Fragment header's "later" and M flags.
 */
wire [16*8-1:0] t_nh;
wire [16*4-1:0] t_j;
wire [15:0]     t_win;
wire [15:0]     t_ext;
wire [15:0]     t_frg;
wire [63:0]     t_succ;
wire [15:0]     t_fr_later;
wire [15:0]     t_fr_m;
// per node, for the walk's outcome: the L4 index m at position j and at j + 1 (after a
// Fragment header at j), j + 1, and whether j + 1 is past the window
wire [16*5-1:0] t_m;
wire [16*5-1:0] t_mf;
wire [16*4-1:0] t_jf;
wire [15:0]     t_lastf;
wire [5:0]      t_tags_h0 = {s0_tags_reg, 4'd0};
localparam [319:0] M_AT_0 = l4_index_pos(0);
localparam [319:0] M_AT_1 = l4_index_pos(1);
localparam [63:0] LAST_AT_0 = last_before_window(0);

// the walk starts at all only for a well-formed IPv6 header
wire t_walk = s0_ipv6_reg && s0_reason_reg == R_NONE;

assign t_nh[7:0] = s0_v6_nh_reg;
assign t_j[3:0] = 4'd0;
assign t_win[0] = 1'b1;
assign t_ext[0] = is_ext(s0_v6_nh_reg);
assign t_frg[0] = s0_v6_nh_reg == EXT_FRAGMENT;
assign t_succ[3:0] = t_walk && t_ext[0] && s0_ok2_reg[0] ? 4'd1 : 4'd0;
assign t_m[4:0] = M_AT_0[5*t_tags_h0 +: 5];
assign t_mf[4:0] = M_AT_1[5*t_tags_h0 +: 5];
assign t_jf[3:0] = 4'd1;
assign t_lastf[0] = LAST_AT_0[t_tags_h0];
assign t_fr_later[15:NPOS] = {(16 - NPOS){1'b0}};
assign t_fr_m[15:NPOS] = {(16 - NPOS){1'b0}};

genvar gn;
generate
    for (gn = 1; gn < 16; gn = gn + 1) begin : node
        localparam [3:0] SELF = gn;
        if (gn <= NPOS) begin : pos
            localparam integer K = gn - 1;
            // the header's bytes 0-3 at each L2 candidate
            wire [3*32-1:0] c_at = {s0_hdr_reg[8*(62 + 8*K) +: 32], s0_hdr_reg[8*(58 + 8*K) +: 32],
                                    s0_hdr_reg[8*(54 + 8*K) +: 32]};
            wire [31:0] at = `L4LB_BY_L2(s0_tags_reg, c_at, 32);
            wire [7:0] nh = at[7:0];
            wire [7:0] hl = at[15:8];
            // Fragment header bytes 2-3: offset [15:3], reserved [2:1], M [0]
            wire [15:0] fo = {at[23:16], at[31:24]};
            // the next header's position j = K + 1 + hl (table index {tags, hl[3:0]})
            localparam [63:0] J_AT = plus_mod16(gn);
            localparam [63:0] J1_AT = plus_mod16(gn + 1);
            localparam [63:0] WIN_AT = before_window(gn);
            localparam [319:0] M_AT = l4_index_pos(gn);
            localparam [319:0] MF_AT = l4_index_pos(gn + 1);
            localparam [63:0] LAST_AT = last_before_window(gn);
            wire [5:0] th = {s0_tags_reg, hl[3:0]};
            wire [3:0] j = J_AT[4*hl[3:0] +: 4];
            wire [3:0] j1 = J1_AT[4*hl[3:0] +: 4];
            wire win = hl[7:4] == 4'd0 && WIN_AT[th];
            wire ext = is_ext(nh);

            assign t_nh[8*gn +: 8] = nh;
            assign t_j[4*gn +: 4] = j;
            assign t_win[gn] = win;
            assign t_ext[gn] = ext;
            assign t_frg[gn] = nh == EXT_FRAGMENT;
            assign t_succ[4*gn +: 4] = ext && win && s0_ok2_reg[j] ? j1 : SELF;
            assign t_m[5*gn +: 5] = M_AT[5*th +: 5];
            assign t_mf[5*gn +: 5] = MF_AT[5*th +: 5];
            assign t_jf[4*gn +: 4] = j1;
            assign t_lastf[gn] = LAST_AT[th];
            assign t_fr_later[K] = fo[15:3] != 13'd0;
            assign t_fr_m[K] = fo[0];
            // the reserved bits [2:1] are not used
            wire _unused_fo = &{1'b0, fo[2:1], 1'b0};
        end else begin : none
            assign t_nh[8*gn +: 8] = 8'd0;
            assign t_j[4*gn +: 4] = 4'd0;
            assign t_win[gn] = 1'b0;
            assign t_ext[gn] = 1'b0;
            assign t_frg[gn] = 1'b0;
            assign t_succ[4*gn +: 4] = SELF;
            assign t_m[5*gn +: 5] = 5'd0;
            assign t_mf[5*gn +: 5] = 5'd0;
            assign t_jf[4*gn +: 4] = 4'd0;
            assign t_lastf[gn] = 1'b0;
        end
    end
endgenerate

// IPv4: total length below header + L4 header. The minimum is a multiple of 4 below 128:
// compared in units of 4 bytes, IHL + 0 (a later fragment), + 2 (UDP) or + 5 (TCP).
localparam [511:0] TL_BELOW_0 = below_sum(0);
localparam [511:0] TL_BELOW_2 = below_sum(2);
localparam [511:0] TL_BELOW_5 = below_sum(5);
localparam [319:0] M_V4 = l4_index_v4(0);
wire [3:0] t_ihl = s0_ihl_reg;
wire [8:0] t_tl_at = {s0_ip_len_reg[6:2], t_ihl};
wire       t_tl_bad = s0_ip_len_reg[15:7] == 9'd0
                      && (s0_v4_later_reg ? TL_BELOW_0[t_tl_at]
                          : s0_ip_proto_reg == PROTO_UDP ? TL_BELOW_2[t_tl_at] : TL_BELOW_5[t_tl_at]);
// the L4 index without a walk: L2 + 40 (IPv6) or L2 + 4 * IHL
wire [4:0] t_m_ip = s0_ipv6_reg ? t_m[4:0] : M_V4[5*{s0_tags_reg, t_ihl} +: 5];

// need_len = L2 + IP length (+ 40 for IPv6), 0 when not IP: the low byte here, the carry into
// the high byte in d1
wire [7:0]  t_len_base = s0_reason_reg == R_NOT_IP ? 8'd0 : s0_ipv6_reg ? s0_l2_40 : s0_l2;
wire [15:0] t_len_add = s0_reason_reg == R_NOT_IP ? 16'd0 : s0_ipv6_reg ? s0_plen_reg : s0_ip_len_reg;
wire [8:0]  t_need_low = {1'b0, t_len_base} + {1'b0, t_len_add[7:0]};

// what the walk's outcome reads, carried through d1 and d2: the node table and per position
// whether a header there lies within the packet and the capture
localparam TABLE_W = 16 * (8 + 4 + 1 + 1 + 1 + 5 + 5 + 4 + 1) + 16 * 4;
wire [TABLE_W-1:0] t_table = {t_nh, t_j, t_win, t_ext, t_frg, t_m, t_mf, t_jf, t_lastf,
                              t_fr_later, t_fr_m, s0_ok2_reg, s0_ok8_reg};
// the frame's other parse results, carried through d1 and d2
localparam SIDE_W = 2 + 4 + 1 + 1 + 5 + 8 + 1 + 1 + 16 + 16 + 1;
wire [SIDE_W-1:0] t_side = {s0_tags_reg, s0_reason_reg, s0_ipv6_reg, t_walk, t_m_ip,
                            s0_ip_proto_reg, s0_v4_frag_reg, s0_v4_later_reg, s0_plt8_reg,
                            s0_plt20_reg, t_tl_bad};

reg                t_valid_reg = 1'b0;
reg                t_disabled_reg = 1'b0;
reg [HB-1:0]       t_hdr_reg = {HB{1'b0}};
reg [TABLE_W-1:0]  t_table_reg = {TABLE_W{1'b0}};
reg [SIDE_W-1:0]   t_side_reg = {SIDE_W{1'b0}};
reg [63:0]         t_succ_reg = 64'd0;
reg [8:0]          t_need_low_reg = 9'd0;
reg [7:0]          t_need_high_reg = 8'd0;

always @(posedge clk) begin
    if (adv) begin
        t_valid_reg <= s0_valid_reg;
        // the header moves with adv alone: a plain delay line, which maps to shift-register LUTs
        t_hdr_reg <= s0_hdr_reg;
        if (s0_valid_reg) begin
            t_disabled_reg <= s0_disabled_reg;
            t_table_reg <= t_table;
            t_side_reg <= t_side;
            t_succ_reg <= t_succ;
            t_need_low_reg <= t_need_low;
            t_need_high_reg <= t_len_add[15:8];
        end
    end

    if (rst) begin
        t_valid_reg <= 1'b0;
    end
end

/*
 * d1, d2: the node the walk stops at. Every move goes forward and there are at most NPOS + 1
 * nodes, so 16 moves reach it: the successor table squared four times, applied to node 0.
 */
// the table squared twice (4 moves); computed in d1's load, so only for a frame
function [63:0] square2;
    input [63:0] t;
    reg [63:0] t2;
    begin
        t2 = compose(t, t);
        square2 = compose(t2, t2);
    end
endfunction

reg                d1_valid_reg = 1'b0;
reg                d1_disabled_reg = 1'b0;
reg [HB-1:0]       d1_hdr_reg = {HB{1'b0}};
reg [TABLE_W-1:0]  d1_table_reg = {TABLE_W{1'b0}};
reg [SIDE_W-1:0]   d1_side_reg = {SIDE_W{1'b0}};
reg [63:0]         d1_succ4_reg = 64'd0;
reg [16:0]         d1_need_len_reg = 17'd0;

always @(posedge clk) begin
    if (adv) begin
        d1_valid_reg <= t_valid_reg;
        d1_hdr_reg <= t_hdr_reg;
        if (t_valid_reg) begin
            d1_disabled_reg <= t_disabled_reg;
            d1_table_reg <= t_table_reg;
            d1_side_reg <= t_side_reg;
            d1_succ4_reg <= square2(t_succ_reg);
            d1_need_len_reg <= {{1'b0, t_need_high_reg} + {8'd0, t_need_low_reg[8]}, t_need_low_reg[7:0]};
        end
    end

    if (rst) begin
        d1_valid_reg <= 1'b0;
    end
end

// the node 16 moves from node 0 take, from the table of 4 moves t4: node 0 after 4 and after 8
// moves, then 8 more by t4 squared; computed in d2's load, so only for a frame
function [3:0] stop_of;
    input [63:0] t4;
    reg [63:0] t8;
    reg [3:0]  after4;
    reg [3:0]  after8;
    begin
        t8 = compose(t4, t4);
        after4 = t4[3:0];
        after8 = t4[4*after4 +: 4];
        stop_of = t8[4*after8 +: 4];
    end
endfunction

reg                d2_valid_reg = 1'b0;
reg                d2_disabled_reg = 1'b0;
reg [HB-1:0]       d2_hdr_reg = {HB{1'b0}};
reg [TABLE_W-1:0]  d2_table_reg = {TABLE_W{1'b0}};
reg [SIDE_W-1:0]   d2_side_reg = {SIDE_W{1'b0}};
reg [3:0]          d2_stop_reg = 4'd0;
reg [16:0]         d2_need_len_reg = 17'd0;
reg                d2_too_long_reg = 1'b0;

always @(posedge clk) begin
    if (adv) begin
        d2_valid_reg <= d1_valid_reg;
        d2_hdr_reg <= d1_hdr_reg;
        if (d1_valid_reg) begin
            d2_disabled_reg <= d1_disabled_reg;
            d2_table_reg <= d1_table_reg;
            d2_side_reg <= d1_side_reg;
            d2_stop_reg <= stop_of(d1_succ4_reg);
            d2_need_len_reg <= d1_need_len_reg;
            d2_too_long_reg <= d1_need_len_reg > MAX_LEN_17;
        end
    end

    if (rst) begin
        d2_valid_reg <= 1'b0;
    end
end

/*
 * e: the walk's outcome at the node it stops at (node s, next header nh at position j): nh is
 * not an extension header (done), j is past the window (rule 6), the header at j does not lie
 * within the packet and the capture (rule 5), or it is a Fragment header (done after it).
 * Without a walk (IPv4, not IP, a bad IPv6 header): the IP header's protocol and offset.
 */
wire [16*8-1:0] e_tab_nh;
wire [16*4-1:0] e_tab_j;
wire [15:0]     e_tab_win;
wire [15:0]     e_tab_ext;
wire [15:0]     e_tab_frg;
wire [16*5-1:0] e_tab_m;
wire [16*5-1:0] e_tab_mf;
wire [16*4-1:0] e_tab_jf;
wire [15:0]     e_tab_lastf;
wire [15:0]     e_tab_fr_later;
wire [15:0]     e_tab_fr_m;
wire [15:0]     e_tab_ok2;
wire [15:0]     e_tab_ok8;
assign {e_tab_nh, e_tab_j, e_tab_win, e_tab_ext, e_tab_frg, e_tab_m, e_tab_mf, e_tab_jf,
        e_tab_lastf, e_tab_fr_later, e_tab_fr_m, e_tab_ok2, e_tab_ok8} = d2_table_reg;

wire [1:0]  e_tags;
wire [3:0]  e_ip_reason;
wire        e_ipv6;
wire        e_walk;
wire [4:0]  e_m_ip;
wire [7:0]  e_ip_proto;
wire        e_v4_frag;
wire        e_v4_later;
wire [15:0] e_plt8;
wire [15:0] e_plt20;
wire        e_tl_bad;
assign {e_tags, e_ip_reason, e_ipv6, e_walk, e_m_ip, e_ip_proto, e_v4_frag, e_v4_later, e_plt8,
        e_plt20, e_tl_bad} = d2_side_reg;

wire [3:0] e_s = d2_stop_reg;
wire [7:0] e_nh_s = e_tab_nh[8*e_s +: 8];
wire [3:0] e_j_s = e_tab_j[4*e_s +: 4];
wire       e_win = e_tab_win[e_s];
wire       e_ext = e_tab_ext[e_s];
wire       e_frg = e_tab_frg[e_s];
// the Fragment header at j: its next header (node j + 1's nh) and flags
wire [127:0] e_nh_at = {8'd0, e_tab_nh[127:8]};
wire [7:0] e_nh_frag = e_nh_at[8*e_j_s +: 8];
wire       e_fr_later = e_tab_fr_later[e_j_s];
wire       e_fr_m = e_tab_fr_m[e_j_s];
wire       e_fits = e_frg ? e_tab_ok8[e_j_s] : e_tab_ok2[e_j_s];

reg [3:0] e_reason;
reg [7:0] e_nh;
reg [3:0] e_j;
reg       e_past;
reg       e_frag;
reg       e_later;
reg [4:0] e_m;
always @* begin
    e_reason = e_ip_reason;
    e_nh = e_nh_s;
    e_j = e_j_s;
    e_past = !e_win;
    e_frag = 1'b0;
    e_later = 1'b0;
    e_m = e_tab_m[5*e_s +: 5];
    if (!e_walk) begin
        e_j = 4'd0;
        e_past = 1'b0;
        e_m = e_m_ip;
        if (e_ipv6) begin
            e_nh = e_tab_nh[7:0];
        end else begin
            e_nh = e_ip_proto;
            e_frag = e_v4_frag;
            e_later = e_v4_later;
        end
    end else if (e_ext || e_frg) begin
        if (!e_win) begin
            e_reason = R_TOO_DEEP;
        end else if (!e_fits) begin
            e_reason = R_MALFORMED;
        end else begin
            // a Fragment header (an extension header that lies within both would have moved)
            e_nh = e_nh_frag;
            e_j = e_tab_jf[4*e_s +: 4];
            e_past = e_tab_lastf[e_s];
            e_m = e_tab_mf[5*e_s +: 5];
            e_later = e_fr_later;
            e_frag = e_fr_later || e_fr_m;
        end
    end
end

reg          e_valid_reg = 1'b0;
reg          e_disabled_reg = 1'b0;
reg [HB-1:0] e_hdr_reg = {HB{1'b0}};
reg [1:0]    e_tags_reg = 2'd0;
reg          e_ipv6_reg = 1'b0;
reg [3:0]    e_reason_reg = 4'd0;
reg [7:0]    e_nh_reg = 8'd0;
reg [3:0]    e_j_reg = 4'd0;
reg          e_past_reg = 1'b0;
reg          e_frag_reg = 1'b0;
reg          e_later_reg = 1'b0;
reg [4:0]    e_m_reg = 5'd0;
reg [15:0]   e_plt8_reg = 16'd0;
reg [15:0]   e_plt20_reg = 16'd0;
reg          e_tl_bad_reg = 1'b0;
reg [16:0]   e_need_len_reg = 17'd0;
reg          e_too_long_reg = 1'b0;

always @(posedge clk) begin
    if (adv) begin
        e_valid_reg <= d2_valid_reg;
        e_hdr_reg <= d2_hdr_reg;
        if (d2_valid_reg) begin
            e_disabled_reg <= d2_disabled_reg;
            e_tags_reg <= e_tags;
            e_ipv6_reg <= e_ipv6;
            e_reason_reg <= e_reason;
            e_nh_reg <= e_nh;
            e_j_reg <= e_j;
            e_past_reg <= e_past;
            e_frag_reg <= e_frag;
            e_later_reg <= e_later;
            e_m_reg <= e_m;
            e_plt8_reg <= e_plt8;
            e_plt20_reg <= e_plt20;
            e_tl_bad_reg <= e_tl_bad;
            e_need_len_reg <= d2_need_len_reg;
            e_too_long_reg <= d2_too_long_reg;
        end
    end

    if (rst) begin
        e_valid_reg <= 1'b0;
    end
end

/*
 * g: protocol and L4 checks, extraction. The L4 header is read at 2 + 4m, its offset modulo 128
 * (an offset at or past WINDOW has a reason already); the checksum at + 6 (UDP) or + 16 (TCP).
 */
wire [HB-1:0] g_hdr = e_hdr_reg;
wire [1:0]    g_tags = e_tags_reg;
wire          g_udp = e_nh_reg == PROTO_UDP;
wire          g_tcp = e_nh_reg == PROTO_TCP;
wire          g_short = g_udp ? e_plt8_reg[e_j_reg] : e_plt20_reg[e_j_reg];
wire [7:0]    g_l4 = {1'b0, e_m_reg, 2'b10};

// the addresses at each L2 candidate, first byte in the top bits (IPv4 in [127:96], the rest 0)
wire [3*128-1:0] c_src;
wire [3*128-1:0] c_dst;
wire [3*16-1:0]  c_ip_csum;
// the L4 words at 2 + 4m: ports, and the checksums of UDP (+ 6) and TCP (+ 16)
wire [32*32-1:0] l4_ports;
wire [32*16-1:0] l4_udp_csum;
wire [32*16-1:0] l4_tcp_csum;

genvar ga, gm;
generate
    for (gq = 0; gq < 3; gq = gq + 1) begin : g_cand
        localparam integer L2 = 14 + 4 * gq;
        for (ga = 0; ga < 16; ga = ga + 1) begin : addr
            if (ga < 4) begin : v4
                assign c_src[128*gq + 127 - 8*ga -: 8] = e_ipv6_reg ? `L4LB_HDR_BYTE(g_hdr, L2 + 8 + ga)
                                                                    : `L4LB_HDR_BYTE(g_hdr, L2 + 12 + ga);
                assign c_dst[128*gq + 127 - 8*ga -: 8] = e_ipv6_reg ? `L4LB_HDR_BYTE(g_hdr, L2 + 24 + ga)
                                                                    : `L4LB_HDR_BYTE(g_hdr, L2 + 16 + ga);
            end else begin : v6
                assign c_src[128*gq + 127 - 8*ga -: 8] = e_ipv6_reg ? `L4LB_HDR_BYTE(g_hdr, L2 + 8 + ga) : 8'd0;
                assign c_dst[128*gq + 127 - 8*ga -: 8] = e_ipv6_reg ? `L4LB_HDR_BYTE(g_hdr, L2 + 24 + ga) : 8'd0;
            end
        end
        assign c_ip_csum[16*gq +: 16] = {`L4LB_HDR_BYTE(g_hdr, L2 + 10), `L4LB_HDR_BYTE(g_hdr, L2 + 11)};
    end
    for (gm = 0; gm < 32; gm = gm + 1) begin : l4_at
        localparam integer AT = 2 + 4 * gm;
        assign l4_ports[32*gm +: 32] = {`L4LB_HDR_BYTE(g_hdr, AT), `L4LB_HDR_BYTE(g_hdr, AT + 1),
                                       `L4LB_HDR_BYTE(g_hdr, AT + 2), `L4LB_HDR_BYTE(g_hdr, AT + 3)};
        assign l4_udp_csum[16*gm +: 16] = {`L4LB_HDR_BYTE(g_hdr, AT + 6), `L4LB_HDR_BYTE(g_hdr, AT + 7)};
        assign l4_tcp_csum[16*gm +: 16] = {`L4LB_HDR_BYTE(g_hdr, AT + 16), `L4LB_HDR_BYTE(g_hdr, AT + 17)};
    end
endgenerate

wire [31:0] g_ports = l4_ports[32*e_m_reg +: 32];
// header bytes past the last L4 checksum are not read here
wire _unused_hdr = &{1'b0, g_hdr, 1'b0};

reg          g_valid_reg = 1'b0;
reg          g_disabled_reg = 1'b0;
reg [3:0]    g_reason_reg = 4'd0;
reg          g_ipv6_reg = 1'b0;
reg          g_fragment_reg = 1'b0;
reg          g_later_reg = 1'b0;
reg          g_udp_reg = 1'b0;
reg          g_tcp_reg = 1'b0;
reg          g_past_reg = 1'b0;
reg          g_short_reg = 1'b0;
reg          g_tl_bad_reg = 1'b0;
reg          g_too_long_reg = 1'b0;
reg [127:0]  g_src_reg = 128'd0;
reg [127:0]  g_dst_reg = 128'd0;
reg [31:0]   g_ports_reg = 32'd0;
reg [7:0]    g_proto_reg = 8'd0;
reg [7:0]    g_l2_reg = 8'd0;
reg [7:0]    g_l4_csum_pos_reg = 8'd0;
reg [15:0]   g_ip_csum_reg = 16'd0;
reg [15:0]   g_l4_csum_reg = 16'd0;
reg [16:0]   g_need_len_reg = 17'd0;

always @(posedge clk) begin
    if (adv) begin
        g_valid_reg <= e_valid_reg;
        if (e_valid_reg) begin
            g_disabled_reg <= e_disabled_reg;
            g_reason_reg <= e_reason_reg;
            g_ipv6_reg <= e_ipv6_reg;
            g_fragment_reg <= e_frag_reg;
            g_later_reg <= e_later_reg;
            g_udp_reg <= g_udp;
            g_tcp_reg <= g_tcp;
            g_past_reg <= e_past_reg;
            g_short_reg <= g_short;
            g_tl_bad_reg <= e_tl_bad_reg;
            g_too_long_reg <= e_too_long_reg;
            g_src_reg <= `L4LB_BY_L2(g_tags, c_src, 128);
            g_dst_reg <= `L4LB_BY_L2(g_tags, c_dst, 128);
            g_ports_reg <= e_later_reg ? 32'd0 : g_ports;
            g_proto_reg <= e_nh_reg;
            g_l2_reg <= g_tags[1] ? 8'd22 : g_tags[0] ? 8'd18 : 8'd14;
            g_l4_csum_pos_reg <= g_l4 + (g_udp ? 8'd6 : 8'd16);
            g_ip_csum_reg <= `L4LB_BY_L2(g_tags, c_ip_csum, 16);
            g_l4_csum_reg <= g_udp ? l4_udp_csum[16*e_m_reg +: 16] : l4_tcp_csum[16*e_m_reg +: 16];
            g_need_len_reg <= e_need_len_reg;
        end
    end

    if (rst) begin
        g_valid_reg <= 1'b0;
    end
end

/*
 * f: the header reason, the first failed rule
 */
reg [3:0] f_reason;
always @* begin
    if (g_reason_reg != R_NONE) begin
        f_reason = g_reason_reg;
    end else if (!g_tcp_reg && !g_udp_reg) begin
        f_reason = R_NOT_TCP_UDP;
    end else if (g_ipv6_reg && !g_later_reg && g_past_reg) begin
        f_reason = R_TOO_DEEP;
    end else if (g_ipv6_reg && !g_later_reg && g_short_reg) begin
        f_reason = R_MALFORMED;
    end else if (!g_ipv6_reg && g_tl_bad_reg) begin
        f_reason = R_MALFORMED;
    end else if (g_too_long_reg) begin
        f_reason = R_TOO_LONG;
    end else begin
        f_reason = R_NONE;
    end
end

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
        valid_reg <= g_valid_reg;
        if (g_valid_reg) begin
            disabled_reg <= g_disabled_reg;
            reason_reg <= f_reason;
            ipv6_reg <= g_ipv6_reg;
            fragment_reg <= g_fragment_reg;
            later_reg <= g_later_reg;
            udp_reg <= g_udp_reg;
            src_reg <= g_src_reg;
            dst_reg <= g_dst_reg;
            sport_reg <= g_ports_reg[31:16];
            dport_reg <= g_ports_reg[15:0];
            proto_reg <= g_proto_reg;
            l2_reg <= g_l2_reg;
            l4_csum_pos_reg <= g_l4_csum_pos_reg;
            ip_csum_reg <= g_ip_csum_reg;
            l4_csum_reg <= g_l4_csum_reg;
            need_len_reg <= g_need_len_reg;
        end
    end

    if (rst) begin
        valid_reg <= 1'b0;
    end
end

// the tables' bounds: every L2 has an extension-header position before WINDOW, at most 15;
// the L4 offset is taken modulo 128, and its picks reach byte 126 + 17
initial begin
    if (WINDOW <= 62 || WINDOW > 128 || HDR_BYTES < 144 || WINDOW + 20 > HDR_BYTES) begin
        $display("Error: l4lb_parse needs 62 < WINDOW <= 128 and HDR_BYTES >= max(144, WINDOW + 20) (instance %m)");
        $finish;
    end
end

endmodule

`undef L4LB_HDR_BYTE
`undef L4LB_BY_L2

`resetall
