// l4lb: Ethernet/VLAN/IPv4/L4 parse, rule checks and key extraction
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * One pipeline stage on the 64-byte header. Evaluates rules 1 and 3-9 of the contract (rule 1
 * by sampling CTRL.enable for this frame; rules 2 and 10 need the frame length and are applied
 * at the output) and extracts what the hash, the lookup and the patch need.
 *
 * Each rule gets a flag, RULE_* below; the first flag set gives the reason (l4lb_patch encodes
 * it). The IPv4 checks run for both L2 offsets (14 and 18) at once and the VLAN decision picks
 * one set, which keeps the logic shallow.
 *
 * out_key is the flow hash key in wire order, byte 0 in the low bits: source IP (4), destination
 * IP (4), source port (2), destination port (2), protocol (1). The other fields are numbers in
 * network byte order (the first byte on the wire is the MSB).
 */
module l4lb_parse #(
    // Longest frame the pipeline checks, in bytes
    parameter MAX_LEN = 9216
) (
    input  wire         clk,
    input  wire         rst,

    // pipeline advance
    input  wire         adv,

    // control
    input  wire         ctrl_enable,

    // header from capture (byte i at hdr_data[8*i +: 8])
    input  wire         hdr_valid,
    input  wire [511:0] hdr_data,
    input  wire [6:0]   hdr_len,

    // parsed frame
    output wire         out_valid,
    output wire         out_disabled,   // CTRL.enable was 0 (rule 1)
    output wire [6:0]   out_rules,      // failed rules 3-9, RULE_* bits
    output wire         out_vlan,       // L2 = 18 (else 14)
    output wire         out_udp,        // protocol 17 (else TCP when no rule failed)
    output wire [103:0] out_key,        // flow key bytes
    output wire [31:0]  out_dst_ip,
    output wire [15:0]  out_dst_port,
    output wire [7:0]   out_proto,
    output wire [15:0]  out_ip_csum,
    output wire [15:0]  out_l4_csum,
    output wire [16:0]  out_need_len    // L2 + IP total length
);

// rule flags, in contract order (the lowest set bit is the reason)
localparam RULE_NOT_IPV4 = 0;      // rule 3
localparam RULE_MALFORMED_HDR = 1; // rule 4, and IHL < 5
localparam RULE_IP_OPTIONS = 2;    // rule 5, IHL > 5
localparam RULE_FRAGMENT = 3;      // rule 6
localparam RULE_NOT_TCP_UDP = 4;   // rule 7
localparam RULE_MALFORMED_TL = 5;  // rule 8
localparam RULE_TOO_LONG = 6;      // rule 9

localparam integer MAX_LEN_INT = MAX_LEN;
localparam [16:0] MAX_LEN_17 = MAX_LEN_INT[16:0];

localparam [7:0] PROTO_TCP = 8'd6;
localparam [7:0] PROTO_UDP = 8'd17;

// Ethernet / VLAN
wire [15:0] ethertype_12 = {hdr_data[12*8 +: 8], hdr_data[13*8 +: 8]};
wire [15:0] ethertype_16 = {hdr_data[16*8 +: 8], hdr_data[17*8 +: 8]};
wire ipv4_l2_14 = hdr_len >= 7'd14 && ethertype_12 == 16'h0800;
wire ipv4_l2_18 = hdr_len >= 7'd18 && ethertype_12 == 16'h8100 && ethertype_16 == 16'h0800;
wire vlan = !ipv4_l2_14;

