// l4lb: incremental checksum update (RFC 1624 eqn. 3) and the per-frame patch record
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Four pipeline stages after the lookup. The destination address changes from m to m' (two
 * 16-bit words each for IPv4, eight for IPv6); the IPv4 header checksum and the TCP/UDP
 * checksum (whose pseudo-header holds the address) become
 *     HC' = ~(~HC + ~m + m')     (one's-complement sum, end-around carry)
 * Each stage stays within a few logic levels:
 *   a  the sixteen 16-bit terms of ~m + m' (the IPv6-only ones zeroed for IPv4) reduced to six
 *      numbers by three levels of 3:2 carry-save adders (no carry chain)
 *   b  the six reduced to two by three more levels
 *   c  the plain sums ~HC + ~m + m' (21 bits): one 3:2 level and one carry chain each
 *   d  the end-around-carry folds; the record for the output stage (out_wr pulses with adv)
 * A UDP checksum of 0 ("none") stays 0, and a UDP result of 0x0000 is written as 0xFFFF
 * (RFC 768).
 */
module l4lb_patch #(
    // Width of a frame length (need_len) field
    parameter LEN_WIDTH = 14,
    // Width of a VIP index
    parameter VIP_WIDTH = 8
) (
    input  wire                  clk,
    input  wire                  rst,

    // pipeline advance
    input  wire                  adv,

    // from lookup (and parse, carried through lookup)
    input  wire                  in_valid,
    input  wire                  in_disabled,
    input  wire [3:0]            in_hdr_reason,
    input  wire [3:0]            in_lookup_reason,
    input  wire [LEN_WIDTH-1:0]  in_need_len,
    input  wire [VIP_WIDTH-1:0]  in_vip,       // what the frame is counted under (passed on)
    input  wire                  in_ipv6,
    input  wire                  in_later,     // later fragment: no L4 checksum
    input  wire                  in_udp,
    input  wire [7:0]            in_l2,
    input  wire [7:0]            in_l4_csum_pos,
    input  wire [127:0]          in_old_ip,
    input  wire [15:0]           in_ip_csum,
    input  wire [15:0]           in_l4_csum,
    input  wire                  in_mac_valid,
    input  wire [47:0]           in_mac,
    input  wire [127:0]          in_new_ip,

    // patch record, written into the patch FIFO
    output wire                  out_wr,
    output wire                  out_disabled,
    output wire [3:0]            out_hdr_reason,
    output wire [3:0]            out_lookup_reason,
    output wire [LEN_WIDTH-1:0]  out_need_len,
    output wire [VIP_WIDTH-1:0]  out_vip,
    output wire                  out_ipv6,
    output wire                  out_l4_en,
    output wire [7:0]            out_l2,
    output wire [7:0]            out_l4_csum_pos,
    output wire                  out_mac_valid,
    output wire [47:0]           out_mac,
    output wire [127:0]          out_ip,
    output wire [15:0]           out_ip_csum,
    output wire [15:0]           out_l4_csum
);

// the record fields that pass through the stages unchanged
localparam REC_WIDTH = 1 + 4 + 4 + LEN_WIDTH + VIP_WIDTH + 1 + 1 + 8 + 8 + 1 + 1 + 1 + 48 + 128;

