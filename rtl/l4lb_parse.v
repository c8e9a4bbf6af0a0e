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

/*
 * The checks at one L2 candidate q (L2 = 14 + 4q), from its bytes L2 - 2 to L2 + 9 (b, byte i
 * in [8*i +: 8]) and the captured length: the fields, the IPv4/IPv6 checks and the s0 reason,
 * and per position k the bounds of an extension header there and the payload-length compares
 * of the L4 rules. Called in s0's load for each candidate, so Verilator computes it only for a
 * frame; the hardware is the same three sets of checks, picked by the tags.
 */
// rows 16q + k (q < 3, k < 16) of at_least(base + 4q + 8k): compares of a byte with the ends
// of a header at position k behind L2 candidate q (q = 0 alone for offsets from L2)
function [48*256-1:0] at_least_rows;
    input integer base;
    integer q, k;
    begin
        for (q = 0; q < 3; q = q + 1) begin
            for (k = 0; k < 16; k = k + 1) begin
                at_least_rows[256*(16*q + k) +: 256] = at_least(base + 4 * q + 8 * k);
            end
        end
    end
endfunction

localparam [48*256-1:0] PL_END2_ROWS = at_least_rows(2);    // plen >= 8k + 2
localparam [48*256-1:0] PL_END8_ROWS = at_least_rows(8);    // plen >= 8k + 8
localparam [48*256-1:0] PL_TCP_ROWS = at_least_rows(20);    // plen >= 8k + 20
localparam [48*256-1:0] HL_AT2_ROWS = at_least_rows(56);    // hdr_len >= L2 + 40 + 8k + 2
localparam [48*256-1:0] HL_AT8_ROWS = at_least_rows(62);    // hdr_len >= L2 + 40 + 8k + 8

