// l4lb: incremental checksum update (RFC 1624 eqn. 3) and the per-frame patch record
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Two pipeline stages after the lookup. The destination address changes from m to m' (two
 * 16-bit words each for IPv4, eight for IPv6); the IPv4 header checksum and the TCP/UDP
 * checksum (whose pseudo-header holds the address) become
 *     HC' = ~(~HC + ~m + m')     (one's-complement sum, end-around carry)
 * Stage 1 registers the plain sums (21 bits); stage 2 folds them and writes the record for the
 * output stage (out_wr pulses with adv). A UDP checksum of 0 ("none") stays 0, and a UDP result
 * of 0x0000 is written as 0xFFFF (RFC 768).
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

reg                  valid_reg = 1'b0;
reg                  disabled_reg = 1'b0;
reg [3:0]            hdr_reason_reg = 4'd0;

reg [3:0]            lookup_reason_reg = 4'd0;
reg [LEN_WIDTH-1:0]  need_len_reg = {LEN_WIDTH{1'b0}};
reg [VIP_WIDTH-1:0]  vip_reg = {VIP_WIDTH{1'b0}};
reg                  ipv6_reg = 1'b0;
reg                  l4_en_reg = 1'b0;
reg [7:0]            l2_reg = 8'd0;
reg [7:0]            l4_csum_pos_reg = 8'd0;
reg                  udp_reg = 1'b0;
reg                  l4_none_reg = 1'b0;
reg                  mac_valid_reg = 1'b0;
reg [47:0]           mac_reg = 48'd0;
reg [127:0]          ip_reg = 128'd0;
reg [20:0]           ip_sum_reg = 21'd0;
reg [20:0]           l4_sum_reg = 21'd0;

// ~m + m' as a plain sum of 16-bit terms: the first two words of each address for IPv4, all
// eight for IPv6
reg [20:0] delta_sum;
integer di;
always @* begin
    delta_sum = 21'd0;
    for (di = 0; di < 8; di = di + 1) begin
        if (in_ipv6 || di < 2) begin
            delta_sum = delta_sum + {5'd0, ~in_old_ip[127 - 16*di -: 16]} +
                        {5'd0, in_new_ip[127 - 16*di -: 16]};
        end
    end
end

// end-around-carry fold of a sum of up to 32 16-bit terms
function [15:0] fold;
    input [20:0] sum;
    reg [16:0] t;
    reg [15:0] t_plus_1;
    begin
        // lo + hi, and the end-around carry of that add chosen after the fact (carry select);
        // t <= 0xFFFF + 31, so adding the carry cannot carry again
        t = {1'b0, sum[15:0]} + {12'd0, sum[20:16]};
        t_plus_1 = sum[15:0] + {11'd0, sum[20:16]} + 16'd1;
        fold = t[16] ? t_plus_1 : t[15:0];
    end
endfunction

wire [15:0] ip_csum_new = ~fold(ip_sum_reg);
wire [15:0] l4_csum_res = ~fold(l4_sum_reg);
wire [15:0] l4_csum_new = l4_none_reg ? 16'h0000 :
                          (udp_reg && l4_csum_res == 16'h0000) ? 16'hFFFF : l4_csum_res;

assign out_wr = adv && valid_reg;
assign out_disabled = disabled_reg;
assign out_hdr_reason = hdr_reason_reg;
assign out_lookup_reason = lookup_reason_reg;
assign out_need_len = need_len_reg;
assign out_vip = vip_reg;
assign out_ipv6 = ipv6_reg;
assign out_l4_en = l4_en_reg;
assign out_l2 = l2_reg;
assign out_l4_csum_pos = l4_csum_pos_reg;
assign out_mac_valid = mac_valid_reg;
assign out_mac = mac_reg;
assign out_ip = ip_reg;
assign out_ip_csum = ip_csum_new;
assign out_l4_csum = l4_csum_new;

always @(posedge clk) begin
    if (adv) begin
        valid_reg <= in_valid;
        disabled_reg <= in_disabled;
        hdr_reason_reg <= in_hdr_reason;
        lookup_reason_reg <= in_lookup_reason;
        need_len_reg <= in_need_len;
        vip_reg <= in_vip;
        ipv6_reg <= in_ipv6;
        l4_en_reg <= !in_later;
        l2_reg <= in_l2;
        l4_csum_pos_reg <= in_l4_csum_pos;
        udp_reg <= in_udp;
        l4_none_reg <= in_udp && in_l4_csum == 16'h0000;
        mac_valid_reg <= in_mac_valid;
        mac_reg <= in_mac;
        ip_reg <= in_new_ip;
        ip_sum_reg <= {5'd0, ~in_ip_csum} + delta_sum;
        l4_sum_reg <= {5'd0, ~in_l4_csum} + delta_sum;
    end

    if (rst) begin
        valid_reg <= 1'b0;
    end
end

endmodule

`resetall