// per stage: valid, record (each loads only for a frame), both checksums until they are summed.
// (The record through l4lb_sideband, as the lookup's pass-through fields, cost the simulator 47
// instructions a cycle more: its pointers move every cycle, and three stages are few to skip.)
reg [3:0]             valid_reg = 4'd0;
reg [REC_WIDTH-1:0]   a_rec_reg = {REC_WIDTH{1'b0}};
reg [REC_WIDTH-1:0]   b_rec_reg = {REC_WIDTH{1'b0}};
reg [REC_WIDTH-1:0]   c_rec_reg = {REC_WIDTH{1'b0}};
reg [REC_WIDTH-1:0]   d_rec_reg = {REC_WIDTH{1'b0}};
reg [15:0]            a_ip_csum_reg = 16'd0;
reg [15:0]            a_l4_csum_reg = 16'd0;
reg [15:0]            b_ip_csum_reg = 16'd0;
reg [15:0]            b_l4_csum_reg = 16'd0;
// ~m + m' as six numbers (a), then as two (b)
reg [6*21-1:0]        a_terms_reg = {6*21{1'b0}};
reg [19:0]            b_delta_s_reg = 20'd0;
reg [19:0]            b_delta_c_reg = 20'd0;
// ~HC + ~m + m' (c), folded (d)
reg [20:0]            c_ip_sum_reg = 21'd0;
reg [20:0]            c_l4_sum_reg = 21'd0;
reg [15:0]            d_ip_fold_reg = 16'd0;
reg [15:0]            d_l4_fold_reg = 16'd0;

// 3:2 carry-save step: x + y + z = sum + carry, as {carry, sum}
function [41:0] csa;
    input [20:0] x;
    input [20:0] y;
    input [20:0] z;
    reg [19:0] maj;
    begin
        // bit 20 of the majority would carry into bit 21: 0 while the total fits in 21 bits
        maj = (x[19:0] & y[19:0]) | (x[19:0] & z[19:0]) | (y[19:0] & z[19:0]);
        csa = {maj, 1'b0, x ^ y ^ z};
    end
endfunction

/*
 * a: the sixteen terms ~m_i, m'_i (i < 2, or IPv6) into six numbers (three 3:2 levels); they
 * sum to less than 2^20. Functions called in the stage loads, which move only for a frame: the
 * simulator then sums only then (the hardware is the same carry-save tree).
 */
function [6*21-1:0] stage_a;
    input [127:0] old_ip;
    input [127:0] new_ip;
    input         ipv6;
    reg [16*21-1:0] t;
    reg [11*21-1:0] l1;
    reg [8*21-1:0]  l2;
    reg [6*21-1:0]  l3;
    integer i;
    begin
        for (i = 0; i < 8; i = i + 1) begin
            t[42*i +: 21] = {5'd0, ~old_ip[127 - 16*i -: 16] & {16{ipv6 || i < 2}}};
            t[42*i + 21 +: 21] = {5'd0, new_ip[127 - 16*i -: 16] & {16{ipv6 || i < 2}}};
        end
        for (i = 0; i < 5; i = i + 1) begin
            l1[42*i +: 42] = csa(t[63*i +: 21], t[63*i + 21 +: 21], t[63*i + 42 +: 21]);
        end
        l1[210 +: 21] = t[315 +: 21];
        for (i = 0; i < 3; i = i + 1) begin
            l2[42*i +: 42] = csa(l1[63*i +: 21], l1[63*i + 21 +: 21], l1[63*i + 42 +: 21]);
        end
        l2[126 +: 42] = l1[189 +: 42];
        for (i = 0; i < 2; i = i + 1) begin
            l3[42*i +: 42] = csa(l2[63*i +: 21], l2[63*i + 21 +: 21], l2[63*i + 42 +: 21]);
        end
        l3[84 +: 42] = l2[126 +: 42];
        stage_a = l3;
    end
endfunction

/*
 * b: the six into two (three more levels), {carry, sum}; the top bits of the last pair are 0
 * (the sixteen terms sum to less than 2^20)
 */
function [39:0] stage_b;
    input [6*21-1:0] terms;
    reg [4*21-1:0] l4;
    reg [3*21-1:0] l5;
    /* verilator lint_off UNUSEDSIGNAL */ reg [2*21-1:0] l6; /* verilator lint_on UNUSEDSIGNAL */ // bits 41 and 20 are 0
    integer i;
    begin
        for (i = 0; i < 2; i = i + 1) begin
            l4[42*i +: 42] = csa(terms[63*i +: 21], terms[63*i + 21 +: 21], terms[63*i + 42 +: 21]);
        end
        l5[0 +: 42] = csa(l4[0 +: 21], l4[21 +: 21], l4[42 +: 21]);
        l5[42 +: 21] = l4[63 +: 21];
        l6 = csa(l5[0 +: 21], l5[21 +: 21], l5[42 +: 21]);
        stage_b = {l6[40:21], l6[19:0]};
    end
endfunction

/*
 * c: ~HC + ~m + m', plain sums (one 3:2 level, one carry chain)
 */
function [20:0] stage_c;
    input [15:0] hc;
    input [19:0] delta_s;
    input [19:0] delta_c;
    reg [41:0] cs;
    begin
        cs = csa({5'd0, ~hc}, {1'b0, delta_s}, {1'b0, delta_c});
        stage_c = cs[20:0] + cs[41:21];
    end
endfunction

/*
 * d: end-around-carry folds
 */
// end-around-carry fold of a sum of up to 32 16-bit terms
function [15:0] fold;
    input [20:0] sum;
    reg [16:0] t1;
    reg [15:0] t_plus_1;
    begin
        // lo + hi, and the end-around carry of that add chosen after the fact (carry select);
        // t1 <= 0xFFFF + 31, so adding the carry cannot carry again
        t1 = {1'b0, sum[15:0]} + {12'd0, sum[20:16]};
        t_plus_1 = sum[15:0] + {11'd0, sum[20:16]} + 16'd1;
        fold = t1[16] ? t_plus_1 : t1[15:0];
    end
endfunction

wire out_udp;
wire out_l4_none;
assign {out_disabled, out_hdr_reason, out_lookup_reason, out_need_len, out_vip, out_ipv6, out_l4_en,
        out_l2, out_l4_csum_pos, out_udp, out_l4_none, out_mac_valid, out_mac, out_ip} =
    d_rec_reg;

assign out_wr = adv && valid_reg[3];
// the new checksums are ~fold, which is 0 exactly when the fold is 0xFFFF
assign out_ip_csum = ~d_ip_fold_reg;
assign out_l4_csum = out_l4_none ? 16'h0000 :
                     (out_udp && d_l4_fold_reg == 16'hFFFF) ? 16'hFFFF : ~d_l4_fold_reg;

// The stages from the last back, and valid_reg after them: each register is read before it is
// written, so that the simulator needs no copy of its old value.
always @(posedge clk) begin
    if (adv) begin
        // each stage loads only for a frame (valid_reg[k] is stage k's valid)
        if (valid_reg[2]) begin
            d_rec_reg <= c_rec_reg;
            d_ip_fold_reg <= fold(c_ip_sum_reg);
            d_l4_fold_reg <= fold(c_l4_sum_reg);
        end
        if (valid_reg[1]) begin
            c_rec_reg <= b_rec_reg;
            c_ip_sum_reg <= stage_c(b_ip_csum_reg, b_delta_s_reg, b_delta_c_reg);
            c_l4_sum_reg <= stage_c(b_l4_csum_reg, b_delta_s_reg, b_delta_c_reg);
        end
        if (valid_reg[0]) begin
            b_rec_reg <= a_rec_reg;
            b_ip_csum_reg <= a_ip_csum_reg;
            b_l4_csum_reg <= a_l4_csum_reg;
            {b_delta_c_reg, b_delta_s_reg} <= stage_b(a_terms_reg);
        end
        if (in_valid) begin
            a_rec_reg <= {in_disabled, in_hdr_reason, in_lookup_reason, in_need_len, in_vip, in_ipv6,
                          !in_later, in_l2, in_l4_csum_pos, in_udp, in_udp && in_l4_csum == 16'h0000,
                          in_mac_valid, in_mac, in_new_ip};
            a_ip_csum_reg <= in_ip_csum;
            a_l4_csum_reg <= in_l4_csum;
            a_terms_reg <= stage_a(in_old_ip, in_new_ip, in_ipv6);
        end
        valid_reg <= {valid_reg[2:0], in_valid};
    end

    if (rst) begin
        valid_reg <= 4'd0;
    end
end

endmodule

`resetall