// {reason, IHL, IPv6, IP length, protocol, payload length, IPv6 next header, v4 fragment,
//  v4 later fragment, ok2, ok8, plt8, plt20}: ok2 (ok8) bit k: L2 + 40 + 8k + 2 (+ 8, a
// Fragment header) within the packet and the capture; plt8 (plt20) bit j: payload length
// < 8j + 8 (a UDP header at j ends past it; + 20 for TCP)
localparam CAND_W = 4 + 4 + 1 + 16 + 8 + 16 + 8 + 1 + 1 + 4 * 16;
function [CAND_W-1:0] cand;
    // the TOS and TTL bytes (b[31:24], b[87:80]) are not used
    /* verilator lint_off UNUSEDSIGNAL */ input [95:0] b; /* verilator lint_on UNUSEDSIGNAL */
    input [7:0]   len;
    input integer q;
    reg [15:0] et, ip_len, plen;
    // DF and the reserved flag ([15:14]) are not used
    /* verilator lint_off UNUSEDSIGNAL */ reg [15:0] ip_frag; /* verilator lint_on UNUSEDSIGNAL */
    reg [7:0]  ip0;
    reg        v4, v6, not_ip, bad, plen_big;
    reg [7:0]  plen_low;
    reg [3:0]  reason;
    reg [15:0] ok2, ok8, plt8, plt20;
    // rows of the constant tables; the payload-length rows past entry 127 are not read
    /* verilator lint_off UNUSEDSIGNAL */ reg [255:0] pl2, pl8, pl20; /* verilator lint_on UNUSEDSIGNAL */
    reg [255:0] hl2, hl8;
    integer l2, k;
    begin
        l2 = 14 + 4 * q;
        et = {b[7:0], b[15:8]};
        ip0 = b[23:16];
        ip_len = {b[39:32], b[47:40]};
        plen = {b[55:48], b[63:56]};
        ip_frag = {b[71:64], b[79:72]};
        v4 = et == 16'h0800;
        v6 = et == 16'h86DD;
        not_ip = {24'd0, len} < l2 || (!v4 && !v6);
        bad = v4 ? {24'd0, len} < l2 + 20 || ip0[7:4] != 4'd4 || ip0[3:0] < 4'd5
                 : {24'd0, len} < l2 + 40 || ip0[7:4] != 4'd6;
        reason = not_ip ? R_NOT_IP : bad ? R_MALFORMED : R_NONE;
        // payload length 128 or more: past every end compared below (NPOS * 8 + 20 <= 128)
        plen_big = plen[15:7] != 9'd0;
        plen_low = {1'b0, plen[6:0]};
        for (k = 0; k < 16; k = k + 1) begin
            if (k < NPOS) begin
                // each table's row first (a constant), then the bit: Yosys builds a small
                // multiplexer of the row, where an index into the whole table made it fold a
                // shifter over all of it (tens of minutes)
                pl2 = PL_END2_ROWS[256*k +: 256];
                pl8 = PL_END8_ROWS[256*k +: 256];
                pl20 = PL_TCP_ROWS[256*k +: 256];
                hl2 = HL_AT2_ROWS[256*(16*q + k) +: 256];
                hl8 = HL_AT8_ROWS[256*(16*q + k) +: 256];
                ok2[k] = (plen_big || pl2[plen_low]) && hl2[len];
                ok8[k] = (plen_big || pl8[plen_low]) && hl8[len];
                plt8[k] = !plen_big && !pl8[plen_low];
                plt20[k] = !plen_big && !pl20[plen_low];
            end else begin
                ok2[k] = 1'b0;
                ok8[k] = 1'b0;
                plt8[k] = 1'b0;
                plt20[k] = 1'b0;
            end
        end
        cand = {reason, ip0[3:0], v6, ip_len, b[95:88], plen, b[71:64],
                ip_frag[12:0] != 13'd0 || ip_frag[13], ip_frag[12:0] != 13'd0, ok2, ok8, plt8, plt20};
    end
endfunction

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

`define L4LB_S0_CAND {s0_reason_reg, s0_ihl_reg, s0_ipv6_reg, s0_ip_len_reg, s0_ip_proto_reg, \
    s0_plen_reg, s0_v6_nh_reg, s0_v4_frag_reg, s0_v4_later_reg, s0_ok2_reg, s0_ok8_reg, s0_plt8_reg, \
    s0_plt20_reg}

always @(posedge clk) begin
    if (adv) begin
        s0_valid_reg <= hdr_valid;
        if (hdr_valid) begin
            s0_disabled_reg <= !ctrl_enable;
            s0_hdr_reg <= hdr_data;
            s0_tags_reg <= tags;
            // the frame's L2 candidate only (as statements, the simulator computes one of the three)
            if (tags[1]) begin
                `L4LB_S0_CAND <= cand(hdr_data[8*20 +: 96], hdr_len, 2);
            end else if (tags[0]) begin
                `L4LB_S0_CAND <= cand(hdr_data[8*16 +: 96], hdr_len, 1);
            end else begin
                `L4LB_S0_CAND <= cand(hdr_data[8*12 +: 96], hdr_len, 0);
            end
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
// rows r = 0 to 16 of the node tables (row r for add + r): node n looks its entries up in
// rows n and n + 1
function [17*64-1:0] plus_rows;
    input integer add;
    integer r;
    begin
        for (r = 0; r < 17; r = r + 1) begin
            plus_rows[64*r +: 64] = plus_mod16(add + r);
        end
    end
endfunction

function [17*64-1:0] window_rows;
    input last; // 0: before_window, 1: last_before_window
    integer r;
    begin
        for (r = 0; r < 17; r = r + 1) begin
            window_rows[64*r +: 64] = last ? last_before_window(r) : before_window(r);
        end
    end
endfunction

function [17*320-1:0] l4_index_rows;
    input integer add;
    integer r;
    begin
        for (r = 0; r < 17; r = r + 1) begin
            l4_index_rows[320*r +: 320] = l4_index_pos(add + r);
        end
    end
endfunction

localparam [17*64-1:0] J_ROWS = plus_rows(0);         // j = (n + hl) mod 16
localparam [17*64-1:0] WIN_ROWS = window_rows(1'b0);
localparam [17*64-1:0] LAST_ROWS = window_rows(1'b1);
localparam [17*320-1:0] M_ROWS = l4_index_rows(0);
// the header bytes the nodes read: 4 at L2 + 40 + 8k for every position k, for every L2
localparam integer WALK_OFF = 54;
localparam integer WALK_BYTES = 8 * NPOS + 4;

// what the walk's outcome reads, carried through d1 and d2: the node table and per position
// whether a header there lies within the packet and the capture
localparam TABLE_W = 16 * (8 + 4 + 1 + 1 + 1 + 5 + 5 + 4 + 1) + 16 * 4;
// node 0's next header byte in the table (the table's first field is the 16 next header bytes)
localparam TABLE_NH0 = TABLE_W - 16 * 8;

/*
 * The node table and its successor table {table, succ}, from the header bytes WALK_OFF on (w)
 * and the s0 results; computed in t's load, so Verilator builds it only for a frame. Per node
 * n: next header byte nh, the position j of the header after it, whether j is before WINDOW
 * (win), whether nh is an extension the walk follows (ext) or a Fragment header (frg), the
 * successor, the L4 index m at position j and mf at j + 1 (after a Fragment header at j), j + 1
 * (jf) and whether j + 1 is past the window (lastf); per position k the Fragment header's
 * "later" and M flags.
 */
function [TABLE_W+64-1:0] walk_table;
    input [8*WALK_BYTES-1:0] w;
    input [1:0]  l2_tags;
    input [7:0]  nh0;     // the fixed IPv6 header's next header
    input        walk;    // a well-formed IPv6 header: the walk starts at all
    input [15:0] ok2;
    input [15:0] ok8;
    reg [16*8-1:0] nh_t;
    reg [16*4-1:0] j_t, jf_t, succ_t;
    reg [15:0]     win_t, ext_t, frg_t, lastf_t, fr_later_t, fr_m_t;
    reg [16*5-1:0] m_t, mf_t;
    // the Fragment header's reserved bits (at[26:25]) are not used
    /* verilator lint_off UNUSEDSIGNAL */ reg [31:0] at; /* verilator lint_on UNUSEDSIGNAL */
    reg [7:0]  nh, hl;
    reg [3:0]  j, j1;
    reg [5:0]  th;
    reg [63:0] jr, jr1, winr, lastr;
    reg [319:0] mr, mr1;
    integer n, k;
    begin
        nh_t = 128'd0;
        j_t = 64'd0;
        jf_t = 64'd0;
        succ_t = 64'd0;
        win_t = 16'd0;
        ext_t = 16'd0;
        frg_t = 16'd0;
        lastf_t = 16'd0;
        fr_later_t = 16'd0;
        fr_m_t = 16'd0;
        m_t = 80'd0;
        mf_t = 80'd0;
        // node 0: the fixed IPv6 header, its next header at position 0
        th = {l2_tags, 4'd0};
        nh_t[7:0] = nh0;
        win_t[0] = 1'b1;
        ext_t[0] = is_ext(nh0);
        frg_t[0] = nh0 == EXT_FRAGMENT;
        succ_t[3:0] = walk && ext_t[0] && ok2[0] ? 4'd1 : 4'd0;
        mr = M_ROWS[320*0 +: 320];
        mr1 = M_ROWS[320*1 +: 320];
        m_t[4:0] = mr[5*th +: 5];
        mf_t[4:0] = mr1[5*th +: 5];
        jf_t[3:0] = 4'd1;
        lastr = LAST_ROWS[64*0 +: 64];
        lastf_t[0] = lastr[th];
        // node n = k + 1: the extension header at position k; the nodes past the window stop
        for (n = 1; n < 16; n = n + 1) begin
            k = n - 1;
            succ_t[4*n +: 4] = n[3:0];
            if (n <= NPOS) begin
                at = l2_tags[1] ? w[8*(8*k + 8) +: 32] : l2_tags[0] ? w[8*(8*k + 4) +: 32] : w[8*(8*k) +: 32];
                nh = at[7:0];
                hl = at[15:8];
                th = {l2_tags, hl[3:0]};
                // each table's row first (a constant), then the entry (see cand)
                jr = J_ROWS[64*n +: 64];
                jr1 = J_ROWS[64*(n + 1) +: 64];
                winr = WIN_ROWS[64*n +: 64];
                lastr = LAST_ROWS[64*n +: 64];
                mr = M_ROWS[320*n +: 320];
                mr1 = M_ROWS[320*(n + 1) +: 320];
                j = jr[4*hl[3:0] +: 4];
                j1 = jr1[4*hl[3:0] +: 4];
                nh_t[8*n +: 8] = nh;
                j_t[4*n +: 4] = j;
                win_t[n] = hl[7:4] == 4'd0 && winr[th];
                ext_t[n] = is_ext(nh);
                frg_t[n] = nh == EXT_FRAGMENT;
                if (ext_t[n] && win_t[n] && ok2[j]) begin
                    succ_t[4*n +: 4] = j1;
                end
                m_t[5*n +: 5] = mr[5*th +: 5];
                mf_t[5*n +: 5] = mr1[5*th +: 5];
                jf_t[4*n +: 4] = j1;
                lastf_t[n] = lastr[th];
                // Fragment header bytes 2-3: offset [15:3], reserved [2:1], M [0]
                fr_later_t[k] = {at[23:16], at[31:27]} != 13'd0;
                fr_m_t[k] = at[24];
            end
        end
        walk_table = {nh_t, j_t, win_t, ext_t, frg_t, m_t, mf_t, jf_t, lastf_t, fr_later_t, fr_m_t,
                      ok2, ok8, succ_t};
    end
endfunction

wire [5:0] t_tags_h0 = {s0_tags_reg, 4'd0};
localparam [319:0] M_AT_0 = l4_index_pos(0);

// the walk starts at all only for a well-formed IPv6 header
wire t_walk = s0_ipv6_reg && s0_reason_reg == R_NONE;

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
wire [4:0] t_m_ip = s0_ipv6_reg ? M_AT_0[5*t_tags_h0 +: 5] : M_V4[5*{s0_tags_reg, t_ihl} +: 5];

// need_len = L2 + IP length (+ 40 for IPv6), 0 when not IP: the low byte here, the carry into
// the high byte in d1
wire [7:0]  t_len_base = s0_reason_reg == R_NOT_IP ? 8'd0 : s0_ipv6_reg ? s0_l2_40 : s0_l2;
wire [15:0] t_len_add = s0_reason_reg == R_NOT_IP ? 16'd0 : s0_ipv6_reg ? s0_plen_reg : s0_ip_len_reg;
wire [8:0]  t_need_low = {1'b0, t_len_base} + {1'b0, t_len_add[7:0]};

// the frame's other parse results, carried through d1 and d2
localparam SIDE_W = 2 + 4 + 1 + 1 + 5 + 8 + 1 + 1 + 16 + 16 + 1;
// the walk flag's bit in the side band
localparam SIDE_WALK = SIDE_W - 8;
wire [SIDE_W-1:0] t_side = {s0_tags_reg, s0_reason_reg, s0_ipv6_reg, t_walk, t_m_ip,
                            s0_ip_proto_reg, s0_v4_frag_reg, s0_v4_later_reg, s0_plt8_reg,
                            s0_plt20_reg, t_tl_bad};

reg                t_valid_reg = 1'b0;
reg                t_disabled_reg = 1'b0;
reg [TABLE_W-1:0]  t_table_reg = {TABLE_W{1'b0}};
reg [SIDE_W-1:0]   t_side_reg = {SIDE_W{1'b0}};
reg [63:0]         t_succ_reg = 64'd0;
reg [8:0]          t_need_low_reg = 9'd0;
reg [7:0]          t_need_high_reg = 8'd0;

always @(posedge clk) begin
    if (adv) begin
        t_valid_reg <= s0_valid_reg;
        if (s0_valid_reg) begin
            t_disabled_reg <= s0_disabled_reg;
            // Without a walk (IPv4, not IP, a bad IPv6 header) the outcome reads node 0's next
            // header only: the rest of the table, its squarings (d1) and the stopping node (d2)
            // load for a walk alone.
            if (t_walk) begin
                {t_table_reg, t_succ_reg} <= walk_table(s0_hdr_reg[8*WALK_OFF +: 8*WALK_BYTES], s0_tags_reg,
                                                        s0_v6_nh_reg, t_walk, s0_ok2_reg, s0_ok8_reg);
            end else begin
                t_table_reg[TABLE_NH0 +: 8] <= s0_v6_nh_reg;
            end
            t_side_reg <= t_side;
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
reg [TABLE_W-1:0]  d1_table_reg = {TABLE_W{1'b0}};
reg [SIDE_W-1:0]   d1_side_reg = {SIDE_W{1'b0}};
reg [63:0]         d1_succ4_reg = 64'd0;
reg [16:0]         d1_need_len_reg = 17'd0;

always @(posedge clk) begin
    if (adv) begin
        d1_valid_reg <= t_valid_reg;
        if (t_valid_reg) begin
            d1_disabled_reg <= t_disabled_reg;
            d1_table_reg <= t_table_reg;
            d1_side_reg <= t_side_reg;
            if (t_side_reg[SIDE_WALK]) begin
                d1_succ4_reg <= square2(t_succ_reg);
            end
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
reg [TABLE_W-1:0]  d2_table_reg = {TABLE_W{1'b0}};
reg [SIDE_W-1:0]   d2_side_reg = {SIDE_W{1'b0}};
reg [3:0]          d2_stop_reg = 4'd0;
reg [16:0]         d2_need_len_reg = 17'd0;
reg                d2_too_long_reg = 1'b0;

always @(posedge clk) begin
    if (adv) begin
        d2_valid_reg <= d1_valid_reg;
        if (d1_valid_reg) begin
            d2_disabled_reg <= d1_disabled_reg;
            d2_table_reg <= d1_table_reg;
            d2_side_reg <= d1_side_reg;
            if (d1_side_reg[SIDE_WALK]) begin
                d2_stop_reg <= stop_of(d1_succ4_reg);
            end
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
// the header, from s0 to e past the walk stages t, d1 and d2 (written once and read once per frame)
wire [HB-1:0] e_hdr;

l4lb_sideband #(
    .WIDTH(HB),
    .STAGES(4)
)
hdr_delay_inst (
    .clk(clk),
    .rst(rst),
    .adv(adv),
    .in_valid(s0_valid_reg),
    .in_data(s0_hdr_reg),
    .out_load(adv && d2_valid_reg),
    .out_data(e_hdr)
);
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
wire [HB-1:0] g_hdr = e_hdr;
wire [1:0]    g_tags = e_tags_reg;
wire          g_udp = e_nh_reg == PROTO_UDP;
wire          g_tcp = e_nh_reg == PROTO_TCP;
wire          g_short = g_udp ? e_plt8_reg[e_j_reg] : e_plt20_reg[e_j_reg];
wire [7:0]    g_l4 = {1'b0, e_m_reg, 2'b10};

// Header bytes in wire order (the first byte in the top bits) out of a slice of the header
// (byte 0 in the low bits). The picks below are made in the g load, for a frame only: picked
// when the stage loads, not every cycle (the simulator then does that work once a frame).
function [15:0] be16;
    input [15:0] x;
    begin
        be16 = {x[7:0], x[15:8]};
    end
endfunction

function [31:0] be32;
    input [31:0] x;
    begin
        be32 = {x[7:0], x[15:8], x[23:16], x[31:24]};
    end
endfunction

function [127:0] be128;
    input [127:0] x;
    begin
        be128 = {be32(x[31:0]), be32(x[63:32]), be32(x[95:64]), be32(x[127:96])};
    end
endfunction

// the header from byte 2, 8 and 18: the L4 words at 2 + 4m are then 32-bit words m (ports) and
// the checksums of UDP (+ 6) and TCP (+ 16) the low halves of words m: 32:1 word picks
wire [HB-16-1:0]  g_hdr_at2 = g_hdr[HB-1:16];
wire [HB-64-1:0]  g_hdr_at8 = g_hdr[HB-1:64];
wire [HB-144-1:0] g_hdr_at18 = g_hdr[HB-1:144];

// the addresses (IPv4 in [127:96], the rest 0) and the IP checksum of the frame's L2, picked
// with the L2 as a constant
`define L4LB_G_PICK(L2) \
    if (e_ipv6_reg) begin \
        g_src_reg <= be128(g_hdr[8*((L2) + 8) +: 128]); \
        g_dst_reg <= be128(g_hdr[8*((L2) + 24) +: 128]); \
    end else begin \
        g_src_reg <= {be32(g_hdr[8*((L2) + 12) +: 32]), 96'd0}; \
        g_dst_reg <= {be32(g_hdr[8*((L2) + 16) +: 32]), 96'd0}; \
    end \
    g_ip_csum_reg <= be16(g_hdr[8*((L2) + 10) +: 16]);

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
            if (g_tags[1]) begin
                `L4LB_G_PICK(22)
            end else if (g_tags[0]) begin
                `L4LB_G_PICK(18)
            end else begin
                `L4LB_G_PICK(14)
            end
            g_ports_reg <= e_later_reg ? 32'd0 : be32(g_hdr_at2[32*e_m_reg +: 32]);
            g_proto_reg <= e_nh_reg;
            g_l2_reg <= g_tags[1] ? 8'd22 : g_tags[0] ? 8'd18 : 8'd14;
            g_l4_csum_pos_reg <= g_l4 + (g_udp ? 8'd6 : 8'd16);
            g_l4_csum_reg <= g_udp ? be16(g_hdr_at8[32*e_m_reg +: 16]) : be16(g_hdr_at18[32*e_m_reg +: 16]);
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
`undef L4LB_G_PICK
`undef L4LB_S0_CAND

`resetall