// rules 4-9 on an IPv4 header at offset L2 (header bytes L2+i as ipN)
function [6:0] ip_rules;
    input [7:0]  ip0;           // version, IHL
    input [15:0] total_len;     // bytes 2-3
    input [13:0] frag;          // MF and fragment offset (bytes 6-7 without DF and the reserved bit)
    input [7:0]  proto;         // byte 9
    input        hdr_present;   // len >= L2 + 20
    input [16:0] l2;
    begin
        ip_rules = 7'd0;
        ip_rules[RULE_MALFORMED_HDR] = !hdr_present || ip0[7:4] != 4'd4 || ip0[3:0] < 4'd5;
        ip_rules[RULE_IP_OPTIONS] = ip0[3:0] > 4'd5;
        ip_rules[RULE_FRAGMENT] = frag != 14'd0;
        ip_rules[RULE_NOT_TCP_UDP] = proto != PROTO_TCP && proto != PROTO_UDP;
        ip_rules[RULE_MALFORMED_TL] = total_len < (proto == PROTO_UDP ? 16'd28 : 16'd40);
        ip_rules[RULE_TOO_LONG] = {1'b0, total_len} + l2 > MAX_LEN_17;
    end
endfunction

// byte i of the header
function [7:0] hdr_byte;
    input [511:0] hdr;
    input integer i;
    begin
        hdr_byte = hdr[8*i +: 8];
    end
endfunction

wire [6:0] rules_14 = ip_rules(hdr_byte(hdr_data, 14),
                               {hdr_byte(hdr_data, 16), hdr_byte(hdr_data, 17)},
                               {hdr_data[20*8 +: 6], hdr_byte(hdr_data, 21)},
                               hdr_byte(hdr_data, 23), hdr_len >= 7'd34, 17'd14);
wire [6:0] rules_18 = ip_rules(hdr_byte(hdr_data, 18),
                               {hdr_byte(hdr_data, 20), hdr_byte(hdr_data, 21)},
                               {hdr_data[24*8 +: 6], hdr_byte(hdr_data, 25)},
                               hdr_byte(hdr_data, 27), hdr_len >= 7'd38, 17'd18);

reg [6:0] rules;
always @* begin
    rules = vlan ? rules_18 : rules_14;
    rules[RULE_NOT_IPV4] = !ipv4_l2_14 && !ipv4_l2_18;
end

wire [16:0] need_len_14 = {1'b0, hdr_data[16*8 +: 8], hdr_data[17*8 +: 8]} + 17'd14;
wire [16:0] need_len_18 = {1'b0, hdr_data[20*8 +: 8], hdr_data[21*8 +: 8]} + 17'd18;

// IPv4 header and the first 20 bytes after it: ip[8*i +: 8] is byte L2 + i
wire [319:0] ip = vlan ? hdr_data[18*8 +: 320] : hdr_data[14*8 +: 320];

wire [7:0]  ip_proto = ip[9*8 +: 8];
wire [15:0] ip_csum = {ip[10*8 +: 8], ip[11*8 +: 8]};
wire [15:0] udp_csum = {ip[26*8 +: 8], ip[27*8 +: 8]};
wire [15:0] tcp_csum = {ip[36*8 +: 8], ip[37*8 +: 8]};
wire        is_udp = ip_proto == PROTO_UDP;

reg         valid_reg = 1'b0;
reg         disabled_reg = 1'b0;
reg [6:0]   rules_reg = 7'd0;
reg         vlan_reg = 1'b0;
reg         udp_reg = 1'b0;
reg [103:0] key_reg = 104'd0;
reg [15:0]  ip_csum_reg = 16'd0;
reg [15:0]  l4_csum_reg = 16'd0;
reg [16:0]  need_len_reg = 17'd0;

assign out_valid = valid_reg;
assign out_disabled = disabled_reg;
assign out_rules = rules_reg;
assign out_vlan = vlan_reg;
assign out_udp = udp_reg;
assign out_key = key_reg;
assign out_dst_ip = {key_reg[4*8 +: 8], key_reg[5*8 +: 8], key_reg[6*8 +: 8], key_reg[7*8 +: 8]};
assign out_dst_port = {key_reg[10*8 +: 8], key_reg[11*8 +: 8]};
assign out_proto = key_reg[12*8 +: 8];
assign out_ip_csum = ip_csum_reg;
assign out_l4_csum = l4_csum_reg;
assign out_need_len = need_len_reg;

always @(posedge clk) begin
    if (adv) begin
        valid_reg <= hdr_valid;
        if (hdr_valid) begin
            disabled_reg <= !ctrl_enable;
            rules_reg <= rules;
            vlan_reg <= vlan;
            udp_reg <= is_udp;
            // bytes L2+12 .. L2+23 (IPs and ports, as on the wire), then the protocol
            key_reg <= {ip_proto, ip[12*8 +: 96]};
            ip_csum_reg <= ip_csum;
            l4_csum_reg <= is_udp ? udp_csum : tcp_csum;
            need_len_reg <= vlan ? need_len_18 : need_len_14;
        end
    end

    if (rst) begin
        valid_reg <= 1'b0;
    end
end

// bytes no rule looks at (TOS, ID, TTL, the other checksum, trailing header bytes)
wire _unused_ok = &{1'b0, hdr_data, ip, 1'b0};

endmodule

`resetall
